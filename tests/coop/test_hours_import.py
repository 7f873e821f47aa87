"""Importing real time-tracker exports into a co-op: mapping, all-or-nothing, idempotence."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from coop.errors import InvalidInput, NotAllowed
from coop.hours.importing import import_hours
from coop.hours.services import lock_period
from coop.models import Client, Project, TimeEntry
from tests.conftest import as_member
from tests.factories import ClientFactory, CooperativeFactory, MemberFactory, ProjectFactory

SAMPLES = Path(__file__).parent / "samples"
GOOD_SAMPLES = {
    "toggl_detailed.csv": "toggl",
    "toggl_detailed_bom_crlf.csv": "toggl",
    "harvest_detailed.csv": "harvest",
    "kimai_en.csv": "kimai",
    "kimai_de_semicolon.csv": "kimai",
    "clockify_detailed_us.csv": "clockify",
    "clockify_detailed_eu.csv": "clockify",
}


@pytest.fixture(autouse=True)
def december(clock):
    """The samples were exported in late 2026: run the import as of 31 December 2026."""
    clock.set(datetime.date(2026, 12, 31))


@pytest.fixture
def coop_setup(db):
    cooperative = CooperativeFactory(slug="tejido")
    people = {
        "ana": MemberFactory(
            cooperative=cooperative, user__email="ana@example.coop", user__full_name="Ana Souza"
        ),
        "bruno": MemberFactory(
            cooperative=cooperative,
            user__email="bruno.diaz@example.coop",
            user__full_name="Bruno Díaz",
            is_admin=True,
        ),
        "carla": MemberFactory(
            cooperative=cooperative,
            user__email="carla@example.coop",
            user__full_name="Carla Pereira",
            is_treasurer=True,
        ),
    }
    rosario = ClientFactory(cooperative=cooperative, name="Municipality of Rosario")
    food = ClientFactory(cooperative=cooperative, name="Food Co-op Network")
    ours = ClientFactory(cooperative=cooperative, name="Tejido (internal)")
    ProjectFactory(client=rosario, name="Open data portal")
    ProjectFactory(client=food, name="Member app")
    ProjectFactory(client=ours, name="Internal")
    return cooperative, people


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


@pytest.mark.parametrize(("name", "source"), GOOD_SAMPLES.items())
def test_every_format_imports_and_reimports_idempotently(coop_setup, name, source):
    cooperative, _ = coop_setup
    report = import_hours(cooperative=cooperative, actor=None, data=sample(name))
    assert report.format == source
    assert report.rejected == []
    assert report.written and report.created == report.rows > 0
    assert TimeEntry.objects.filter(source=source).count() == report.created
    again = import_hours(cooperative=cooperative, actor=None, data=sample(name))
    assert (again.created, again.duplicates, again.rejected) == (0, report.created, [])
    assert TimeEntry.objects.count() == report.created
    verbs = list(cooperative.audit_events.values_list("verb", flat=True))
    assert verbs.count("time_entry.created") == report.created
    assert verbs.count("time_entries.imported") == 2


def test_harvest_maps_people_by_name(coop_setup):
    cooperative, people = coop_setup
    import_hours(cooperative=cooperative, actor=None, data=sample("harvest_detailed.csv"))
    assert TimeEntry.objects.filter(member=people["bruno"], project__name="Internal").exists()


def test_one_bad_row_means_nothing_is_written(coop_setup):
    cooperative, _ = coop_setup
    report = import_hours(cooperative=cooperative, actor=None, data=sample("toggl_bad_rows.csv"))
    assert not report.written
    assert not TimeEntry.objects.exists()
    assert len(report.rejected) == 13
    assert all(row["line"] > 1 and row["reason"] for row in report.rejected)
    assert report.summary.startswith("Nothing was imported. 13 rows were rejected.")


def test_skip_invalid_imports_the_valid_rows(coop_setup):
    cooperative, _ = coop_setup
    report = import_hours(
        cooperative=cooperative, actor=None, data=sample("toggl_bad_rows.csv"), skip_invalid=True
    )
    assert report.written and report.created == 2 and len(report.rejected) == 13


def test_dry_run_writes_nothing(coop_setup):
    cooperative, _ = coop_setup
    report = import_hours(
        cooperative=cooperative, actor=None, data=sample("kimai_en.csv"), dry_run=True
    )
    assert report.created == 4 and not report.written
    assert not TimeEntry.objects.exists()


def test_rules_of_logging_apply_to_each_row(coop_setup):
    cooperative, _ = coop_setup
    lock_period(cooperative=cooperative, month=datetime.date(2026, 11, 1))
    report = import_hours(cooperative=cooperative, actor=None, data=sample("kimai_en.csv"))
    assert not report.written
    assert {row["reason"].split(":")[0] for row in report.rejected} == {"November 2026 is locked"}


def test_unknown_people_and_projects_are_named(coop_setup):
    cooperative, _ = coop_setup
    csv = (
        "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,"
        "End time,Duration,Tags,Amount ()\n"
        "Zed,zed@example.coop,Municipality of Rosario,Open data portal,,x,No,2026-11-02,09:00:00,"
        "2026-11-02,10:00:00,01:00:00,,\n"
        "Ana,ana@example.coop,New Client,Website,,x,No,2026-11-02,09:00:00,2026-11-02,10:00:00,"
        "01:00:00,,\n"
    )
    report = import_hours(cooperative=cooperative, actor=None, data=csv)
    assert report.rejected == [
        {"line": 2, "reason": "No member of the co-op has the e-mail address zed@example.coop."},
        {
            "line": 3,
            "reason": "There is no client “New Client”: import with --create-missing to add it.",
        },
    ]
    created = import_hours(
        cooperative=cooperative, actor=None, data=csv, create_missing=True, skip_invalid=True
    )
    assert created.created_clients == ["New Client"]
    assert created.created_projects == ["New Client / Website"]
    assert Project.objects.filter(client__name="New Client", name="Website").exists()


def test_members_import_only_their_own_rows(coop_setup):
    cooperative, people = coop_setup
    report = import_hours(cooperative=cooperative, actor=people["ana"], data=sample("kimai_en.csv"))
    assert not report.written
    reasons = {row["reason"] for row in report.rejected}
    assert reasons == {
        "This row is for bruno.diaz@example.coop: you may import only your own hours.",
        "This row is for carla@example.coop: you may import only your own hours.",
    }
    with pytest.raises(NotAllowed):
        import_hours(
            cooperative=cooperative,
            actor=people["ana"],
            data=sample("kimai_en.csv"),
            create_missing=True,
        )


def test_unknown_format_names_the_file(coop_setup):
    cooperative, _ = coop_setup
    with pytest.raises(InvalidInput) as error:
        import_hours(cooperative=cooperative, actor=None, data="a,b,c\n1,2,3\n")
    assert error.value.field == "file"


@pytest.mark.django_db
class TestApi:
    def post(self, api, member, data, **options):
        upload = SimpleUploadedFile("export.csv", data, content_type="text/csv")
        return as_member(api, member).post(
            f"/api/v1/coops/{member.cooperative.slug}/time-entries/import/",
            {"file": upload, **options},
            format="multipart",
        )

    def test_import_then_reimport(self, api, coop_setup):
        _, people = coop_setup
        first = self.post(api, people["bruno"], sample("clockify_detailed_us.csv"))
        assert first.status_code == 201, first.json()
        assert first.json()["created"] == 3
        second = self.post(api, people["bruno"], sample("clockify_detailed_us.csv"))
        assert (second.json()["created"], second.json()["duplicates"]) == (0, 3)

    def test_rejected_rows_are_a_400_with_the_report(self, api, coop_setup):
        _, people = coop_setup
        response = self.post(api, people["bruno"], sample("toggl_bad_rows.csv"))
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "rows_rejected"
        assert body["detail"].startswith("Nothing was imported.")
        assert body["errors"]["file"][0].startswith("line ")
        assert len(body["report"]["rejected"]) == 13

    def test_dry_run_is_200(self, api, coop_setup):
        _, people = coop_setup
        response = self.post(api, people["bruno"], sample("kimai_en.csv"), dry_run="true")
        assert response.status_code == 200
        assert response.json()["dry_run"] is True

    def test_missing_file_unknown_format_and_too_large(self, api, coop_setup):
        _, people = coop_setup
        url = f"/api/v1/coops/{people['ana'].cooperative.slug}/time-entries/import/"
        missing = as_member(api, people["ana"]).post(url, {}, format="multipart")
        assert missing.status_code == 400
        assert "file" in missing.json()["errors"]
        unknown = self.post(api, people["ana"], b"a,b\n1,2\n")
        assert unknown.status_code == 400
        assert "file" in unknown.json()["errors"]
        huge = self.post(api, people["ana"], b"x" * (5 * 1024 * 1024 + 1))
        assert huge.status_code == 413
        assert huge.json()["code"] == "too_large"


def test_management_command(coop_setup, capsys, tmp_path):
    cooperative, _ = coop_setup
    call_command("import_hours", str(SAMPLES / "harvest_detailed.csv"), coop="tejido")
    assert "Format: harvest. 5 entries were imported." in capsys.readouterr().out
    with pytest.raises(CommandError) as error:
        call_command("import_hours", str(SAMPLES / "toggl_bad_rows.csv"), coop="tejido")
    assert error.value.returncode == 1
    assert "line " in capsys.readouterr().err
    with pytest.raises(CommandError, match="No co-op with slug"):
        call_command("import_hours", str(SAMPLES / "kimai_en.csv"), coop="nope")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_hours", str(tmp_path / "missing.csv"), coop="tejido")
    out = io.StringIO()
    call_command(
        "import_hours", str(SAMPLES / "kimai_en.csv"), coop="tejido", dry_run=True, json=True,
        stdout=out,
    )  # fmt: skip
    assert '"dry_run": true' in out.getvalue()
    assert Client.objects.filter(cooperative=cooperative).count() == 3


def test_a_description_kimai_guarded_is_stored_as_typed_and_exported_guarded(coop_setup):
    """Kimai's `' ` guard comes off (the stored text is what the member typed in Kimai, as for an
    entry typed here), and every CSV Cooperage writes puts its own guard back on."""
    from coop.hours.exports import entries_csv

    cooperative, _people = coop_setup
    import_hours(cooperative=cooperative, actor=None, data=sample("kimai_en.csv"))
    stored = set(TimeEntry.objects.values_list("description", flat=True))
    assert {"-fix rounding of totals", "=SUM(A1:A3) in the report template"} <= stored
    exported = entries_csv(TimeEntry.objects.select_related("member__user", "project__client"))
    assert "'-fix rounding of totals" in exported
    assert "'=SUM(A1:A3) in the report template" in exported
    assert ",=SUM" not in exported and ",-fix" not in exported

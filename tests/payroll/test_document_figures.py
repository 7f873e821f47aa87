"""The payslip and report PDFs write every figure one way, in the reader's notation, say a
member's fraction of the pool in percent and words, and never wrap a figure in a table cell."""

import datetime
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from coop.money import format_money
from payroll import distributing, services
from payroll.models import Distribution
from tests.factories import ClientFactory
from tests.payroll.books import SEPTEMBER

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def rich_month(cooperative, treasurer, books):
    """September with a revenue of millions, so that every share has a thousands separator."""
    services.record_revenue(
        actor=treasurer, cooperative=cooperative, client=ClientFactory(cooperative=cooperative),
        amount=Decimal("1234567.89"), received_on=datetime.date(2026, 9, 16),
    )  # fmt: skip
    return books


def _approve(treasurer, cooperative, django_capture_on_commit_callbacks):
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    with django_capture_on_commit_callbacks(execute=True):
        distributing.approve_distribution(actor=treasurer, distribution=run)
    return Distribution.objects.get(pk=run.pk)


def _text(document) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\xa0", " ")


def test_the_payslip_writes_figures_one_way_and_the_fraction_in_words(
    cooperative, treasurer, rich_month, django_capture_on_commit_callbacks
):
    run = _approve(treasurer, cooperative, django_capture_on_commit_callbacks)
    line = run.lines.get(member=rich_month[1])
    text = _text(run.documents.get(kind="payslip", member=rich_month[1]))
    flat = " ".join(text.split())
    assert "Your part of the member pool 28.57 % of the member pool (2 of 7)" in flat
    assert "2/7" not in flat
    share = format_money(line.share, "EUR")  # "€…,…" with thousands separators
    assert share in flat
    # The explanation writes the same figures in the same notation, no bare "1234.56".
    pool = format_money(run.member_pool, "EUR")[1:]
    assert f"of the member pool of {pool} EUR" in flat
    assert str(run.member_pool) not in flat and str(line.share) not in flat
    assert "Your weight 4,800" in flat


def test_the_payslip_in_german_writes_the_fraction_in_german(
    cooperative, treasurer, rich_month, django_capture_on_commit_callbacks
):
    member = rich_month[1]
    member.language = "de"
    member.save()
    run = _approve(treasurer, cooperative, django_capture_on_commit_callbacks)
    flat = " ".join(_text(run.documents.get(kind="payslip", member=member)).split())
    assert "28,57 % des Mitgliedertopfs (2 von 7)" in flat
    assert "Das ist 28,57 % (2 von 7) des Mitgliedertopfs" in flat


def test_report_cells_do_not_wrap(
    cooperative, treasurer, rich_month, django_capture_on_commit_callbacks
):
    run = _approve(treasurer, cooperative, django_capture_on_commit_callbacks)
    with run.documents.get(kind="report").file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = "\n".join(page.extract_text(extraction_mode="layout") for page in reader.pages)
    rows = [" ".join(row.replace("\xa0", " ").split()) for row in text.splitlines()]
    for line in run.lines.all():
        figures = [format_money(amount, "EUR") for amount in (line.share, line.cash, line.retained)]
        # a row's figures are whole, side by side on one line of text
        assert any(" ".join(figures) in row for row in rows), figures
    total = format_money(sum(line.share for line in run.lines.all()), "EUR")
    assert any(row.startswith("Total") and total in row for row in rows)


def test_the_day_of_approval_is_the_co_op_s_day_in_the_reader_s_words(
    cooperative, treasurer, books, clock, django_capture_on_commit_callbacks
):
    """Approved at 23:30 UTC on 9 December, which is already the 10th in Vienna."""
    clock.set(datetime.datetime(2026, 12, 9, 23, 30, tzinfo=datetime.UTC))
    treasurer.language = "de"
    treasurer.save(update_fields=["language"])
    run = _approve(treasurer, cooperative, django_capture_on_commit_callbacks)
    payslip = " ".join(_text(run.documents.get(kind="payslip", member=treasurer)).split())
    assert "wurde am 10. Dezember 2026 von der Kassenführung" in payslip
    assert "2026-12-" not in payslip
    report = " ".join(_text(run.documents.get(kind="report")).split())
    assert "on December 10, 2026" in report

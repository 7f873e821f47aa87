"""The payslip and report PDFs write every figure one way, in the reader's notation, say a
member's fraction of the pool in percent and words, and never wrap a figure in a table cell."""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from pypdf import PdfReader

from coop.locale_formats import format_day
from coop.money import format_money
from payroll import distributing
from payroll.models import Distribution
from payroll.services import money_in
from tests.factories import ClientFactory
from tests.payroll.books import SEPTEMBER

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def rich_month(cooperative, treasurer, books):
    """September with a revenue of millions, so that every share has a thousands separator."""
    money_in.record_revenue(
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
    assert "Your part of the member pool 28.57% of the member pool (2 of 7)" in flat
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


# What the report says in each language, and the English words it must no longer hold there.
REPORT_WORDS = {
    "es": (
        "Informe del reparto — septiembre de 2026", "Aprobado por la tesorería",
        "Fondo de educación", "Quién recibe qué", "Horas", "Peso", "Parte", "Efectivo",
        "Retenido", "Comprobación: las partes suman", "Sin IBAN registrado, a pagar a mano:",
    ),
    "de": (
        "Ausschüttungsbericht — September 2026", "von der Kassenführung", "Bildungsfonds",
        "Wer erhält was", "Stunden", "Gewicht", "Anteil", "Auszahlung", "Einbehalten", "Summe",
        "Prüfung: Die Anteile ergeben zusammen", "Keine IBAN hinterlegt, von Hand zu überweisen:",
    ),
}  # fmt: skip
ENGLISH = ("Distribution report", "Who receives what", "Hours", "Weight", "Retained", "Check:",
           "approved by", "to be paid by hand", "policy v", "education fund", "Status")  # fmt: skip
LONG_NAME = "María Fernanda de los Ángeles Etxeberria-Goikoetxea Oyarzábal y Sánchez-Albornoz"


def _download_report(client, member, run, language: str, *, api=False):
    client.force_login(member.user)
    slug = member.cooperative.slug
    path = (
        f"/api/v1/coops/{slug}/distributions/{run.pk}/report/"
        if api
        else f"/c/{slug}/money/distributions/{run.pk}/files/report/"
    )
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    return PdfReader(io.BytesIO(response.content))


@pytest.mark.parametrize("language", ["es", "de"])
def test_the_report_is_written_in_the_language_of_whoever_downloads_it(
    client, cooperative, treasurer, rich_month, django_capture_on_commit_callbacks, language
):
    run = _approve(treasurer, cooperative, django_capture_on_commit_callbacks)
    reader = _download_report(client, rich_month[1], run, language)
    text = "\n".join(page.extract_text() for page in reader.pages).replace("\xa0", " ")
    flat = " ".join(text.split())
    for words in REPORT_WORDS[language]:
        assert words in flat, words
    if language == "es":
        assert reader.metadata.title == "Informe del reparto septiembre de 2026"
    for english in ENGLISH:
        assert english not in flat, english
    # Every amount in the reader's notation ("352.734,80 €"), never a bare "352734.80".
    for line in run.lines.all():
        for amount in (line.share, line.cash, line.retained):
            assert format_money(amount, "EUR", language).replace("\xa0", " ") in flat
        assert str(line.share) not in flat
    surplus = format_money(run.surplus, "EUR", language).replace("\xa0", " ")
    assert surplus.endswith(" €") and surplus.count(".") == 2  # 1.234.567,89 − funds, in es/de
    assert f"{surplus}." in flat  # the check names the surplus in the same notation
    approved_on = timezone.localtime(run.approved_at, ZoneInfo(cooperative.time_zone)).date()
    assert format_day(approved_on, language) in flat  # "4 de diciembre de 2026", not ISO
    assert f"{approved_on:%Y-%m-%d}" not in flat


def test_the_api_writes_the_report_in_the_requests_language_and_keeps_the_record(
    client, cooperative, treasurer, rich_month, django_capture_on_commit_callbacks
):
    run = _approve(treasurer, cooperative, django_capture_on_commit_callbacks)
    run = distributing.mark_paid(actor=treasurer, distribution=run)
    reader = _download_report(client, rich_month[2], run, "de", api=True)
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Ausschüttungsbericht — September 2026" in text
    paid_on = timezone.localtime(run.paid_at, ZoneInfo(cooperative.time_zone)).date()
    assert f"; bezahlt am {format_day(paid_on, 'de')}." in text
    # The stored copy is the co-op's record of the approved month, in the co-op's language.
    assert "Distribution report — September 2026" in _text(run.documents.get(kind="report"))


@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_no_figure_of_the_downloaded_report_wraps(
    client, cooperative, treasurer, rich_month, django_capture_on_commit_callbacks, language
):
    """A long name wraps between its words; an amount, an hour count or "€" never does."""
    member = rich_month[2]
    member.legal_name = LONG_NAME
    member.save()
    run = _approve(treasurer, cooperative, django_capture_on_commit_callbacks)
    reader = _download_report(client, member, run, language)
    text = "\n".join(page.extract_text(extraction_mode="layout") for page in reader.pages)
    rows = [" ".join(row.replace("\xa0", " ").split()) for row in text.splitlines()]
    for line in run.lines.all():
        figures = [
            format_money(amount, "EUR", language).replace("\xa0", " ")
            for amount in (line.share, line.cash, line.retained)
        ]
        # the row's figures are whole, side by side on one line of text
        assert any(" ".join(figures) in row for row in rows), figures
    assert not any(row.endswith(LONG_NAME) for row in rows)  # it did wrap, between words
    flat = " ".join(rows)
    assert all(word in flat for word in LONG_NAME.split())
    total = format_money(sum(line.share for line in run.lines.all()), "EUR", language)
    label = {"en": "Total", "es": "Total", "de": "Summe"}[language]
    assert any(row.startswith(label) and total.replace("\xa0", " ") in row for row in rows)


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

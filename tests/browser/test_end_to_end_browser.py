"""A member's month in Chromium, in English, Spanish and German: correct an entry, record the
client's payment typed as the language writes amounts, vote, and download the payslip, which
is written in the member's language.

The member is also the treasurer, as in most small co-ops; September 2026 (tests/payroll/books)
is already approved, so that the payslip exists, and December is open.
"""

import datetime
import io
import pathlib
import re
from decimal import Decimal

import pytest
from django.utils import translation
from pypdf import PdfReader

from coop.models import TimeEntry
from governance.models import Ballot
from payroll import distributing
from payroll.models import Revenue
from tests.factories import MemberFactory, TimeEntryFactory
from tests.payroll.books import SEPTEMBER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the member types and what each language must answer, written out rather than computed
# with the code under test. Spanish groups thousands in amounts ("1.234,56") as German does.
LANGUAGES = {
    "en": {
        "typed": "1,234.56",
        "understood": "Recorded 1,234.56 EUR from Municipality of Rosario.",
        "payslip": [
            "Payslip — September 2026",
            "Your share",
            "€4,200.00",
            "Hours worked",
            "on December 9, 2026.",
            "By hours: 9,600 of the 16,800 minutes",
        ],
    },
    "es": {
        "typed": "1.234,56",
        "understood": "Registrado un ingreso de 1.234,56 EUR de Municipality of Rosario.",
        "payslip": [
            "Recibo — septiembre de 2026",
            "Tu parte",
            "4.200,00 €",
            "Horas trabajadas",
            "el 9 de diciembre de 2026.",
            "Por horas: 9.600 de los 16.800 minutos",
        ],
    },
    "de": {
        "typed": "1.234,56",
        "understood": "1.234,56 EUR von Municipality of Rosario erfasst.",
        "payslip": [
            "Abrechnung — September 2026",
            "Dein Anteil",
            "4.200,00 €",
            "Gearbeitete Stunden",
            "am 9. Dezember 2026",
            "Nach Stunden: 9.600 der 16.800",
        ],
    },
}


@pytest.fixture(autouse=True)
def today(clock):
    clock.set(datetime.date(2026, 12, 9))


@pytest.fixture(params=list(LANGUAGES))
def language(request):
    return request.param


@pytest.fixture
def september_approved(cooperative, treasurer, books, language):
    """The treasurer reads their documents in `language`; September's payslips are made."""
    treasurer.language = language
    treasurer.save(update_fields=["language"])
    distribution = distributing.create_draft(
        actor=treasurer, cooperative=cooperative, month=SEPTEMBER
    )
    return distributing.approve_distribution(actor=treasurer, distribution=distribution)


def pdf_text(path: str) -> str:
    """The text of a PDF, as tests/payroll/test_documents.py reads it, with every run of white
    space (the non-breaking space before "€" included) made one space."""
    reader = PdfReader(io.BytesIO(pathlib.Path(path).read_bytes()))
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))


def test_a_member_s_month_in_their_language(
    live_server, page, log_in, cooperative, treasurer, september_approved, make_proposal, language
):
    from playwright.sync_api import expect

    def say(text):
        with translation.override(language):
            return translation.gettext(text)

    expected = LANGUAGES[language]
    project = TimeEntry.objects.filter(member=treasurer).first().project
    entry = TimeEntryFactory(
        member=treasurer, project=project, date=datetime.date(2026, 12, 7), minutes=60
    )
    author = MemberFactory(cooperative=cooperative, is_secretary=True)
    proposal = make_proposal(author, method="consent", allow_early_close=False)
    slug = cooperative.slug

    log_in(page, treasurer)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )

    # Correct an entry: another day, another duration.
    page.goto(f"{live_server.url}/c/{slug}/hours/entries/?month=2026-12")
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.locator(f'a[href$="/hours/entries/{entry.pk}/edit/"]').click()
    page.get_by_label(say("Date"), exact=True).fill("2026-12-08")
    page.get_by_label(say("Time"), exact=True).fill("2:15")
    page.get_by_role("button", name=say("Save"), exact=True).click()
    expect(page.get_by_role("status")).to_have_text(say("The entry was saved."))
    entry.refresh_from_db()
    assert (entry.date, entry.minutes) == (datetime.date(2026, 12, 8), 135)

    # Record what the client paid, typed as the language writes it.
    page.goto(f"{live_server.url}/c/{slug}/money/?month=2026-12")
    form = page.locator("form", has=page.locator("#id_revenue-amount"))
    form.get_by_label(say("Client"), exact=True).select_option(label=project.client.name)
    form.locator("#id_revenue-amount").fill(expected["typed"])
    form.get_by_label(say("Received on"), exact=True).fill("2026-12-04")
    form.get_by_role("button", name=say("Record revenue"), exact=True).click()
    expect(page.get_by_role("status")).to_have_text(expected["understood"])
    revenue = Revenue.objects.get(cooperative=cooperative, received_on=datetime.date(2026, 12, 4))
    assert revenue.amount == Decimal("1234.56")

    # Vote on the open proposal.
    page.goto(f"{live_server.url}/c/{slug}/proposals/{proposal.pk}/")
    page.get_by_label(say("Agree"), exact=True).check()
    page.get_by_role("button", name=say("Vote"), exact=True).click()
    expect(page.locator(".marker.voted")).to_be_visible()
    assert Ballot.objects.get(proposal=proposal, member=treasurer).content == {"choice": "agree"}

    # The payslip of September, in the member's language.
    page.goto(f"{live_server.url}/c/{slug}/money/distributions/{september_approved.pk}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=say("My payslip (PDF)"), exact=True).click()
    text = pdf_text(download_info.value.path())
    for words in expected["payslip"]:
        assert words.replace("\xa0", " ") in text, f"{words!r} not in the payslip: {text[:400]}"

"""The settlement statement (PDF): the hand-checked example of docs/capital.md, "Leaving" (a
balance of 10,000.00 after a loss of 500.00, 30% retained, 7,000.00 paid back in 5 yearly
instalments of 1,400.00 with 2% a year on the unpaid balance), read back from the PDF's text;
who may download it (the page and the API); Spanish and German."""

import datetime
from decimal import Decimal

import pytest

from coop.services import change_member_status
from payroll import distributing, settlement_approval
from payroll.models import CapitalAccountEntry
from payroll.settlement_models import Settlement
from tests.conftest import as_member
from tests.factories import MemberFactory
from tests.payroll.books import SEPTEMBER
from tests.payroll.test_settlements import FIVE_YEARS
from tests.pdf import pdf_words
from tests.web import signed_in

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def leaver(clock, cooperative, admin_member):
    """Ana: 10,500.00 allocated, 500.00 of a loss charged; departed on 31 August 2025."""
    cooperative.bylaws = {**cooperative.bylaws, "settlement": FIVE_YEARS}
    cooperative.save()
    clock.set(datetime.date(2025, 9, 2))
    member = MemberFactory(
        cooperative=cooperative, iban="ES9121000418450200051332", legal_name="Ana Leaver"
    )
    for kind, amount, day in (
        ("allocation", D("10500.00"), datetime.date(2024, 12, 31)),
        ("loss", D("-500.00"), datetime.date(2025, 6, 30)),
    ):
        CapitalAccountEntry.objects.create(
            cooperative=cooperative, member=member, kind=kind, amount=amount, date=day
        )
    return change_member_status(
        member=member,
        actor=admin_member,
        status="departed",
        effective_on=datetime.date(2025, 8, 31),
    )


@pytest.fixture
def paid_once(clock, cooperative, treasurer, leaver, books):
    """Approved on 2 September 2025; September 2026's distribution pays the first instalment."""
    settlement = settlement_approval.approve_settlement(
        actor=treasurer, settlement=leaver.settlement
    )
    clock.set(datetime.date(2026, 10, 5))
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    distributing.approve_distribution(actor=treasurer, distribution=run)
    return settlement


def page_url(settlement, suffix=""):
    return f"/c/{settlement.cooperative.slug}/money/settlements/{settlement.pk}/{suffix}"


def api_url(settlement):
    return f"/api/v1/coops/{settlement.cooperative.slug}/settlements/{settlement.pk}/pdf/"


def test_the_figures_by_hand(client, treasurer, paid_once):
    settlement = paid_once
    signed_in(client, treasurer)
    page = client.get(page_url(settlement)).content.decode()
    assert f'href="{page_url(settlement, "pdf/")}"' in page
    download = client.get(page_url(settlement, "pdf/"))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert (
        f'filename="settlement-{settlement.pk}-member-{settlement.member_id}.pdf"'
        in download["Content-Disposition"]
    )
    text = pdf_words(download.content)
    expected = [
        "Settlement statement",
        "Ana Leaver",
        f"Approved by the treasurer {treasurer.display_name} on September 2, 2025.",
        "Departed on August 31, 2025",
        "0 months: settled as of August 31, 2025",
        # 10,500.00 allocated - 500.00 of losses, both dated before the settlement date.
        "Capital account counted, as of August 31, 2025 €10,000.00",
        "of which losses charged up to August 31, 2025 -€500.00",
        # 10,000.00 × 0.70 = 7,000.00 paid back; the rest, 3,000.00, kept.
        "Retained for the collective reserve (the bylaws keep 30%) €3,000.00",
        "Refundable (the bylaws pay back 70%) €7,000.00",
        # 2% a year of 7,000.00, 5,600.00, 4,200.00, 2,800.00, 1,400.00: 140 + 112 + 84 + 56 + 28.
        "Interest on the unpaid balance (2% a year) €420.00",
        "Amount to pay €7,420.00",
        "Paid so far (1 of 5 instalments) €1,540.00",
        "Still to pay out €5,880.00",
        "1 August 2026 €1,400.00 €140.00 €1,540.00 paid by the distribution of September 2026",
        "2 August 2027 €1,400.00 €112.00 €1,512.00 not paid yet",
        "3 August 2028 €1,400.00 €84.00 €1,484.00 not paid yet",
        "4 August 2029 €1,400.00 €56.00 €1,456.00 not paid yet",
        "5 August 2030 €1,400.00 €28.00 €1,428.00 not paid yet",
        "Total €7,000.00 €420.00 €7,420.00",
        "5 instalments, every year, the first 12 months after the settlement date",
    ]
    for words in expected:
        assert words in text, words
    # The page says the same.
    for figure in ("€7,420.00", "€1,540.00", "€5,880.00", "Approved by the treasurer"):
        assert figure in page.replace("\xa0", " "), figure


def test_a_draft_says_it_is_not_approved(client, treasurer, leaver):
    signed_in(client, treasurer)
    text = pdf_words(client.get(page_url(leaver.settlement, "pdf/")).content)
    assert "Not approved yet: a draft" in text
    assert "Paid so far (0 of 5 instalments) €0.00" in text and "Still to pay out €7,420.00" in text


def test_a_vote_approves_it(client, clock, cooperative, treasurer, admin_member, leaver):
    from governance import services as governance
    from governance.models import EligibleVoter

    cooperative.bylaws = {**cooperative.bylaws, "settlement": {**FIVE_YEARS, "approval": "vote"}}
    cooperative.save()
    settlement = settlement_approval.approve_settlement(
        actor=treasurer, settlement=leaver.settlement
    )
    proposal = settlement.approval_proposal
    signed_in(client, treasurer)
    text = pdf_words(client.get(page_url(settlement, "pdf/")).content)
    assert f"Not approved yet: the members are voting on it (proposal #{proposal.pk}" in text
    clock.set(proposal.opens_at)
    governance.sweep()
    proposal.refresh_from_db()
    for voter in EligibleVoter.objects.filter(proposal=proposal).select_related("member"):
        governance.cast_vote(actor=voter.member, proposal=proposal, ballot={"choice": "agree"})
    clock.set(proposal.closes_at)
    governance.sweep()
    settlement.refresh_from_db()
    assert settlement.status == "approved" and settlement.approved_by is None
    text = pdf_words(client.get(page_url(settlement, "pdf/")).content)
    assert f"Approved by the members' vote on proposal #{proposal.pk} (“{proposal.title}”)" in text


def test_in_spanish_and_german(client, treasurer, paid_once):
    settlement = paid_once
    signed_in(client, treasurer)
    spanish = pdf_words(client.get(page_url(settlement, "pdf/"), HTTP_ACCEPT_LANGUAGE="es").content)
    for words in (
        "Liquidación",
        "7.420,00 €",
        "5.880,00 €",
        "31 de agosto de 2025",
        "pagado por el reparto de septiembre de 2026",
    ):
        assert words in spanish, words
    german = pdf_words(client.get(page_url(settlement, "pdf/"), HTTP_ACCEPT_LANGUAGE="de").content)
    for words in (
        "Auseinandersetzung",
        "7.420,00 €",
        "5.880,00 €",
        "31. August 2025",
        "September 2026",
    ):
        assert words in german, words


def test_the_departed_member_downloads_theirs_until_paid_in_full(client, api, leaver):
    settlement = leaver.settlement
    signed_in(client, leaver)
    assert client.get(page_url(settlement, "pdf/")).status_code == 200
    as_member(api, leaver)
    answer = api.get(api_url(settlement))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert "Settlement statement" in pdf_words(answer.content)
    Settlement.objects.filter(pk=settlement.pk).update(status="settled")
    assert client.get(page_url(settlement, "pdf/")).status_code == 404
    assert api.get(api_url(settlement)).status_code == 404


def test_no_one_else_does(client, api, cooperative, admin_member, member, leaver, outsider):
    settlement = leaver.settlement
    for other in (member, outsider):
        assert signed_in(client, other).get(page_url(settlement, "pdf/")).status_code == 404
        assert as_member(api, other).get(api_url(settlement)).status_code == 404
    other_leaver = MemberFactory(cooperative=cooperative)
    change_member_status(
        member=other_leaver,
        actor=admin_member,
        status="departed",
        effective_on=datetime.date(2025, 8, 31),
    )
    assert signed_in(client, other_leaver).get(page_url(settlement, "pdf/")).status_code == 404


def test_the_api_links_the_pdf_in_the_reader_s_language(api, treasurer, leaver):
    settlement = leaver.settlement
    as_member(api, treasurer)
    body = api.get(f"/api/v1/coops/{settlement.cooperative.slug}/settlements/{settlement.pk}/")
    assert body.json()["pdf"] == f"http://testserver{api_url(settlement)}"
    german = api.get(api_url(settlement), HTTP_ACCEPT_LANGUAGE="de")
    assert german.status_code == 200 and "Auseinandersetzung" in pdf_words(german.content)

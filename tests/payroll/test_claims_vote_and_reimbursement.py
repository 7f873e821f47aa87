"""Above the spending limit a vote decides a claim (passing approves it, failing rejects it);
an approved claim is paid back on a reimbursement line of its month's distribution, in the SEPA
file, beside the member's share and not part of it."""

import datetime
from decimal import Decimal

import pytest
from lxml import etree
from pypdf import PdfReader

from governance import services as governance
from governance.models import Proposal
from payroll import claims, distributing
from payroll.documents import sepa_xml
from payroll.models import DistributionLine, DocumentFailure, ExpenseClaim
from tests.factories import MemberFactory
from tests.payroll.books import SEPTEMBER
from tests.payroll.factories_claims import file_claim

pytestmark = pytest.mark.django_db


def _vote(proposal, voters, choice, clock):
    proposal = governance.open_proposal(actor=proposal.author, proposal=proposal)
    clock.set(proposal.opens_at)
    governance.sweep()
    proposal.refresh_from_db()
    for voter in voters:
        governance.cast_vote(actor=voter, proposal=proposal, ballot={"choice": choice})
    proposal.refresh_from_db()
    return proposal


@pytest.fixture
def big_claim(clock, cooperative, member, treasurer):
    clock.set(datetime.datetime(2026, 11, 10, 9, 0, tzinfo=datetime.UTC))
    cooperative.bylaws = {**cooperative.bylaws, "spending_limit": "500.00"}
    cooperative.save()
    return file_claim(member, amount=Decimal("1200.00"), payee="Framework", category="Hardware")


def test_the_treasurer_drafts_the_vote_and_passing_approves(
    clock, cooperative, member, treasurer, big_claim
):
    proposal = claims.draft_claim_proposal(actor=treasurer, claim=big_claim)
    assert (proposal.kind, proposal.action, proposal.action_payload) == (
        "spending", "approve_expense_claim", {"claim": big_claim.pk}
    )  # fmt: skip
    assert "above the spending limit" in proposal.body
    assert claims.draft_claim_proposal(actor=treasurer, claim=big_claim) == proposal
    # While members vote, the treasurer neither rejects it nor its member withdraws it.
    with pytest.raises(claims.StateConflict):
        claims.reject_claim(actor=treasurer, claim=big_claim, reason="too much")
    with pytest.raises(claims.StateConflict):
        claims.withdraw_claim(actor=member, claim=big_claim)
    proposal = _vote(proposal, [member, treasurer], "agree", clock)
    assert (proposal.state, proposal.result, proposal.action_error) == ("closed", "passed", "")
    big_claim.refresh_from_db()
    assert big_claim.status == "approved" and big_claim.proposal == proposal
    assert big_claim.expense.status == "approved" and big_claim.expense.proposal == proposal


def test_a_vote_that_does_not_pass_rejects_the_claim(
    clock, cooperative, member, treasurer, big_claim
):
    proposal = claims.draft_claim_proposal(actor=treasurer, claim=big_claim)
    proposal = _vote(proposal, [member, treasurer], "disagree", clock)
    assert proposal.result == "rejected"
    big_claim.refresh_from_db()
    assert big_claim.status == "rejected"
    assert "did not approve it (rejected)" in big_claim.rejection_reason
    assert big_claim.expense is None
    assert cooperative.audit_events.filter(verb="action.approve_expense_claim.not_passed").exists()


def test_within_the_limit_no_vote(clock, cooperative, member, treasurer, big_claim):
    small = file_claim(member, amount=Decimal("20.00"))
    with pytest.raises(claims.StateConflict, match="within the spending limit"):
        claims.draft_claim_proposal(actor=treasurer, claim=small)
    assert not Proposal.objects.exists()


@pytest.fixture
def september_claim(clock, cooperative, treasurer, books):
    clock.set(datetime.date(2026, 10, 5))
    cooperative.iban, cooperative.legal_name = "DE89370400440532013000", "Cooperage eG"
    cooperative.save()
    worker = books[1]
    worker.iban = "ES9121000418450200051332"
    worker.save()
    claim = file_claim(worker, amount=Decimal("80.00"), date=datetime.date(2026, 9, 12))
    return claims.approve_claim(actor=treasurer, claim=claim)


def test_the_distribution_pays_the_claim_back_beside_the_share(
    cooperative, treasurer, books, september_claim, django_capture_on_commit_callbacks
):
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    # The claim is an expense of September: 1,500.00 + 80.00.
    assert run.expenses == Decimal("1580.00") and run.surplus == Decimal("10420.00")
    line = run.lines.get(kind="reimbursement")
    assert (line.member_id, line.share, line.cash, line.retained, line.explanation) == (
        september_claim.member_id, Decimal("0"), Decimal("80.00"), Decimal("0"),
        {"claim": september_claim.pk},
    )  # fmt: skip
    assert line.iban == "ES9121000418450200051332"
    lines = list(run.lines.all())
    # The shares still add up to the surplus; the cash paid is the shares' cash plus the claim.
    assert sum(line.share for line in lines) == run.surplus
    shares_cash = sum(line.cash for line in lines if line.kind != "reimbursement")
    assert sum(line.cash for line in lines) == shares_cash + Decimal("80.00")
    member_line = run.lines.get(kind="member", member=september_claim.member)
    assert member_line.share == member_line.cash + member_line.retained

    xml = sepa_xml(run, lines, datetime.date(2026, 10, 6))
    tree = etree.fromstring(xml)
    ns = {"p": tree.nsmap[None]}
    amounts = {
        (tx.findtext("p:Cdtr/p:Nm", namespaces=ns), tx.findtext("p:Amt/p:InstdAmt", namespaces=ns))
        for tx in tree.iterfind(".//p:CdtTrfTxInf", ns)
    }
    assert (september_claim.member.legal_name or september_claim.member.display_name, "80.00") in (
        amounts
    )

    with django_capture_on_commit_callbacks(execute=True):
        distributing.approve_distribution(actor=treasurer, distribution=run)
    september_claim.refresh_from_db()
    assert september_claim.status == "reimbursed" and september_claim.reimbursed_in == run
    assert cooperative.audit_events.filter(verb="expense_claim.reimbursed").exists()
    # The payslips, report, CSV and SEPA file were made with the reimbursement line in them.
    assert not DocumentFailure.objects.filter(distribution=run).exists()
    kinds = set(run.documents.values_list("kind", flat=True))
    assert {"report", "csv", "sepa", "payslip"} <= kinds
    csv = run.documents.get(kind="csv").file.read().decode("utf-8-sig")
    assert "reimbursement" in csv and "80.00" in csv
    payslip = run.documents.get(kind="payslip", member=september_claim.member)
    text = " ".join(page.extract_text() for page in PdfReader(payslip.file.open("rb")).pages)
    assert "Your expense claims paid back (not part of your share)" in " ".join(text.split())
    other = run.documents.get(kind="payslip", member=books[2])
    text = " ".join(page.extract_text() for page in PdfReader(other.file.open("rb")).pages)
    assert "expense claims" not in text


def test_a_claim_approved_after_the_draft_makes_it_stale(clock, cooperative, treasurer, books):
    clock.set(datetime.date(2026, 10, 5))
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    claim = file_claim(books[2], amount=Decimal("30.00"), date=datetime.date(2026, 9, 3))
    claims.approve_claim(actor=treasurer, claim=claim)
    with pytest.raises(claims.StateConflict, match="changed"):
        distributing.approve_distribution(actor=treasurer, distribution=run)
    run = distributing.recompute_draft(actor=treasurer, distribution=run)
    assert run.lines.filter(kind=DistributionLine.Kind.REIMBURSEMENT).count() == 1
    distributing.approve_distribution(actor=treasurer, distribution=run)
    assert ExpenseClaim.objects.get().status == "reimbursed"


def test_another_members_claim_is_not_reimbursed_to_me(clock, cooperative, treasurer, books):
    clock.set(datetime.date(2026, 10, 5))
    other = MemberFactory(cooperative=cooperative)
    claims.approve_claim(
        actor=treasurer,
        claim=file_claim(other, amount=Decimal("10.00"), date=datetime.date(2026, 9, 3)),
    )
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    assert run.lines.get(kind="reimbursement").member == other


def test_the_distribution_page_shows_the_reimbursement_to_its_member_and_the_treasurer(
    client, cooperative, treasurer, books, september_claim
):
    from tests.web import signed_in

    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    address = f"/c/{cooperative.slug}/money/distributions/{run.pk}/"
    for reader, shown in ((september_claim.member, True), (treasurer, True), (books[2], False)):
        signed_in(client, reader)
        html = client.get(address).content.decode()
        assert ("Expense claims paid back" in html) is shown, reader


def test_a_vote_without_quorum_rejects_the_claim(clock, cooperative, member, treasurer, big_claim):
    from tests.governance.fixtures import close_on_time

    proposal = claims.draft_claim_proposal(actor=treasurer, claim=big_claim)
    proposal = _vote(proposal, [], "agree", clock)
    proposal = close_on_time(proposal)
    assert proposal.result == "no_quorum"
    big_claim.refresh_from_db()
    assert big_claim.status == "rejected" and big_claim.proposal == proposal
    assert "no quorum" in big_claim.rejection_reason

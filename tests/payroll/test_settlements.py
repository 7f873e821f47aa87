"""Leaving: a departed member's settlement is drafted from the bylaws, approved, and paid in
instalments by the monthly distributions until settled; then their read access ends.

The worked example (docs/capital.md, "Leaving"): a balance of 10,000.00, 30% retained, 7,000.00
paid back in 5 yearly instalments of 1,400.00, with 2% a year on the unpaid balance."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from coop.errors import InvalidInput, NotAllowed, StateConflict
from coop.services import change_member_status
from payroll import distributing, settlement_approval, settlements
from payroll import settlement_schedule as schedule
from payroll.capital import capital_balance
from payroll.documents import sepa_xml
from payroll.models import CapitalAccountEntry
from payroll.settlement_models import Settlement
from tests.factories import MemberFactory
from tests.payroll.books import SEPTEMBER

D = Decimal
FIVE_YEARS = {
    "refundable_share": "0.70",
    "instalments": 5,
    "frequency": "yearly",
    "interest_rate": "0.02",
    "start": "after_departure",
    "start_months": 12,
}


# The schedule, by hand ---------------------------------------------------------------------------


def test_thirty_percent_retained_paid_over_five_years_by_hand():
    refundable = schedule.refundable_part(D("10000.00"), D("0.70"))
    assert refundable == D("7000.00")  # 3,000.00 retained
    parts = schedule.schedule(
        refundable=refundable,
        count=5,
        first_due=schedule.first_due_month(
            settled_on=datetime.date(2025, 8, 31), start="after_departure", start_months=12
        ),
        months_between=12,
        interest_rate=D("0.02"),
        settled_on=datetime.date(2025, 8, 31),
    )
    # Interest: 2% of what is unpaid before each instalment, for the 12 months since the last.
    assert [(p.due_month, p.amount, p.interest) for p in parts] == [
        (datetime.date(2026, 8, 1), D("1400.00"), D("140.00")),  # 7,000.00 × 2%
        (datetime.date(2027, 8, 1), D("1400.00"), D("112.00")),  # 5,600.00 × 2%
        (datetime.date(2028, 8, 1), D("1400.00"), D("84.00")),  # 4,200.00 × 2%
        (datetime.date(2029, 8, 1), D("1400.00"), D("56.00")),  # 2,800.00 × 2%
        (datetime.date(2030, 8, 1), D("1400.00"), D("28.00")),  # 1,400.00 × 2%
    ]
    assert sum(p.total for p in parts) == D("7420.00")


def test_the_cents_left_over_go_to_the_earliest_instalments():
    refundable = schedule.refundable_part(D("10000.03"), D("0.70"))
    assert refundable == D("7000.02")  # 7,000.021 rounded down: 3,000.01 retained
    assert schedule.split_in_instalments(refundable, 5) == [
        D("1400.01"), D("1400.01"), D("1400.00"), D("1400.00"), D("1400.00")
    ]  # fmt: skip
    assert schedule.split_in_instalments(D("0.02"), 3) == [D("0.01"), D("0.01"), D("0.00")]


def test_the_first_instalment_after_the_year_end():
    # GenG §73(2): within six months of leaving, which is at a year end; May's distribution
    # is paid in June.
    due = schedule.first_due_month(
        settled_on=datetime.date(2026, 12, 31), start="after_year_end", start_months=5
    )
    assert due == datetime.date(2027, 5, 1)
    assert schedule.refundable_part(D("-5.00"), D("0.70")) == D("0.00")


# Drafting and approving ---------------------------------------------------------------------


@pytest.fixture
def five_years(cooperative):
    cooperative.bylaws = {**cooperative.bylaws, "settlement": FIVE_YEARS}
    cooperative.save()
    return cooperative


@pytest.fixture
def leaver(clock, cooperative, five_years, admin_member):
    """A member with 10,000.00 in their capital account who departed on 31 August 2025."""
    clock.set(datetime.date(2025, 9, 2))
    member = MemberFactory(
        cooperative=cooperative, iban="ES9121000418450200051332", legal_name="Ana Leaver"
    )
    CapitalAccountEntry.objects.create(
        cooperative=cooperative,
        member=member,
        kind=CapitalAccountEntry.Kind.ALLOCATION,
        amount=D("10000.00"),
        date=datetime.date(2024, 12, 31),
    )
    return change_member_status(
        member=member,
        actor=admin_member,
        status="departed",
        effective_on=datetime.date(2025, 8, 31),
    )


def test_departing_drafts_the_settlement_once(cooperative, treasurer, leaver):
    settlement = Settlement.objects.get(member=leaver)
    assert (settlement.status, settlement.balance, settlement.retained, settlement.refundable) == (
        "draft", D("10000.00"), D("3000.00"), D("7000.00")
    )  # fmt: skip
    assert settlement.departed_on == settlement.settled_on == datetime.date(2025, 8, 31)
    assert [(p.amount, p.interest) for p in settlement.instalments.all()] == [
        (D("1400.00"), D("140.00")), (D("1400.00"), D("112.00")), (D("1400.00"), D("84.00")),
        (D("1400.00"), D("56.00")), (D("1400.00"), D("28.00")),
    ]  # fmt: skip
    # Idempotent: drafting again gives the same settlement, and nothing more is recorded.
    assert settlements.draft_settlement(actor=treasurer, member=leaver) == settlement
    assert Settlement.objects.count() == 1
    assert cooperative.audit_events.filter(verb="settlement.drafted").count() == 1


def test_a_member_who_has_not_departed_gets_no_settlement(treasurer, member):
    with pytest.raises(InvalidInput, match="for a member who has departed") as refusal:
        settlements.draft_settlement(actor=treasurer, member=member)
    assert (refusal.value.field, refusal.value.code) == ("member", "member_not_departed")
    assert not Settlement.objects.exists()


def test_a_schedule_that_pays_more_than_the_balance_is_refused(treasurer, leaver):
    settlement = leaver.settlement
    with pytest.raises(InvalidInput, match="more than the balance") as refusal:
        settlements.set_schedule(
            actor=treasurer,
            settlement=settlement,
            instalments=[
                {"due_month": datetime.date(2026, 1, 1), "amount": D("6000.00")},
                {"due_month": datetime.date(2026, 2, 1), "amount": D("4000.01")},
            ],
        )
    assert refusal.value.code == "schedule_exceeds_balance"
    assert settlement.instalments.count() == 5  # nothing written


def test_another_schedule_that_adds_up_is_kept(treasurer, leaver):
    settlement = settlements.set_schedule(
        actor=treasurer,
        settlement=leaver.settlement,
        instalments=[
            {"due_month": datetime.date(2025, 11, 1), "amount": D("3500.00")},
            {"due_month": datetime.date(2026, 5, 1), "amount": D("3500.00")},
        ],
    )
    # 2% a year: 7,000.00 for 3 months is 35.00; 3,500.00 for 6 months is 35.00.
    assert [(p.due_month.month, p.amount, p.interest) for p in settlement.instalments.all()] == [
        (11, D("3500.00"), D("35.00")), (5, D("3500.00"), D("35.00"))
    ]  # fmt: skip


def test_only_the_treasurer_approves(member, leaver):
    with pytest.raises(NotAllowed):
        settlement_approval.approve_settlement(actor=member, settlement=leaver.settlement)


def test_approving_keeps_the_retention_for_the_reserve(cooperative, treasurer, leaver):
    settlement = settlement_approval.approve_settlement(
        actor=treasurer, settlement=leaver.settlement
    )
    assert settlement.status == "approved" and settlement.approved_by == treasurer
    retention = CapitalAccountEntry.objects.get(member=leaver, kind="retention")
    assert retention.amount == D("-3000.00")
    assert capital_balance(leaver) == D("7000.00")
    with pytest.raises(StateConflict, match="already approved"):
        settlement_approval.approve_settlement(actor=treasurer, settlement=settlement)


def test_a_changed_account_makes_the_draft_stale(cooperative, treasurer, leaver):
    CapitalAccountEntry.objects.create(
        cooperative=cooperative,
        member=leaver,
        kind="adjustment",
        amount=D("100.00"),
        date=datetime.date(2025, 8, 1),
    )
    with pytest.raises(StateConflict, match="changed since") as refusal:
        settlement_approval.approve_settlement(actor=treasurer, settlement=leaver.settlement)
    assert refusal.value.code == "settlement_stale"
    settlement = settlements.recompute_settlement(actor=treasurer, settlement=leaver.settlement)
    assert (settlement.balance, settlement.refundable) == (D("10100.00"), D("7070.00"))


# Paying --------------------------------------------------------------------------------------


def test_the_distribution_pays_the_instalment_due_and_debits_the_account(
    clock, cooperative, treasurer, leaver, books
):
    settlement_approval.approve_settlement(actor=treasurer, settlement=leaver.settlement)
    cooperative.iban, cooperative.legal_name = "DE89370400440532013000", "Cooperage eG"
    cooperative.save()
    clock.set(datetime.date(2026, 10, 5))
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    line = run.lines.get(kind="redemption")
    assert (line.member, line.share, line.cash, line.retained) == (
        leaver, D("0"), D("1540.00"), D("0")
    )  # fmt: skip
    assert line.explanation["amount"] == "1400.00" and line.explanation["interest"] == "140.00"
    # The shares still add up to the surplus: the instalment is beside them.
    assert sum(each.share for each in run.lines.all()) == run.surplus
    tree = etree.fromstring(sepa_xml(run, list(run.lines.all()), datetime.date(2026, 10, 6)))
    ns = {"p": tree.nsmap[None]}
    paid = {
        (tx.findtext("p:Cdtr/p:Nm", namespaces=ns), tx.findtext("p:Amt/p:InstdAmt", namespaces=ns))
        for tx in tree.iterfind(".//p:CdtTrfTxInf", ns)
    }
    assert ("Ana Leaver", "1540.00") in paid

    distributing.approve_distribution(actor=treasurer, distribution=run)
    redemption = CapitalAccountEntry.objects.get(member=leaver, kind="redemption")
    assert (redemption.amount, redemption.distribution) == (D("-1400.00"), run)
    assert capital_balance(leaver) == D("5600.00")
    settlement = Settlement.objects.get(member=leaver)
    assert settlement.status == "approved"
    assert settlement.instalments.get(number=1).paid_line == line
    assert settlement.instalments.filter(paid_line__isnull=True).count() == 4


def test_an_instalment_is_never_paid_twice(clock, cooperative, treasurer, leaver, books):
    """Two drafts hold the same instalment: the first approved pays it, the second is stale."""
    settlement_approval.approve_settlement(actor=treasurer, settlement=leaver.settlement)
    clock.set(datetime.date(2026, 11, 5))
    september = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    october = distributing.create_draft(
        actor=treasurer, cooperative=cooperative, month=datetime.date(2026, 10, 1)
    )
    assert october.lines.filter(kind="redemption").count() == 1
    distributing.approve_distribution(actor=treasurer, distribution=september)
    with pytest.raises(StateConflict, match="paid or changed") as refusal:
        distributing.approve_distribution(actor=treasurer, distribution=october)
    assert refusal.value.code == "instalment_paid"
    october = distributing.recompute_draft(actor=treasurer, distribution=october)
    assert not october.lines.filter(kind="redemption").exists()


def test_paid_in_full_settles_and_ends_read_access(
    client, clock, cooperative, treasurer, admin_member, books
):
    from tests.web import signed_in

    cooperative.bylaws = {
        **cooperative.bylaws,
        "settlement": {"instalments": 1, "start": "after_departure", "start_months": 0},
    }
    cooperative.save()
    clock.set(datetime.date(2026, 9, 1))
    leaving = books[2]
    CapitalAccountEntry.objects.create(
        cooperative=cooperative,
        member=leaving,
        kind="allocation",
        amount=D("500.00"),
        date=datetime.date(2026, 6, 30),
    )
    change_member_status(
        member=leaving,
        actor=admin_member,
        status="departed",
        effective_on=datetime.date(2026, 9, 1),
    )
    clock.set(datetime.date(2026, 10, 5))
    september = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    with pytest.raises(StateConflict, match="not distributed yet") as refusal:
        settlement_approval.approve_settlement(actor=treasurer, settlement=leaving.settlement)
    assert refusal.value.code == "months_not_distributed"
    distributing.approve_distribution(actor=treasurer, distribution=september)
    settlement = settlements.recompute_settlement(actor=treasurer, settlement=leaving.settlement)
    # 500.00 and the retained share of September: 20% of the member's share.
    retained = september.lines.get(kind="member", member=leaving).retained
    assert settlement.balance == D("500.00") + retained
    settlement_approval.approve_settlement(actor=treasurer, settlement=settlement)

    signed_in(client, leaving)
    own = f"/c/{cooperative.slug}/money/me/"
    assert client.get(own).status_code == 200  # still owed: they read their account

    clock.set(datetime.date(2026, 11, 5))
    october = distributing.create_draft(
        actor=treasurer, cooperative=cooperative, month=datetime.date(2026, 10, 1)
    )
    assert october.lines.get(kind="redemption").cash == settlement.balance
    distributing.approve_distribution(actor=treasurer, distribution=october)
    settlement.refresh_from_db()
    assert settlement.status == "settled" and settlement.settled_at is not None
    assert capital_balance(leaving) == D("0.00")
    signed_in(client, leaving)  # (a month later: a new session)
    assert client.get(own).status_code == 404  # paid in full: the co-op's pages are closed


def test_the_distribution_page_shows_the_instalment_to_the_treasurer(
    client, clock, cooperative, treasurer, leaver, books
):
    from tests.web import signed_in

    settlement_approval.approve_settlement(actor=treasurer, settlement=leaver.settlement)
    clock.set(datetime.date(2026, 10, 5))
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    address = f"/c/{cooperative.slug}/money/distributions/{run.pk}/"
    html = signed_in(client, treasurer).get(address).content.decode()
    assert "Settlements paid out" in html
    assert "instalment 1 (1400.00 and 140.00 interest)" in html and "1,540.00" in html
    html = signed_in(client, books[1]).get(address).content.decode()
    assert "Settlements paid out" not in html


def test_where_the_bylaws_say_so_a_vote_approves(
    clock, cooperative, treasurer, admin_member, leaver
):
    from governance import services as governance
    from tests.governance.fixtures import close_on_time

    cooperative.bylaws = {
        **cooperative.bylaws,
        "settlement": {**FIVE_YEARS, "approval": "vote"},
    }
    cooperative.save()
    settlement = settlement_approval.approve_settlement(
        actor=treasurer, settlement=leaver.settlement
    )
    proposal = settlement.approval_proposal
    assert settlement.status == "draft"
    assert (proposal.kind, proposal.action, proposal.action_payload) == (
        "membership", "approve_settlement", {"settlement": settlement.pk}
    )  # fmt: skip
    assert "3,000.00" in proposal.body and "7,000.00" in proposal.body
    with pytest.raises(StateConflict, match="voting on this settlement"):
        settlements.recompute_settlement(actor=treasurer, settlement=settlement)
    clock.set(proposal.opens_at)
    governance.sweep()
    proposal.refresh_from_db()
    for voter in (treasurer, admin_member):
        governance.cast_vote(actor=voter, proposal=proposal, ballot={"choice": "agree"})
    proposal = close_on_time(proposal)
    assert (proposal.result, proposal.action_error) == ("passed", "")
    settlement.refresh_from_db()
    assert settlement.status == "approved" and settlement.approval_proposal == proposal
    assert CapitalAccountEntry.objects.get(member=leaver, kind="retention").amount == D("-3000.00")


def test_a_member_admitted_again_is_not_paid_out(treasurer, admin_member, leaver):
    change_member_status(member=leaver, actor=admin_member, status="active")
    with pytest.raises(InvalidInput, match="for a member who has departed") as refusal:
        settlement_approval.approve_settlement(actor=treasurer, settlement=leaver.settlement)
    assert refusal.value.code == "member_not_departed"
    assert Settlement.objects.get(member=leaver).status == "draft"


@given(
    cents=st.integers(min_value=0, max_value=10**12),
    count=st.integers(min_value=1, max_value=600),
    rate=st.decimals(min_value=0, max_value=1, places=4),
)
def test_the_instalments_always_add_up_to_the_refundable_amount(cents, count, rate):
    refundable = D(cents) / 100
    parts = schedule.schedule(
        refundable=refundable,
        count=count,
        first_due=datetime.date(2027, 5, 1),
        months_between=1,
        interest_rate=rate,
        settled_on=datetime.date(2026, 12, 31),
    )
    if not cents:
        assert parts == []
        return
    amounts = [part.amount for part in parts]
    assert sum(amounts) == refundable and len(parts) == min(count, cents)
    assert all(amount > 0 for amount in amounts)  # (an instalment of nothing is never stored)
    assert max(amounts) - min(amounts) <= D("0.01") and amounts == sorted(amounts, reverse=True)
    assert all(
        part.interest >= 0 and part.interest == part.interest.quantize(D("0.01")) for part in parts
    )


def test_a_schedule_beyond_fifty_years_is_refused(treasurer, leaver):
    with pytest.raises(InvalidInput, match="within 50 years"):
        settlements.set_schedule(
            actor=treasurer,
            settlement=leaver.settlement,
            instalments=[{"due_month": datetime.date(2090, 1, 1), "amount": D("7000.00")}],
        )


def test_the_settlement_keeps_every_term_it_was_computed_with(leaver):
    terms = leaver.settlement.terms
    assert terms == {
        **FIVE_YEARS, "notice_months": 0, "bears_losses": True, "approval": "treasurer"
    }  # fmt: skip

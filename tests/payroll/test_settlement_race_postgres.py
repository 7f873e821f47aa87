"""On PostgreSQL, two connections at once: approving a distribution while a settlement is being
approved never pays an instalment twice nor leaves a retained share out of the settlement."""

import datetime
from decimal import Decimal

import pytest

from coop.errors import StateConflict
from coop.services import change_member_status
from payroll import distributing, settlement_approval, settlements
from payroll.capital import capital_balance
from payroll.models import CapitalAccountEntry
from payroll.settlement_models import Settlement
from tests.concurrency import at_once
from tests.factories import MemberFactory
from tests.payroll.books import SEPTEMBER

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _approve(treasurer, distribution):
    return distributing.approve_distribution(actor=treasurer, distribution=distribution)


def _approve_settlement(treasurer, settlement):
    return settlement_approval.approve_settlement(actor=treasurer, settlement=settlement)


def test_a_distribution_approved_while_the_settlement_is_approved(
    clock, cooperative, treasurer, admin_member, books
):
    """The leaver worked in September; September's draft credits them a retained share. Whichever
    approval comes first, the settlement approved in the end counts that share."""
    leaving = books[2]
    CapitalAccountEntry.objects.create(
        cooperative=cooperative, member=leaving, kind="allocation",
        amount=Decimal("500.00"), date=datetime.date(2026, 6, 30),
    )  # fmt: skip
    clock.set(datetime.date(2026, 10, 1))
    change_member_status(
        member=leaving, actor=admin_member, status="departed",
        effective_on=datetime.date(2026, 9, 30),
    )  # fmt: skip
    settlement = Settlement.objects.get(member=leaving)
    assert settlement.balance == Decimal("500.00")
    clock.set(datetime.date(2026, 10, 5))
    september = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    retained = september.lines.get(kind="member", member=leaving).retained
    assert retained > 0

    settled, distributed = at_once(
        lambda: _approve_settlement(treasurer, settlement),
        lambda: _approve(treasurer, september),
        expected=StateConflict,
    )
    assert distributed.ok  # the month is never held up by a settlement
    if settled.ok:  # pragma: no cover - the lock makes it wait, then refuse
        assert settled.value.balance == Decimal("500.00") + retained
    else:
        assert settled.code in ("months_not_distributed", "settlement_stale")
    settlement = settlements.recompute_settlement(actor=treasurer, settlement=settlement)
    settlement = settlement_approval.approve_settlement(actor=treasurer, settlement=settlement)
    assert settlement.balance == Decimal("500.00") + retained
    # Nothing retained was left behind: the account holds exactly the refundable amount.
    assert capital_balance(leaving) == settlement.refundable


def test_two_distributions_holding_one_instalment_pay_it_once(
    clock, cooperative, treasurer, admin_member, books
):
    cooperative.bylaws = {
        **cooperative.bylaws,
        "settlement": {
            "instalments": 2,
            "frequency": "monthly",
            "start": "after_departure",
            "start_months": 0,
        },
    }
    cooperative.save()
    clock.set(datetime.date(2026, 8, 2))
    leaver = MemberFactory(cooperative=cooperative, iban="ES9121000418450200051332")
    CapitalAccountEntry.objects.create(
        cooperative=cooperative, member=leaver, kind="allocation",
        amount=Decimal("1000.00"), date=datetime.date(2026, 6, 30),
    )  # fmt: skip
    change_member_status(
        member=leaver, actor=admin_member, status="departed",
        effective_on=datetime.date(2026, 8, 1),
    )  # fmt: skip
    settlement_approval.approve_settlement(actor=treasurer, settlement=leaver.settlement)
    clock.set(datetime.date(2026, 11, 5))
    september = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    october = distributing.create_draft(
        actor=treasurer, cooperative=cooperative, month=datetime.date(2026, 10, 1)
    )
    # Both instalments (August and September) are due by September: both drafts hold both.
    assert september.lines.filter(kind="redemption").count() == 2
    assert october.lines.filter(kind="redemption").count() == 2

    outcomes = at_once(
        lambda: _approve(treasurer, september),
        lambda: _approve(treasurer, october),
        expected=StateConflict,
    )
    assert sorted(outcome.code for outcome in outcomes) == ["instalment_paid", "ok"]
    redemptions = CapitalAccountEntry.objects.filter(member=leaver, kind="redemption")
    assert sorted(entry.amount for entry in redemptions) == [Decimal("-500.00")] * 2
    assert capital_balance(leaver) == Decimal("0.00")
    settlement = Settlement.objects.get(member=leaver)
    assert settlement.status == "settled"

"""Migration 0012: the debits written before ties existed are tied as `tie_debit` would have."""

import datetime
from decimal import Decimal

import pytest

from payroll.capital_models import CapitalEntryTie
from payroll.models import CapitalAccountEntry, Distribution
from payroll.services import policies
from tests.migration_steps import latest_schema_after, migrate  # noqa: F401 (a fixture)
from tests.payroll.test_buyin import POLICY

BEFORE = [("payroll", "0011_settlements")]
AFTER = [("payroll", "0012_capital_entry_ties")]
D = Decimal


def tie_the_ledger(cooperative, member, treasurer):
    """The ledger written before ties, migrated: the entries' ids. The buy-in instalment was
    taken from the cash share of January 2023's distribution."""
    policies.adopt_policy(actor=treasurer, cooperative=cooperative, **POLICY)
    january = Distribution.objects.create(
        cooperative=cooperative, month=datetime.date(2023, 1, 1), currency=cooperative.currency,
        policy=policies.current_policy(cooperative), status=Distribution.Status.APPROVED,
    )  # fmt: skip
    migrate(BEFORE)
    try:
        entries = [
            (CapitalAccountEntry.Kind.BUYIN, "100.00", datetime.date(2023, 1, 31)),
            (CapitalAccountEntry.Kind.ALLOCATION, "200.00", datetime.date(2024, 12, 31)),
            (CapitalAccountEntry.Kind.ALLOCATION, "300.00", datetime.date(2023, 12, 31)),
            (CapitalAccountEntry.Kind.REDEMPTION, "-250.00", datetime.date(2025, 3, 1)),
            (CapitalAccountEntry.Kind.LOSS, "-320.00", datetime.date(2025, 6, 1)),
        ]
        ids = [
            CapitalAccountEntry.objects.create(
                cooperative=cooperative,
                member=member,
                kind=kind,
                amount=D(amount),
                date=day,
                distribution=january if kind == CapitalAccountEntry.Kind.BUYIN else None,
            ).pk
            for kind, amount, day in entries
        ]
    finally:
        migrate(AFTER)
    return ids


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_after")
def test_earlier_redemptions_are_tied_oldest_notice_first(cooperative, member, treasurer):
    """By default (`buyin_instalments: "notice"`) the buy-in of January 2023 is part of 2023's
    notice, and the oldest credit of it: 250.00 takes it (100.00) and 150.00 of the allocation
    of 2023; the loss the other 150.00 of 2023 and 170.00 of 2024."""
    ids = tie_the_ledger(cooperative, member, treasurer)
    ties = CapitalEntryTie.objects.order_by("debit_id", "id")
    assert [(t.debit_id, t.credit_id, t.amount) for t in ties] == [
        (ids[3], ids[0], D("100.00")),  # 2023's notice first: its buy-in, then its allocation
        (ids[3], ids[2], D("150.00")),
        (ids[4], ids[2], D("150.00")),
        (ids[4], ids[1], D("170.00")),
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_after")
def test_a_buyin_paid_in_money_is_member_capital_taken_last(cooperative, member, treasurer):
    cooperative.bylaws = {**cooperative.bylaws, "buyin_instalments": "money"}
    cooperative.save(update_fields=["bylaws"])
    ids = tie_the_ledger(cooperative, member, treasurer)
    ties = CapitalEntryTie.objects.order_by("debit_id", "id")
    assert [(t.debit_id, t.credit_id, t.amount) for t in ties] == [
        (ids[3], ids[2], D("250.00")),  # 2023's notice first
        (ids[4], ids[2], D("50.00")),
        (ids[4], ids[1], D("200.00")),
        (ids[4], ids[0], D("70.00")),  # the buy-in last
    ]

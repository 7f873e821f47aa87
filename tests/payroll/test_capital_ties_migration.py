"""Migration 0012: the debits written before ties existed are tied as `tie_debit` would have."""

import datetime
from decimal import Decimal

import pytest

from payroll.capital_models import CapitalEntryTie
from payroll.models import CapitalAccountEntry
from tests.migration_steps import latest_schema_after, migrate  # noqa: F401 (a fixture)

BEFORE = [("payroll", "0011_settlements")]
AFTER = [("payroll", "0012_capital_entry_ties")]
D = Decimal


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_after")
def test_earlier_redemptions_are_tied_oldest_notice_first(cooperative, member):
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
                cooperative=cooperative, member=member, kind=kind, amount=D(amount), date=day
            ).pk
            for kind, amount, day in entries
        ]
    finally:
        migrate(AFTER)
    ties = CapitalEntryTie.objects.order_by("debit_id", "id")
    assert [(t.debit_id, t.credit_id, t.amount) for t in ties] == [
        (ids[3], ids[2], D("250.00")),  # 2023's notice first
        (ids[4], ids[2], D("50.00")),
        (ids[4], ids[1], D("200.00")),
        (ids[4], ids[0], D("70.00")),  # the buy-in last
    ]

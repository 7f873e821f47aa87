"""The September 2026 books of the worked example, as a fixture every payroll test can use.

Registered as a plugin by tests/conftest.py, so that tests ask for `books` without importing it.
"""

import datetime
from decimal import Decimal

import pytest

from payroll.services import money_in, policies, spending
from tests.factories import ClientFactory, MemberFactory, ProjectFactory, TimeEntryFactory

SEPTEMBER = datetime.date(2026, 9, 1)
POLICY = {
    "method": "hours",
    "commons_pct": Decimal("0.15"),
    "commons_recipients": [{"name": "Free Software Foundation Europe", "weight": "2"},
                           {"name": "Django Software Foundation", "weight": "1"}],
    "reserve_pct": Decimal("0.10"),
    "education_pct": Decimal("0.05"),
    "cash_pct": Decimal("0.80"),
    "max_pay_ratio": Decimal("3"),
    "carry_losses": True,
    "approval": "treasurer",
}  # fmt: skip


@pytest.fixture
def books(cooperative, treasurer):
    """September 2026: 12,000.00 revenue, 1,500.00 approved expenses, three members' hours."""
    client = ClientFactory(cooperative=cooperative, name="Municipality of Rosario")
    project = ProjectFactory(client=client, name="Open data portal")
    workers = [treasurer] + [MemberFactory(cooperative=cooperative) for _ in range(2)]
    for member, minutes in zip(workers, [9600, 4800, 2400], strict=True):
        day = 1
        while minutes:  # whole days of at most 24 hours
            logged = min(minutes, 1440)
            TimeEntryFactory(
                member=member, project=project, date=SEPTEMBER.replace(day=day), minutes=logged
            )
            minutes, day = minutes - logged, day + 1
    money_in.record_revenue(
        actor=treasurer, cooperative=cooperative, client=client, amount=Decimal("12000.00"),
        received_on=datetime.date(2026, 9, 15),
    )  # fmt: skip
    expense = spending.record_expense(
        actor=treasurer, cooperative=cooperative, category="Hosting", amount=Decimal("1500.00"),
        date=datetime.date(2026, 9, 20), payee="Hetzner",
    )  # fmt: skip
    cooperative.bylaws = {**cooperative.bylaws, "spending_limit": "2000.00"}
    cooperative.save()
    spending.decide_expense(actor=treasurer, expense=expense, approve=True)
    policies.adopt_policy(actor=treasurer, cooperative=cooperative, **POLICY)
    return workers

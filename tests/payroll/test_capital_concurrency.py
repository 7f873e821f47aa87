"""Interest runs and losses under concurrency (PostgreSQL): a period runs once, and a loss and a
redemption of the same account never both take it below zero, nor deadlock."""

import datetime
from decimal import Decimal

import pytest

from coop.errors import StateConflict
from payroll import capital, capital_interest, capital_losses
from payroll.capital_models import CapitalInterestRun
from payroll.models import CapitalAccountEntry
from tests.concurrency import at_once
from tests.factories import MemberFactory, ProjectFactory, TimeEntryFactory

D = Decimal


@pytest.fixture
def ana(clock, cooperative, treasurer):
    clock.set(datetime.date(2027, 1, 20))
    cooperative.bylaws = {
        **cooperative.bylaws,
        "capital_interest_rate_cap_pct": "6",
        "capital_interest_rate_pct": "5",
        "loss_allocation": "patronage",
    }
    cooperative.save()
    ana = MemberFactory(cooperative=cooperative)
    capital.record_capital_entry(
        actor=treasurer, member=ana, kind="adjustment", amount=D("100.00"),
        date=datetime.date(2025, 12, 31), note="opening",
    )  # fmt: skip
    TimeEntryFactory(
        member=ana, project=ProjectFactory(client__cooperative=cooperative),
        date=datetime.date(2026, 3, 2), minutes=60,
    )  # fmt: skip
    return ana


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_of_a_period_one_wins(cooperative, treasurer, ana):
    def run():
        capital_interest.run_capital_interest(
            actor=treasurer, cooperative=cooperative, period="2026"
        )

    outcomes = at_once(run, run, expected=StateConflict)
    assert sorted(outcome.code for outcome in outcomes) == ["interest_already_run", "ok"]
    assert CapitalInterestRun.objects.count() == 1
    assert CapitalAccountEntry.objects.filter(kind="interest").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_loss_and_a_redemption_of_one_account_never_both_pass(cooperative, treasurer, ana):
    def loss():
        capital_losses.record_capital_loss(
            actor=treasurer, cooperative=cooperative, amount=D("80.00"),
            period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 12, 31),
        )  # fmt: skip

    def redemption():
        capital.record_capital_entry(
            actor=treasurer, member=ana, kind="redemption", amount=D("80.00"),
            date=datetime.date(2027, 1, 20), note="paid out",
        )  # fmt: skip

    outcomes = at_once(loss, redemption, expected=StateConflict)
    assert sorted(outcome.code for outcome in outcomes) == ["negative_capital_balance", "ok"]
    assert capital.capital_balance(ana) == D("20.00")

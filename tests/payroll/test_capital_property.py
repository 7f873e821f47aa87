"""A property of capital accounts: whatever credits, redemptions, moves to the collective
account (negative adjustments), interest runs and losses happen, in any order, each balance is
the sum of its entries (in the records, on the ledger and in the journal), losses and interest
add up to their totals, and no balance is below zero when the bylaws forbid it."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from books import sources
from coop.errors import DomainError
from payroll import book_sources, capital, capital_interest, capital_losses
from payroll.capital_models import CapitalInterestRun, CapitalLoss
from payroll.models import CapitalAccountEntry
from tests.factories import CooperativeFactory, MemberFactory, ProjectFactory, TimeEntryFactory

AMOUNTS = st.sampled_from(["0.01", "0.99", "10.00", "333.33", "1000.00", "2500.05"])
member = st.integers(0, 2)
month = st.integers(1, 12)

operations = st.lists(
    st.one_of(
        st.tuples(st.just("credit"), member, AMOUNTS, month),
        st.tuples(st.just("redeem"), member, AMOUNTS, month),
        st.tuples(st.just("to_reserve"), member, AMOUNTS, month),
        st.tuples(st.just("interest"), month),
        st.tuples(st.just("loss"), AMOUNTS, month, month),
    ),
    max_size=10,
)


class Rollback(Exception):
    pass


def _world(negative_allowed: bool, loss_allocation: str, minutes: list[int]):
    cooperative = CooperativeFactory(
        bylaws={
            "negative_capital_balance": negative_allowed,
            "loss_allocation": loss_allocation,
            "capital_interest_rate_cap_pct": "8",
            "capital_interest_rate_pct": "3.75",
            "capital_interest_period": "monthly",
        }
    )
    treasurer = MemberFactory(cooperative=cooperative, is_treasurer=True)
    members = [MemberFactory(cooperative=cooperative) for _ in range(3)]
    project = ProjectFactory(client__cooperative=cooperative)
    for index, worker in enumerate(members):
        for month_number in range(1, 13, 2 + index):  # each works in other months
            TimeEntryFactory(
                member=worker, project=project, minutes=minutes[index],
                date=datetime.date(2026, month_number, 10),
            )  # fmt: skip
    return cooperative, treasurer, members


def _run(step, cooperative, treasurer, members):
    kind = step[0]
    if kind in ("credit", "redeem", "to_reserve"):
        _, index, amount, month_number = step
        capital.record_capital_entry(
            actor=treasurer, member=members[index],
            kind="redemption" if kind == "redeem" else "adjustment",
            amount=Decimal(amount) * (-1 if kind == "to_reserve" else 1),
            date=datetime.date(2026, month_number, 15), note=kind,
        )  # fmt: skip
        return amount
    if kind == "interest":
        run = capital_interest.run_capital_interest(
            actor=treasurer, cooperative=cooperative, period=f"2026-{step[1]:02d}"
        )
        assert run.total == sum((line.amount for line in run.lines.all()), Decimal(0))
        return run.total
    _, amount, first, last = step
    first, last = min(first, last), max(first, last)
    loss = capital_losses.record_capital_loss(
        actor=treasurer, cooperative=cooperative, amount=Decimal(amount),
        period_start=datetime.date(2026, first, 1),
        period_end=datetime.date(2026, last, 28),
    )  # fmt: skip
    charged = sum((share.amount for share in loss.shares.all()), Decimal(0))
    assert charged + loss.from_reserve == loss.amount
    return loss.method


def _check(cooperative, members, negative_allowed: bool):
    journal = book_sources.journal_capital(cooperative)
    for worker in members:
        entries = list(CapitalAccountEntry.objects.filter(member=worker))
        total = sum((entry.amount for entry in entries), Decimal(0))
        assert capital.capital_balance(worker) == total
        ledger = capital.capital_ledger(worker)
        assert (ledger[-1].balance if ledger else Decimal(0)) == total
        assert journal.get(worker.pk, Decimal(0)) == total
        if not negative_allowed:
            assert total >= 0, (worker, total)
    ledger = capital_losses.collective_ledger(cooperative)
    borne = sum((loss.from_reserve for loss in CapitalLoss.objects.all()), Decimal(0))
    assert sum((row.amount for row in ledger if row.kind == "loss"), Decimal(0)) == -borne
    if cooperative.settings["loss_allocation"] == "reserve_first":
        # The collective account never bears more than it holds.
        assert all(row.balance >= 0 for row in ledger if row.kind == "loss")
    interest = CapitalAccountEntry.objects.filter(cooperative=cooperative, kind="interest")
    assert sum((e.amount for e in interest), Decimal(0)) == sum(
        (run.total for run in CapitalInterestRun.objects.filter(cooperative=cooperative)),
        Decimal(0),
    )
    assert all(not source.check(cooperative) for source in sources.sources())


@pytest.mark.slow
@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=operations,
    negative_allowed=st.booleans(),
    loss_allocation=st.sampled_from(["reserve_first", "patronage"]),
    minutes=st.lists(st.integers(1, 600), min_size=3, max_size=3),
)
def test_a_balance_is_the_sum_of_its_entries(
    clock, steps, negative_allowed, loss_allocation, minutes
):
    clock.set(datetime.date(2027, 1, 15))
    try:
        with transaction.atomic():
            cooperative, treasurer, members = _world(negative_allowed, loss_allocation, minutes)
            for step in steps:
                try:
                    event(f"{step[0]} {_run(step, cooperative, treasurer, members)}")
                except DomainError as refused:
                    event(f"{step[0]} refused: {refused.code}")
                _check(cooperative, members, negative_allowed)
            raise Rollback
    except Rollback:
        pass

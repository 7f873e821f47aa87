"""A property of the books: whatever payroll's money events happen, in any order, the journal
balances (each entry, and all of it), and the funds' and members' capital balances in the
journal equal the records they come from."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from books import sources
from books.charts import Role
from books.models import AccountMapping, JournalLine
from coop.errors import DomainError
from payroll import book_sources, capital, claims, distributing
from payroll.models import Distribution, Revenue
from payroll.services import money_in, policies, spending
from tests.factories import (
    ClientFactory,
    CooperativeFactory,
    MemberFactory,
    ProjectFactory,
    TimeEntryFactory,
)
from tests.payroll.books import POLICY
from tests.payroll.factories_claims import file_claim

MONTHS = [datetime.date(2026, 9, 1), datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)]
AMOUNTS = st.sampled_from(["0.01", "9.99", "120.00", "1500.00", "3333.33", "8000.00"])
month = st.integers(0, 2)
index = st.integers(0, 9)

operations = st.lists(
    st.one_of(
        st.tuples(st.just("revenue"), month, AMOUNTS),
        st.tuples(st.just("delete_revenue"), index),
        st.tuples(st.just("correct_revenue"), index),
        st.tuples(st.just("expense"), month, AMOUNTS, st.booleans()),
        st.tuples(st.just("decide"), index, st.booleans()),
        st.tuples(st.just("claim"), st.integers(0, 1), month, AMOUNTS),
        st.tuples(st.just("distribute"), month),
        st.tuples(st.just("pay"), index),
        st.tuples(st.just("unpay"), index),
        st.tuples(st.just("redeem"), st.integers(0, 1), st.sampled_from(["0.01", "9.99"])),
        st.tuples(st.just("adjust"), st.integers(0, 1), AMOUNTS, st.booleans()),
    ),
    max_size=14,
)


class Rollback(Exception):
    pass


def _world():
    cooperative = CooperativeFactory(bylaws={"spending_limit": "100000.00"})
    treasurer = MemberFactory(cooperative=cooperative, is_treasurer=True)
    workers = [treasurer, MemberFactory(cooperative=cooperative)]
    client = ClientFactory(cooperative=cooperative)
    project = ProjectFactory(client=client)
    for first in MONTHS:
        for member, minutes in zip(workers, (600, 300), strict=True):
            TimeEntryFactory(member=member, project=project, date=first, minutes=minutes)
    policies.adopt_policy(actor=treasurer, cooperative=cooperative, **POLICY)
    return cooperative, treasurer, workers, client


def _run(step, cooperative, treasurer, workers, client):
    name, *args = step
    day = MONTHS[args[0]].replace(day=15) if name in ("revenue", "expense") else None
    revenue = list(Revenue.objects.filter(cooperative=cooperative).order_by("id"))
    expenses = list(cooperative.expenses.order_by("id"))
    runs = list(
        Distribution.objects.filter(cooperative=cooperative, status__in=["approved", "paid"])
    )
    if name == "revenue":
        money_in.record_revenue(
            actor=treasurer, cooperative=cooperative, client=client,
            amount=Decimal(args[1]), received_on=day,
        )  # fmt: skip
    elif name in ("delete_revenue", "correct_revenue") and revenue:
        row = revenue[args[0] % len(revenue)]
        if name == "delete_revenue":
            money_in.delete_revenue(actor=treasurer, revenue=row)
        else:
            money_in.correct_revenue(
                actor=treasurer, revenue=row, received_on=datetime.date(2026, 12, 1)
            )
    elif name == "expense":
        spending.record_expense(
            actor=treasurer, cooperative=cooperative, category="Hosting",
            amount=Decimal(args[1]), date=day, payee="Hetzner", approved=args[2],
        )  # fmt: skip
    elif name == "decide" and expenses:
        expense = expenses[args[0] % len(expenses)]
        spending.decide_expense(actor=treasurer, expense=expense, approve=args[1])
    elif name == "claim":
        claim = file_claim(
            workers[args[0]], date=MONTHS[args[1]].replace(day=20), amount=Decimal(args[2])
        )
        claims.approve_claim(actor=treasurer, claim=claim)
    elif name == "distribute":
        run = distributing.create_draft(
            actor=treasurer, cooperative=cooperative, month=MONTHS[args[0]]
        )
        distributing.approve_distribution(actor=treasurer, distribution=run)
    elif name in ("pay", "unpay") and runs:
        paying = name == "pay"
        wanted = [run for run in runs if (run.status == "approved") == paying] or runs
        change = distributing.mark_paid if paying else distributing.mark_unpaid
        change(actor=treasurer, distribution=wanted[args[0] % len(wanted)])
    elif name in ("redeem", "adjust"):
        amount = Decimal(args[1]) * (-1 if name == "adjust" and args[2] else 1)
        capital.record_capital_entry(
            actor=treasurer, member=workers[args[0]], date=datetime.date(2026, 12, 2),
            kind="redemption" if name == "redeem" else "adjustment", amount=amount, note="why",
        )  # fmt: skip
    else:
        return "skipped"
    return "done"


def _balance(cooperative, role):
    account = AccountMapping.objects.filter(cooperative=cooperative, role=role).values("account")
    lines = JournalLine.objects.filter(entry__cooperative=cooperative, account__in=account)
    return -sum((amount for amount in lines.values_list("amount", flat=True)), Decimal(0))


def _check(cooperative, workers):
    per_entry = defaultdict(Decimal)
    for entry_id, amount in JournalLine.objects.filter(entry__cooperative=cooperative).values_list(
        "entry_id", "amount"
    ):
        per_entry[entry_id] += amount
    assert all(total == 0 for total in per_entry.values()), per_entry
    assert sum(per_entry.values(), Decimal(0)) == 0
    assert {name: p for name, p in sources.check(cooperative).items() if p} == {}
    distributed = Distribution.objects.filter(
        cooperative=cooperative, status__in=["approved", "paid"]
    )
    for role, figure in ((Role.RESERVE_FUND, "reserve"), (Role.EDUCATION_FUND, "education")):
        expected = sum((getattr(run, figure) for run in distributed), Decimal(0))
        assert _balance(cooperative, role) == expected, role
    journal = book_sources.journal_capital(cooperative)
    for member in workers:
        assert journal.get(member.pk, Decimal(0)) == capital.capital_balance(member)


@pytest.mark.slow
@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=operations)
def test_the_journal_balances_and_agrees_with_the_records(clock, steps):
    clock.set(datetime.date(2026, 12, 10))
    try:
        with transaction.atomic():
            cooperative, treasurer, workers, client = _world()
            for step in steps:
                try:
                    event(f"{step[0]} {_run(step, cooperative, treasurer, workers, client)}")
                except DomainError as refused:
                    event(f"{step[0]} refused: {refused.code}")
                _check(cooperative, workers)
            raise Rollback
    except Rollback:
        pass

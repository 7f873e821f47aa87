"""A property of the buy-in: whatever months are drafted, changed, approved or voided, the
register's amount paid equals the instalments that approved distributions deducted and the
capital entries of kind `buyin`; no instalment exceeds its cash share or the monthly maximum,
and the books agree with the records."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from books import sources
from coop.errors import DomainError
from payroll import distributing, shares
from payroll.models import CapitalAccountEntry, Distribution, DistributionLine
from payroll.services import money_in, policies
from payroll.share_models import Subscription
from tests.factories import (
    ClientFactory,
    CooperativeFactory,
    MemberFactory,
    ProjectFactory,
    TimeEntryFactory,
)
from tests.payroll.books import POLICY

MONTHS = [datetime.date(2026, 9, 1), datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)]
AMOUNTS = st.sampled_from(["0.01", "9.99", "75.00", "120.00", "1500.00", "8000.00"])
INSTALMENTS = st.sampled_from(["0.00", "0.01", "25.00", "50.00", "100.00", "150.00", "8000.00"])
month = st.integers(0, 2)
worker = st.integers(0, 1)

operations = st.lists(
    st.one_of(
        st.tuples(st.just("revenue"), month, AMOUNTS),
        st.tuples(st.just("draft"), month),
        st.tuples(st.just("recompute"), month),
        st.tuples(st.just("instalment"), month, worker, INSTALMENTS),
        st.tuples(st.just("approve"), month),
        st.tuples(st.just("void"), month),
    ),
    max_size=12,
)
BUYINS = st.sampled_from(
    [
        {"amount": "1200.00", "payment": "instalments", "monthly_max": "100.00"},
        {"shares": 3, "nominal_value": "33.33", "payment": "instalments", "monthly_max": "50.00"},
        {"amount": "500.00", "payment": "at_once"},
    ]
)


class Rollback(Exception):
    pass


def _world(buyin):
    cooperative = CooperativeFactory(bylaws={"spending_limit": "100000.00", "buyin": buyin})
    treasurer = MemberFactory(cooperative=cooperative, is_treasurer=True)
    workers = [treasurer, MemberFactory(cooperative=cooperative)]
    project = ProjectFactory(client=ClientFactory(cooperative=cooperative))
    for first in MONTHS:
        for member, minutes in zip(workers, (600, 300), strict=True):
            TimeEntryFactory(member=member, project=project, date=first, minutes=minutes)
    policies.adopt_policy(actor=treasurer, cooperative=cooperative, **POLICY)
    for member in workers:  # both joined in 2020, before the buy-in: entered now
        shares.subscribe_member(actor=treasurer, member=member, on=datetime.date(2026, 9, 1))
    return cooperative, treasurer, workers, project.client


def _open(cooperative, index, *statuses):
    return Distribution.objects.filter(
        cooperative=cooperative, month=MONTHS[index], status__in=statuses or ["draft"]
    ).first()


def _run(step, cooperative, treasurer, workers, client):
    name, index, *args = step
    draft = _open(cooperative, index)
    if name == "revenue":
        money_in.record_revenue(
            actor=treasurer, cooperative=cooperative, client=client, amount=Decimal(args[0]),
            received_on=MONTHS[index].replace(day=15),
        )  # fmt: skip
    elif name == "draft":
        distributing.create_draft(actor=treasurer, cooperative=cooperative, month=MONTHS[index])
    elif draft is None:
        return "skipped"
    elif name == "recompute":
        distributing.recompute_draft(actor=treasurer, distribution=draft)
    elif name == "instalment":
        shares.set_instalment(
            actor=treasurer, distribution=draft, member=workers[args[0]], amount=Decimal(args[1])
        )
    elif name == "approve":
        distributing.approve_distribution(actor=treasurer, distribution=draft)
    elif name == "void":
        distributing.void_draft(actor=treasurer, distribution=draft)
    return "done"


def _check(cooperative, workers, buyin):
    monthly_max = Decimal(buyin["monthly_max"]) if "monthly_max" in buyin else None
    for subscription in Subscription.objects.filter(cooperative=cooperative):
        member = subscription.member_id
        deducted = DistributionLine.objects.filter(
            kind="buyin", member_id=member, distribution__status__in=["approved", "paid"]
        )
        entries = CapitalAccountEntry.objects.filter(member_id=member, kind="buyin")
        assert subscription.amount_paid == sum((line.retained for line in deducted), Decimal(0))
        assert subscription.amount_paid == sum((entry.amount for entry in entries), Decimal(0))
        assert 0 <= subscription.amount_paid <= subscription.amount_subscribed
    live = Distribution.objects.filter(cooperative=cooperative).exclude(status="void")
    taken = DistributionLine.objects.filter(kind="buyin", distribution__in=live)
    for line in taken:
        member_line = line.distribution.lines.get(kind="member", member_id=line.member_id)
        assert line.retained > 0 and member_line.cash >= 0  # never more than the cash share
        assert member_line.cash + line.retained + member_line.retained == member_line.share
        assert monthly_max is None or line.retained <= monthly_max
    # what every open month takes together never exceeds what remains to pay
    for subscription in Subscription.objects.filter(cooperative=cooperative):
        pending = taken.filter(distribution__status="draft", member_id=subscription.member_id)
        assert sum((line.retained for line in pending), Decimal(0)) <= subscription.remaining
    assert {name: p for name, p in sources.check(cooperative).items() if p} == {}


@pytest.mark.slow
@pytest.mark.django_db
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(buyin=BUYINS, steps=operations)
def test_the_register_agrees_with_the_instalments_and_the_capital_entries(clock, buyin, steps):
    clock.set(datetime.date(2026, 12, 10))
    try:
        with transaction.atomic():
            cooperative, treasurer, workers, client = _world(buyin)
            # Each month has revenue and a draft to start with; the steps change them.
            prefix = [("revenue", index, "1500.00") for index in range(3)]
            prefix += [("draft", index) for index in range(3)]
            for step in prefix + steps:
                try:
                    event(f"{step[0]} {_run(step, cooperative, treasurer, workers, client)}")
                except DomainError as refused:
                    event(f"{step[0]} refused: {refused.code}")
                _check(cooperative, workers, buyin)
            raise Rollback
    except Rollback:
        pass

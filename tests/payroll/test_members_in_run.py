"""Who is in a month's run, and with which minutes: the one-statement read against the rule."""

import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coop.models import Member, MemberStatusChange
from payroll import run_inputs
from payroll.models import DistributionPolicy, Expense
from payroll.services import money_in, spending
from tests.factories import ClientFactory, MemberFactory, ProjectFactory, TimeEntryFactory
from tests.payroll.books import POLICY, SEPTEMBER

FIRST, LAST = SEPTEMBER, datetime.date(2026, 9, 30)
STATUSES = [status for status, _label in Member.Status.choices]


def day(month: int, day_of_month: int) -> datetime.date:
    return datetime.date(2026, month, day_of_month)


def working_in_september(member: Member) -> bool:
    """The rule, member by member: a status period [effective_on, next change) that overlaps
    September, with the changes in (effective_on, id) order, is active or probationary."""
    periods = list(
        member.status_changes.filter(effective_on__lte=LAST)
        .order_by("effective_on", "id")
        .values_list("effective_on", "status")
    )
    return any(
        status in ("active", "probationary")
        and (index + 1 == len(periods) or periods[index + 1][0] > FIRST)
        for index, (_start, status) in enumerate(periods)
    )


def policy(method: str, *, carry_losses: bool = False) -> DistributionPolicy:
    return DistributionPolicy(**{**POLICY, "method": method, "carry_losses": carry_losses})


def with_history(cooperative, history) -> Member:
    member = MemberFactory(cooperative=cooperative, status=Member.Status.DEPARTED)
    for effective_on, status in history:
        MemberStatusChange.objects.create(member=member, status=status, effective_on=effective_on)
    return member


HISTORIES = {
    "no history": ([], False),
    "active since August": ([(day(8, 1), "active")], True),
    "left the day before": ([(day(8, 1), "active"), (day(8, 31), "departed")], False),
    "left on the first day": ([(day(8, 1), "active"), (day(9, 1), "departed")], False),
    "left on the second day": ([(day(8, 1), "active"), (day(9, 2), "departed")], True),
    "probationary on the last day": ([(day(9, 30), "probationary")], True),
    "active from October": ([(day(10, 1), "active")], False),
    "back from leave for five days": (
        [(day(8, 1), "on_leave"), (day(9, 15), "active"), (day(9, 20), "on_leave")],
        True,
    ),
    "an applicant": ([(day(8, 1), "applicant")], False),
    "recorded out of date order": ([(day(9, 10), "active"), (day(8, 1), "departed")], True),
    "two changes on the first day, active last": (
        [(day(9, 1), "departed"), (day(9, 1), "active")],
        True,
    ),
    "two changes on the first day, departed last": (
        [(day(9, 1), "active"), (day(9, 1), "departed")],
        False,
    ),
    "two changes on one August day, active last": (
        [(day(8, 15), "departed"), (day(8, 15), "active")],
        True,
    ),
    "two changes on one August day, departed last": (
        [(day(8, 15), "active"), (day(8, 15), "departed")],
        False,
    ),
}


@pytest.mark.django_db
class TestMembersInRun:
    @pytest.mark.parametrize("case", HISTORIES)
    def test_status_history(self, cooperative, case):
        history, expected = HISTORIES[case]
        member = with_history(cooperative, history)
        assert working_in_september(member) is expected  # the reference agrees with the case
        assert (member in run_inputs.members_in_run(cooperative, SEPTEMBER)) is expected

    def test_random_histories_follow_the_rule(self, cooperative):
        rng = random.Random(20261123)
        dates = [day(7, 31), day(8, 1), day(8, 31), day(9, 1), day(9, 2), day(9, 30), day(10, 1)]
        members = [
            with_history(
                cooperative,
                [(rng.choice(dates), rng.choice(STATUSES)) for _ in range(rng.randrange(5))],
            )
            for _ in range(60)
        ]
        in_run = set(run_inputs.members_in_run(cooperative, SEPTEMBER))
        assert {m for m in members if working_in_september(m)} == in_run

    def test_hours_put_a_member_in_the_run_and_only_that_co_op(self, cooperative):
        departed = with_history(cooperative, [(day(1, 1), "departed")])
        TimeEntryFactory(member=departed, date=day(9, 3), minutes=90)
        elsewhere = MemberFactory()
        MemberStatusChange.objects.create(member=elsewhere, status="active", effective_on=FIRST)
        TimeEntryFactory(member=elsewhere, date=day(9, 3), minutes=90)
        assert run_inputs.members_in_run(cooperative, SEPTEMBER) == [departed]


@pytest.mark.django_db
class TestMonthInputs:
    def test_minutes_weights_and_order(self, cooperative, treasurer):
        project = ProjectFactory(client__cooperative=cooperative)
        half = MemberFactory(cooperative=cooperative, rate_weight=Decimal("1.5"))
        for member, minutes in ((half, 300), (treasurer, 45)):
            TimeEntryFactory(member=member, project=project, date=day(9, 4), minutes=minutes)
            TimeEntryFactory(member=member, project=project, date=day(10, 1), minutes=999)
        MemberStatusChange.objects.create(member=treasurer, status="active", effective_on=FIRST)
        idle = with_history(cooperative, [(day(8, 1), "active")])
        adjusted = with_history(cooperative, [])
        original = TimeEntryFactory(member=adjusted, project=project, date=day(8, 31), minutes=60)
        TimeEntryFactory(
            member=adjusted, project=project, date=day(9, 2), minutes=-120, adjusts=original
        )
        inputs = run_inputs.month_inputs(cooperative, SEPTEMBER, policy("hours"))
        stored = dict(Member.objects.values_list("id", "rate_weight"))
        assert [(m.id, m.minutes, str(m.rate_weight)) for m in inputs.members] == [
            (pk, minutes, str(stored[pk]))
            for pk, minutes in sorted(
                [(treasurer.pk, 45), (half.pk, 300), (idle.pk, 0), (adjusted.pk, 0)]
            )
        ]
        assert str(inputs.members[1].rate_weight) == "1.500"  # as the ORM reads it
        assert all(not m.minutes_by_project for m in inputs.members)

    def test_minutes_by_project_only_for_that_method(self, cooperative, treasurer):
        first, second = (ProjectFactory(client__cooperative=cooperative) for _ in range(2))
        TimeEntryFactory(member=treasurer, project=first, date=day(9, 4), minutes=60)
        TimeEntryFactory(member=treasurer, project=second, date=day(9, 5), minutes=30)
        by_project = policy("project_hours")
        (work,) = run_inputs.month_inputs(cooperative, SEPTEMBER, by_project).members
        assert (work.minutes, dict(work.minutes_by_project)) == (
            90,
            {str(first.pk): 60, str(second.pk): 30},
        )

    def test_money_of_the_month(self, cooperative, treasurer):
        client = ClientFactory(cooperative=cooperative)
        first, second = (ProjectFactory(client=client) for _ in range(2))
        for amount, project, received_on in (
            ("100.10", first, day(9, 1)), ("0.20", first, day(9, 30)), ("50.00", second, day(9, 3)),
            ("7.05", None, day(9, 4)), ("999.00", first, day(10, 1)),
        ):  # fmt: skip
            money_in.record_revenue(
                actor=treasurer, cooperative=cooperative, client=client, project=project,
                amount=Decimal(amount), received_on=received_on,
            )  # fmt: skip
        for amount in ("30.00", "12.34", "5.00"):
            spending.record_expense(
                actor=treasurer, cooperative=cooperative, category="Hosting",
                amount=Decimal(amount), date=day(9, 20), payee="Hetzner",
            )  # fmt: skip
        Expense.objects.exclude(amount=Decimal("5.00")).update(status="approved")
        inputs = run_inputs.month_inputs(cooperative, SEPTEMBER, policy("project_hours"))
        assert (inputs.revenue, inputs.expenses) == (Decimal("157.35"), Decimal("42.34"))
        assert dict(inputs.revenue_by_project) == {
            str(first.pk): Decimal("100.30"),
            str(second.pk): Decimal("50.00"),
        }

    def test_no_money_is_zero(self, cooperative):
        inputs = run_inputs.month_inputs(cooperative, SEPTEMBER, policy("hours"))
        assert (inputs.revenue, inputs.expenses, dict(inputs.revenue_by_project)) == (0, 0, {})

    def test_query_count_does_not_grow_with_the_members(self, cooperative, treasurer):
        carrying = policy("hours", carry_losses=True)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                run_inputs.month_inputs(cooperative, SEPTEMBER, carrying)
            return len(captured.captured_queries)

        few = queries()
        for _ in range(20):
            TimeEntryFactory(member=MemberFactory(cooperative=cooperative), date=day(9, 8))
        assert queries() == few

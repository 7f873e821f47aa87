"""A state machine over the monthly distribution: hours and revenue come in, a draft is made and
recomputed, approved (a stale draft is refused and recomputed first), corrections land in a
later month, capital is redeemed and runs are paid. After every step the books must hold:

- every distribution's lines add up to its figures to the cent, and its figures to its surplus;
- each member's capital balance is the sum of their retained shares of approved months and of
  the movements recorded on their account;
- an approved distribution never changes, and it counts each member's hours of its month.

Runs on any database (SQLite by default); each example rolls back what it wrote.
"""

import contextlib
import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from coop.clock import today_in
from coop.errors import InvalidInput, PeriodLocked, StateConflict
from coop.hours import services as hours
from coop.models import TimeEntry
from payroll import capital, distributing
from payroll.models import CapitalAccountEntry, Distribution, DistributionLine
from payroll.services import money_in, policies
from tests.factories import (
    ClientFactory,
    CooperativeFactory,
    MemberFactory,
    ProjectFactory,
)
from tests.payroll.books import POLICY

MONTHS = 4  # the machine walks these past months, oldest first
FINAL = (Distribution.Status.APPROVED, Distribution.Status.PAID)
cents = st.integers(min_value=1, max_value=2_000_000).map(lambda n: Decimal(n).scaleb(-2))


def _months_back(today: datetime.date, count: int) -> datetime.date:
    month = today.replace(day=1)
    for _ in range(count):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


class DistributionLifecycle(RuleBasedStateMachine):
    @initialize()
    def books(self):
        # Everything this example writes is undone in teardown().
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        self.cooperative = CooperativeFactory()
        self.treasurer = MemberFactory(cooperative=self.cooperative, is_treasurer=True)
        self.members = [
            self.treasurer,
            *MemberFactory.create_batch(2, cooperative=self.cooperative),
        ]
        self.client = ClientFactory(cooperative=self.cooperative)
        self.project = ProjectFactory(client=self.client)
        policies.adopt_policy(actor=self.treasurer, cooperative=self.cooperative, **POLICY)
        today = today_in(self.cooperative)
        self.months = [_months_back(today, back) for back in range(MONTHS, 0, -1)]
        self.current = 0  # index of the month being worked on
        self.draft: Distribution | None = None
        for month in self.months:  # every month has something to distribute from the start
            money_in.record_revenue(
                actor=self.treasurer, cooperative=self.cooperative, client=self.client,
                amount=Decimal("3000.00"), received_on=month,
            )  # fmt: skip
            for member in self.members:
                hours.log_time(
                    actor=member, member=member, project=self.project, date=month, minutes=480
                )
        self.movements = {member.pk: Decimal("0") for member in self.members}
        self.approved: dict[int, list[tuple]] = {}  # distribution id -> its lines when approved

    def teardown(self):
        if hasattr(self, "savepoint"):
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)

    @property
    def month(self) -> datetime.date:
        return self.months[self.current]

    # Rules ---------------------------------------------------------------------------------

    @rule(who=st.integers(0, 2), day=st.integers(1, 28), minutes=st.integers(1, 600))
    def log_hours(self, who, day, minutes):
        member = self.members[who]
        with contextlib.suppress(InvalidInput):  # over 24 hours that day: refused, not written
            hours.log_time(
                actor=member, member=member, project=self.project,
                date=self.month.replace(day=day), minutes=minutes,
            )  # fmt: skip

    @rule(amount=cents, day=st.integers(1, 28))
    def record_revenue(self, amount, day):
        money_in.record_revenue(
            actor=self.treasurer, cooperative=self.cooperative, client=self.client,
            amount=amount, received_on=self.month.replace(day=day),
        )  # fmt: skip

    @precondition(lambda self: self.draft is None)
    @rule()
    def make_draft(self):
        self.draft = distributing.create_draft(
            actor=self.treasurer, cooperative=self.cooperative, month=self.month
        )

    @precondition(lambda self: self.draft is not None)
    @rule()
    def recompute(self):
        self.draft = distributing.recompute_draft(actor=self.treasurer, distribution=self.draft)

    @precondition(lambda self: self.draft is not None and self.current < MONTHS - 1)
    @rule()
    def approve(self):
        try:
            run = distributing.approve_distribution(actor=self.treasurer, distribution=self.draft)
        except StateConflict as refused:  # hours or money came in after the draft
            assert "changed since this draft was computed" in refused.message
            self.recompute()  # as the treasurer does: check the new figures, approve again
            run = distributing.approve_distribution(actor=self.treasurer, distribution=self.draft)
        self.approved[run.pk] = self._lines(run)
        for line in run.lines.filter(kind=DistributionLine.Kind.MEMBER):
            assert line.minutes == max(0, self._hours_in(run.month, line.member_id))
        self.draft = None
        self.current += 1

    @precondition(lambda self: self.current > 0)
    @rule(who=st.integers(0, 2), minutes=st.integers(-300, 300).filter(bool))
    def adjust_an_approved_month(self, who, minutes):
        """A correction of a locked month's entry, logged in the month now open."""
        member = self.members[who]
        original = (
            TimeEntry.objects.filter(
                member=member, adjusts=None, date__lt=self.months[self.current]
            )
            .order_by("pk")
            .first()
        )
        if original is None:
            return
        # Refused when it takes more than the entry has left, or makes a day over 24 hours.
        with contextlib.suppress(InvalidInput):
            hours.log_time(
                actor=member, member=member, project=self.project,
                date=self.month.replace(day=28), minutes=minutes, adjusts=original,
            )  # fmt: skip

    @precondition(lambda self: self.current > 0)
    @rule(who=st.integers(0, 2), day=st.integers(1, 28))
    def locked_hours_are_refused(self, who, day):
        member = self.members[who]
        with pytest.raises(PeriodLocked):
            hours.log_time(
                actor=member, member=member, project=self.project,
                date=self.months[self.current - 1].replace(day=day), minutes=30,
            )  # fmt: skip

    @rule(who=st.integers(0, 2), share=st.integers(1, 100))
    def redeem_capital(self, who, share):
        member = self.members[who]
        balance = capital.capital_balance(member)
        amount = (balance * share / 100).quantize(Decimal("0.01"))
        if amount <= 0:
            return
        capital.record_capital_entry(
            actor=self.treasurer, member=member, kind=CapitalAccountEntry.Kind.REDEMPTION,
            amount=amount, date=self.month, note="Paid out on leaving the project",
        )  # fmt: skip
        self.movements[member.pk] -= amount

    @rule()
    def pay(self):
        unpaid = Distribution.objects.filter(
            cooperative=self.cooperative, status=Distribution.Status.APPROVED
        ).first()
        if unpaid is not None:
            distributing.mark_paid(actor=self.treasurer, distribution=unpaid)

    # Invariants ----------------------------------------------------------------------------

    @invariant()
    def lines_add_up_to_the_figures(self):
        if not hasattr(self, "cooperative"):
            return
        for run in Distribution.objects.filter(cooperative=self.cooperative):
            lines = list(run.lines.all())
            by_kind = {}
            for line in lines:
                by_kind[line.kind] = by_kind.get(line.kind, Decimal("0")) + line.share
                if line.kind == DistributionLine.Kind.MEMBER:
                    assert line.cash + line.retained == line.share
            assert by_kind.get("member", Decimal("0")) == run.member_pool
            assert by_kind.get("commons", Decimal("0")) == run.commons
            assert by_kind.get("reserve", Decimal("0")) == run.reserve
            assert by_kind.get("education", Decimal("0")) == run.education
            assert run.commons + run.reserve + run.education + run.member_pool == max(
                run.surplus, Decimal("0")
            )
            assert sum(line.share for line in lines) == max(run.surplus, Decimal("0"))

    @invariant()
    def balances_are_the_sum_of_retained_shares_and_movements(self):
        if not hasattr(self, "cooperative"):
            return
        for member in self.members:
            retained = DistributionLine.objects.filter(
                member=member, kind=DistributionLine.Kind.MEMBER, distribution__status__in=FINAL
            ).aggregate(total=Sum("retained"))["total"] or Decimal("0")
            balance = capital.capital_balance(member)
            assert balance == retained + self.movements[member.pk]
            assert balance >= 0

    @invariant()
    def approved_runs_never_change(self):
        if not hasattr(self, "cooperative"):
            return
        for run_id, lines in self.approved.items():
            assert self._lines(Distribution.objects.get(pk=run_id)) == lines

    # Reading the books ---------------------------------------------------------------------

    def _hours_in(self, month: datetime.date, member_id: int | None = None) -> int:
        entries = TimeEntry.objects.filter(
            cooperative=self.cooperative, date__year=month.year, date__month=month.month
        )
        if member_id is not None:
            entries = entries.filter(member_id=member_id)
        return entries.aggregate(total=Sum("minutes"))["total"] or 0

    @staticmethod
    def _lines(run: Distribution) -> list[tuple]:
        return list(
            run.lines.order_by("pk").values_list("member_id", "kind", "minutes", "share", "cash")
        )


@pytest.mark.django_db
def test_the_books_hold_through_the_lifecycle():
    # The test's transaction never commits: the files an approval enqueues on commit are not
    # made, and each example's savepoint is rolled back in teardown().
    run_state_machine_as_test(
        DistributionLifecycle,
        settings=settings(max_examples=30, stateful_step_count=25, deadline=None),
    )

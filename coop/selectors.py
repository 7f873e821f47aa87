"""Reads of the core domain, scoped to one co-op."""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from coop import departure
from coop.hours.selectors import SummaryRow, month_by_project
from coop.models import Invitation, Member, TimeEntry, User
from coop.models.cooperative import MemberStatus
from coop.months import month_bounds


def memberships_of(user: User) -> QuerySet[Member]:
    """The user's current memberships, with their co-ops, in co-op name order."""
    return (
        Member.objects.current()
        .filter(user=user)
        .select_related("cooperative")
        .order_by("cooperative__name")
    )


def membership_or_404(user: User, slug: str, *, departed_ok: bool = False) -> Member:
    """The user's membership in the co-op with this slug; 404 for anyone else.

    A departed member is found only where `departed_ok` says so: the pages that stay open to
    them (their own money, their data, the published decisions), read-only.
    """
    members = Member.objects.all() if departed_ok else memberships_of(user)
    member = (
        members.filter(user=user, cooperative__slug=slug)
        .select_related("user", "cooperative")
        .first()
    )
    if member is None or (departed_ok and departure.reads_end(member)):
        raise Http404("No such co-op.")
    return member


def departed_memberships_of(user: User) -> QuerySet[Member]:
    """The co-ops the user has left, whose own money pages and decisions they may still read."""
    return (
        Member.objects.filter(user=user, status=MemberStatus.DEPARTED)
        .select_related("cooperative")
        .order_by("cooperative__name")
    )


def member_directory(member: Member) -> QuerySet[Member]:
    """Everyone in the member's co-op, current members first."""
    return (
        Member.objects.filter(cooperative_id=member.cooperative_id)
        .select_related("user")
        .order_by("status", "user__full_name", "user__email")
    )


def filtered_directory(member: Member, status: str = "") -> QuerySet[Member]:
    """The member directory, only one status if given (an unknown status is ignored)."""
    members = member_directory(member)
    if status in MemberStatus.values:
        members = members.filter(status=status)
    return members


def status_counts(member: Member) -> dict[str, int]:
    """How many members of the co-op hold each status (one query), every status present."""
    counts = dict.fromkeys(MemberStatus.values, 0)
    rows = (
        Member.objects.filter(cooperative_id=member.cooperative_id)
        .values_list("status")
        .annotate(count=Count("id"))
        .order_by()
    )
    counts.update(dict(rows))
    return counts


def open_invitations(member: Member) -> QuerySet[Invitation]:
    """Invitations of the member's co-op neither accepted nor revoked (expired ones included)."""
    return (
        Invitation.objects.filter(
            cooperative_id=member.cooperative_id, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("invited_by__user")
        .order_by("-sent_at", "-id")
    )


def invitation_or_404(member: Member, pk: int) -> Invitation:
    invitation = Invitation.objects.filter(cooperative_id=member.cooperative_id, pk=pk).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def member_or_404(member: Member, pk: int) -> Member:
    """Another membership of the same co-op; 404 for any other id."""
    other = (
        Member.objects.filter(cooperative_id=member.cooperative_id, pk=pk)
        .select_related("user", "cooperative")
        .first()
    )
    if other is None:
        raise Http404("No such member.")
    return other


@dataclass(frozen=True)
class HoursOverview:
    """The member's hours now against before, in minutes (co-op time zone)."""

    today: datetime.date
    week: int
    last_week: int
    month: int
    last_month: int
    by_project: list[SummaryRow]

    @property
    def month_change(self) -> int:
        return self.month - self.last_month

    @property
    def week_change(self) -> int:
        return self.week - self.last_week


def hours_overview(member: Member, today: datetime.date) -> HoursOverview:
    """This week and last week, this month and last month, and this month by project: two
    aggregate queries whatever the number of entries."""
    monday = today - datetime.timedelta(days=today.weekday())
    last_monday = monday - datetime.timedelta(days=7)
    month_first, month_last = month_bounds(today)
    last_first, last_last = month_bounds(month_first - relativedelta(months=1))
    week = (monday, monday + datetime.timedelta(days=6))
    last_week = (last_monday, monday - datetime.timedelta(days=1))
    totals = TimeEntry.objects.filter(
        member=member,
        date__range=(min(last_first, last_monday), max(month_last, week[1])),
    ).aggregate(
        week=Sum("minutes", filter=Q(date__range=week), default=0),
        last_week=Sum("minutes", filter=Q(date__range=last_week), default=0),
        month=Sum("minutes", filter=Q(date__range=(month_first, month_last)), default=0),
        last_month=Sum("minutes", filter=Q(date__range=(last_first, last_last)), default=0),
    )
    by_project = month_by_project(member, month_first).rows
    return HoursOverview(today=today, by_project=by_project, **totals)

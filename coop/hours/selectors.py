"""Reads of hours: who sees which entries, summaries by member/project/client/week, the grid."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, NullIf, TruncMonth

from coop.durations import hours_decimal
from coop.models import Member, PeriodLock, Project, TimeEntry, TimeEntryMonthCount
from coop.models.cooperative import Role
from coop.months import month_bounds

GROUPINGS = ("member", "project", "client", "week")


def member_name() -> Coalesce:
    """A member's name for grouping: the full name, or the e-mail address when it is blank."""
    return Coalesce(
        NullIf("member__user__full_name", Value("")),
        "member__user__email",
        output_field=CharField(),
    )


def sees_everyones_hours(viewer: Member) -> bool:
    """Admins and the treasurer (who distributes by hours) see every member's entries."""
    return viewer.has_role(Role.ADMIN, Role.TREASURER)


def visible_entries(viewer: Member) -> QuerySet[TimeEntry]:
    """The entries of the viewer's co-op that the viewer may see, with what a list shows."""
    entries = TimeEntry.objects.filter(cooperative_id=viewer.cooperative_id)
    if not sees_everyones_hours(viewer):
        entries = entries.filter(member=viewer)
    return entries.select_related("member__user", "project__client")


# What a list of entries shows, as plain values: a page of 50 rows makes 50 tuples instead of
# 250 model instances (each entry with its member, user, project and client).
LISTED = (
    "pk",
    "member_id",
    "member__user__full_name",
    "member__user__email",
    "project_id",
    "project__name",
    "project__client_id",
    "project__client__name",
    "date",
    "minutes",
    "description",
    "billable",
    "adjusts_id",
    "source",
    "created_at",
    "updated_at",
)


def listed_values(entries: QuerySet[TimeEntry]) -> QuerySet:
    """The entries' rows with what a list shows (`LISTED`, by name: `row.date`, `row.pk`), in
    one query with their member's user, project and client joined, and `row.locked`: whether
    the entry's month is locked (a period lock of its co-op), asked in the same query."""
    locks = PeriodLock.objects.filter(
        cooperative_id=OuterRef("cooperative_id"), month=OuterRef("month_of_entry")
    )
    return (
        entries.annotate(month_of_entry=TruncMonth("date"))
        .annotate(locked=Exists(locks))
        .values_list(*LISTED, "locked", named=True)
    )


def kept_month_count(cooperative_id: int, month: datetime.date) -> int | None:
    """How many entries the co-op has in the month, from the count the database keeps
    (`TimeEntryMonthCount`, coop 0014) instead of counting them; None if it keeps none."""
    return (
        TimeEntryMonthCount.objects.filter(cooperative_id=cooperative_id, month=month)
        .values_list("entries", flat=True)
        .first()
    )


@dataclass(frozen=True)
class SummaryRow:
    key: str
    label: str
    minutes: int

    @property
    def hours(self) -> Decimal:
        return hours_decimal(self.minutes)


@dataclass(frozen=True)
class Summary:
    month: datetime.date
    group_by: str
    rows: list[SummaryRow]

    @property
    def minutes(self) -> int:
        return sum(row.minutes for row in self.rows)

    @property
    def hours(self) -> Decimal:
        return hours_decimal(self.minutes)


def hours_summary(entries: QuerySet[TimeEntry], month: datetime.date, group_by: str) -> Summary:
    """Total minutes of the month's entries grouped by member, project, client or ISO week.

    One aggregate query whatever the number of entries.
    """
    first, last = month_bounds(month)
    entries = entries.filter(date__range=(first, last)).order_by()
    if group_by == "week":
        totals: dict[str, int] = {}
        for day, minutes in (
            entries.values("date").annotate(m=Sum("minutes")).values_list("date", "m")
        ):
            year, week, _ = day.isocalendar()
            key = f"{year}-W{week:02d}"
            totals[key] = totals.get(key, 0) + minutes
        rows = [SummaryRow(key, key, minutes) for key, minutes in sorted(totals.items())]
        return Summary(first, group_by, rows)
    key, label = {
        "member": ("member_id", member_name()),
        "project": ("project_id", F("project__name")),
        "client": ("project__client_id", F("project__client__name")),
    }[group_by]
    grouped = (
        entries.values(key)
        .annotate(label=label, minutes=Sum("minutes"))
        .order_by("label", key)
        .values_list(key, "label", "minutes")
    )
    rows = [SummaryRow(str(pk), name, minutes) for pk, name, minutes in grouped]
    return Summary(first, group_by, rows)


@dataclass
class GridRow:
    project: Project
    cells: list[int]
    # How many entries each cell adds up (several: the grid marks the cell and links to them).
    counts: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.cells)


@dataclass
class WeekGrid:
    member: Member
    days: list[datetime.date]
    rows: list[GridRow] = field(default_factory=list)

    @property
    def day_totals(self) -> list[int]:
        return [sum(row.cells[i] for row in self.rows) for i in range(len(self.days))]

    @property
    def total(self) -> int:
        return sum(self.day_totals)


def week_grid(member: Member, monday: datetime.date) -> WeekGrid:
    """The member's week as projects × days: active projects, plus any with time that week."""
    days = [monday + datetime.timedelta(days=i) for i in range(7)]
    sums = (
        TimeEntry.objects.filter(member=member, date__range=(days[0], days[-1]))
        .values_list("project_id", "date")
        .annotate(total=Sum("minutes"), count=Count("id"))
        .order_by()
    )
    cells, counts = {}, {}
    for project_id, day, total, count in sums:
        cells[project_id, day] = total
        counts[project_id, day] = count
    projects = (
        Project.objects.filter(cooperative_id=member.cooperative_id)
        .filter(Q(active=True) | Q(pk__in={project_id for project_id, _ in cells}))
        .select_related("client")
        .order_by("client__name", "name")
    )
    grid = WeekGrid(member, days)
    for project in projects:
        grid.rows.append(
            GridRow(
                project,
                [cells.get((project.pk, day), 0) for day in days],
                [counts.get((project.pk, day), 0) for day in days],
            )
        )
    return grid


def month_by_project(member: Member, month: datetime.date) -> Summary:
    return hours_summary(TimeEntry.objects.filter(member=member), month, "project")

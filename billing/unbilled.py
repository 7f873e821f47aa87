"""Hours a client has not been billed for yet: a period's entries, and their summary per member."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet, Sum

from coop.models import Client, Cooperative, TimeEntry


@dataclass(frozen=True)
class UnbilledEntry:
    id: int
    project_id: int
    project_name: str
    member_id: int
    member_name: str
    date: datetime.date
    rate_day: datetime.date  # an adjustment is priced on the day of the entry it corrects
    minutes: int
    description: str


@dataclass(frozen=True)
class UnbilledRow:
    """A client's unbilled minutes on a project by one member, for the unbilled-hours page."""

    client_id: int
    client_name: str
    project_id: int
    project_name: str
    member_id: int
    member_name: str
    minutes: int
    entries: int


def _unbilled(
    cooperative: Cooperative, start: datetime.date, end: datetime.date, client: Client | None
) -> QuerySet[TimeEntry]:
    """Billable entries of the period not yet on an invoice, adjustments (negative minutes)
    included, so that what is billed matches the hours as corrected."""
    entries = TimeEntry.objects.filter(
        cooperative=cooperative,
        billable=True,
        date__gte=start,
        date__lte=end,
        billing__isnull=True,
    )
    if client is not None:
        entries = entries.filter(project__client=client)
    return entries


def _name(full_name: str | None, email: str) -> str:
    return full_name or email


def unbilled_hours(
    cooperative: Cooperative, client: Client, start: datetime.date, end: datetime.date
) -> list[UnbilledEntry]:
    """The client's unbilled entries of the period, in one query."""
    rows = (
        _unbilled(cooperative, start, end, client)
        .order_by("project__name", "member_id", "date", "id")
        .values_list(
            "id",
            "project_id",
            "project__name",
            "member_id",
            "member__user__full_name",
            "member__user__email",
            "date",
            "adjusts__date",
            "minutes",
            "description",
        )
    )
    return [
        UnbilledEntry(
            id=pk,
            project_id=project_id,
            project_name=project_name,
            member_id=member_id,
            member_name=_name(full_name, email),
            date=day,
            rate_day=adjusted_day or day,
            minutes=minutes,
            description=description,
        )
        for (
            pk,
            project_id,
            project_name,
            member_id,
            full_name,
            email,
            day,
            adjusted_day,
            minutes,
            description,
        ) in rows
    ]


def unbilled_summary(
    cooperative: Cooperative,
    start: datetime.date,
    end: datetime.date,
    client: Client | None = None,
) -> list[UnbilledRow]:
    """Unbilled minutes per client, project and member of the period, in one query."""
    rows = (
        _unbilled(cooperative, start, end, client)
        .values(
            "project__client_id",
            "project__client__name",
            "project_id",
            "project__name",
            "member_id",
            "member__user__full_name",
            "member__user__email",
        )
        .annotate(total=Sum("minutes"), count=Sum(1))
        .order_by("project__client__name", "project__name", "member__user__full_name", "member_id")
    )
    return [
        UnbilledRow(
            client_id=row["project__client_id"],
            client_name=row["project__client__name"],
            project_id=row["project_id"],
            project_name=row["project__name"],
            member_id=row["member_id"],
            member_name=_name(row["member__user__full_name"], row["member__user__email"]),
            minutes=row["total"],
            entries=row["count"],
        )
        for row in rows
    ]

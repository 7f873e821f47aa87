"""CSV exports of hours: the entries of a list, and a month's totals per member and project.

Written with `coop.spreadsheet`, which guards text cells against spreadsheet formulas.
"""

import datetime
import io
from collections.abc import Iterable

from django.db.models import QuerySet, Sum

from coop import spreadsheet
from coop.durations import hours_decimal
from coop.hours.selectors import member_name
from coop.models import TimeEntry
from coop.months import month_bounds

ENTRY_COLUMNS = [
    "id", "date", "member_email", "member_name", "client", "project", "minutes", "hours",
    "description", "adjusts", "source",
]  # fmt: skip


def entries_csv(entries: Iterable[TimeEntry]) -> str:
    """One row per entry, minutes and decimal hours, UTF-8 text with a header row."""
    out = io.StringIO()
    writer = spreadsheet.writer(out)
    writer.writerow(ENTRY_COLUMNS)
    for entry in entries:
        writer.writerow(
            [
                entry.pk,
                entry.date.isoformat(),
                entry.member.user.email,
                entry.member.display_name,
                entry.project.client.name,
                entry.project.name,
                entry.minutes,
                hours_decimal(entry.minutes),
                entry.description,
                entry.adjusts_id or "",
                entry.source,
            ]
        )
    return out.getvalue()


def month_summary_csv(entries: QuerySet[TimeEntry], month: datetime.date) -> str:
    """The month's minutes per member and project, one aggregate query."""
    first, last = month_bounds(month)
    rows = (
        entries.filter(date__range=(first, last))
        .order_by()
        .values("member__user__email", "project__client__name", "project__name")
        .annotate(name=member_name(), minutes=Sum("minutes"))
        .order_by("name", "project__client__name", "project__name")
    )
    out = io.StringIO()
    writer = spreadsheet.writer(out)
    writer.writerow(
        ["month", "member_email", "member_name", "client", "project", "minutes", "hours"]
    )
    for row in rows:
        writer.writerow(
            [
                first.strftime("%Y-%m"),
                row["member__user__email"],
                row["name"],
                row["project__client__name"],
                row["project__name"],
                row["minutes"],
                hours_decimal(row["minutes"]),
            ]
        )
    return out.getvalue()

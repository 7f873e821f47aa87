"""Checking and rebuilding the kept count of each co-op's time entries per month.

The triggers of coop 0014 keep `TimeEntryMonthCount` right through every write of the entries.
What they cannot see is a hand on the counts themselves: a row deleted or edited in psql, a
restore of the entries without their counts. `manage.py check_month_counts` compares the kept
counts with the entries, and with `--repair` rebuilds them.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, F, Value
from django.db.models.functions import TruncMonth

from coop.models import TimeEntry, TimeEntryMonthCount


@dataclass(frozen=True)
class Difference:
    cooperative_id: int
    month: datetime.date
    kept: int | None  # None: no row kept for the month
    counted: int


Counts = dict[tuple[int, datetime.date], int]


def _read(cooperative_ids: list[int] | None) -> tuple[Counts, Counts]:
    """The kept counts and the entries counted, in one statement: one snapshot of both, even
    while members write (PostgreSQL's READ COMMITTED gives each statement its own)."""
    counts = TimeEntryMonthCount.objects.all()
    entries = TimeEntry.objects.all()
    if cooperative_ids is not None:
        counts = counts.filter(cooperative_id__in=cooperative_ids)
        entries = entries.filter(cooperative_id__in=cooperative_ids)
    kept_rows = counts.annotate(is_kept=Value(True)).values_list(
        "cooperative_id", "month", "entries", "is_kept"
    )
    counted_rows = (
        entries.annotate(month_of=TruncMonth("date"))
        .values("cooperative_id", "month_of")
        .annotate(n=Count("id"), is_kept=Value(False))
        .values_list("cooperative_id", "month_of", "n", "is_kept")
    )
    kept: Counts = {}
    counted: Counts = {}
    for cooperative_id, month, n, is_kept in kept_rows.order_by().union(
        counted_rows.order_by(), all=True
    ):
        (kept if is_kept else counted)[cooperative_id, month] = n
    return kept, counted


def _compare(kept: Counts, counted: Counts) -> list[Difference]:
    """Each co-op and month whose kept count is not the number of its entries (a month kept at
    0 that has no entries is right), in co-op and month order."""
    return [
        Difference(cooperative_id, month, kept.get(key), counted.get(key, 0))
        for key in sorted(kept.keys() | counted.keys())
        for cooperative_id, month in [key]
        if kept.get(key) != counted.get(key, 0)
    ]


def differences(cooperative_ids: Iterable[int] | None = None) -> list[Difference]:
    """What the kept counts of these co-ops (of all, by default) get wrong."""
    ids = None if cooperative_ids is None else list(cooperative_ids)
    return _compare(*_read(ids))


def rebuild(cooperative_ids: Iterable[int] | None = None) -> list[Difference]:
    """Make the kept counts the entries' own again and return what was wrong.

    The entries are held still from their count to the commit: on PostgreSQL by a SHARE lock on
    the entries' table (readers go on, writers wait for the commit), on SQLite by the database's
    write lock, taken by a first write before the count.
    """
    ids = None if cooperative_ids is None else list(cooperative_ids)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {TimeEntry._meta.db_table} IN SHARE MODE")
        counts = TimeEntryMonthCount.objects.all()
        if ids is not None:
            counts = counts.filter(cooperative_id__in=ids)
        if connection.vendor == "sqlite":
            counts.update(entries=F("entries"))  # the write lock, before the entries are read
        old, counted = _read(ids)
        counts.delete()
        TimeEntryMonthCount.objects.bulk_create(
            TimeEntryMonthCount(cooperative_id=cooperative_id, month=month, entries=n)
            for (cooperative_id, month), n in sorted(counted.items())
        )
    return _compare(old, counted)

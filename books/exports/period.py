"""The period an export covers, read from the request, and the journal's lines in it, streamed.

A period is a year (`year=2026`), a month (`month=2026-03`) or two days (`from=2026-01-01`,
`to=2026-03-31`, both included). A period without a single entry is refused (409, naming it),
so that an empty file is never mistaken for empty books.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from books.models import JournalEntry, JournalLine
from coop.errors import InvalidInput, StateConflict
from coop.models import Cooperative

CHUNK = 2000  # rows fetched per round trip; the memory an export holds does not grow past it


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @property
    def label(self) -> str:
        """For file names: 2026, 2026-03 or 2026-01-01_2026-03-31."""
        start, end = self.start, self.end
        if (start.month, start.day, end.month, end.day, start.year) == (1, 1, 12, 31, end.year):
            return str(self.start.year)
        last = calendar.monthrange(self.start.year, self.start.month)[1]
        if self.start.day == 1 and self.end == self.start.replace(day=last):
            return f"{self.start:%Y-%m}"
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    def __str__(self) -> str:
        return _("%(start)s to %(end)s") % {
            "start": date_format(self.start, "SHORT_DATE_FORMAT"),
            "end": date_format(self.end, "SHORT_DATE_FORMAT"),
        }


def _day(params: Mapping[str, str], field: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(params[field].strip())
    except ValueError:
        raise InvalidInput(_("Give the day as YYYY-MM-DD."), field=field) from None


def parse_period(params: Mapping[str, str]) -> Period:
    """The period of `year`, `month`, or `from` and `to` (400 naming the field otherwise)."""
    given = {key: value for key, value in params.items() if value not in ("", None)}
    if "year" in given:
        year = given["year"].strip()
        if not (year.isdigit() and len(year) == 4 and int(year) >= 1):
            raise InvalidInput(_("Give the year as four digits, e.g. 2026."), field="year")
        return Period(datetime.date(int(year), 1, 1), datetime.date(int(year), 12, 31))
    if "month" in given:
        try:
            first = datetime.date.fromisoformat(given["month"].strip() + "-01")
        except ValueError:
            raise InvalidInput(_("Give the month as YYYY-MM."), field="month") from None
        last = calendar.monthrange(first.year, first.month)[1]
        return Period(first, first.replace(day=last))
    if "from" in given or "to" in given:
        for field in ("from", "to"):
            if field not in given:
                raise InvalidInput(_("Give both the first and the last day."), field=field)
        start, end = _day(given, "from"), _day(given, "to")
        if end < start:
            raise InvalidInput(_("The last day comes before the first."), field="to")
        return Period(start, end)
    raise InvalidInput(
        _("Give the period: a year, a month, or a first and a last day."), field="year"
    )


def entries_in(cooperative: Cooperative, period: Period):
    return JournalEntry.objects.filter(
        cooperative=cooperative, date__gte=period.start, date__lte=period.end
    )


def lines_in(cooperative: Cooperative, period: Period):
    return JournalLine.objects.filter(
        entry__cooperative=cooperative,
        entry__date__gte=period.start,
        entry__date__lte=period.end,
    )


def require_entries(cooperative: Cooperative, period: Period) -> None:
    """Refuse (409, naming the period) a period in which the journal has no entry."""
    if not entries_in(cooperative, period).exists():
        raise StateConflict(
            _("The books have no entries from %(period)s: there is nothing to export.")
            % {"period": period},
            field="period",
            code="no_entries_in_period",
        )


@dataclass(frozen=True)
class Row:
    """One line of the journal, with what every export writes about it."""

    entry_id: int
    date: datetime.date
    kind: str
    description: str
    source_type: str
    source_id: str
    account_id: int
    number: str
    name: str
    type: str
    amount: Decimal
    member_name: str
    member_email: str
    memo: str

    @property
    def member(self) -> str:
        return self.member_name or self.member_email or ""

    @property
    def source(self) -> str:
        return f"{self.source_type}:{self.source_id}" if self.source_type else ""


FIELDS = (
    "entry_id", "entry__date", "entry__kind", "entry__description", "entry__source_type",
    "entry__source_id", "account_id", "account__number", "account__name", "account__type",
    "amount", "member__user__full_name", "member__user__email", "memo",
)  # fmt: skip


def rows(cooperative: Cooperative, period: Period) -> Iterator[Row]:
    """The lines of the period, entry by entry in date order, a chunk at a time."""
    query = (
        lines_in(cooperative, period).order_by("entry__date", "entry_id", "id").values_list(*FIELDS)
    )
    for values in query.iterator(chunk_size=CHUNK):
        cells: list[Any] = [value if value is not None else "" for value in values]
        yield Row(*cells)

"""The period a report or a fund's history covers: a calendar year or a calendar month, read
from `?year=2026` or `?month=2026-10` as the pages and the API take it."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from coop.errors import InvalidInput
from coop.locale_formats import format_month
from coop.months import month_bounds, parse_month

FIRST_YEAR, LAST_YEAR = 1900, 2999


@dataclass(frozen=True)
class Period:
    first: datetime.date
    last: datetime.date
    kind: str  # "year" or "month"

    @property
    def label(self) -> str:
        return str(self.first.year) if self.kind == "year" else format_month(self.first)

    @property
    def key(self) -> str:
        """As the query string writes it: `2026` or `2026-10`."""
        if self.kind == "year":
            return f"{self.first.year:04d}"
        return f"{self.first.year:04d}-{self.first.month:02d}"


def year(number: int) -> Period:
    return Period(datetime.date(number, 1, 1), datetime.date(number, 12, 31), "year")


def month(day: datetime.date) -> Period:
    first, last = month_bounds(day)
    return Period(first, last, "month")


def parse_year(value: str) -> int:
    """`2026` → 2026; `InvalidInput` naming `year` otherwise."""
    value = value.strip()
    if not (value.isascii() and value.isdigit() and len(value) == 4):
        raise InvalidInput(
            _("“%(value)s” is not a year: write it as YYYY, for example 2026.") % {"value": value},
            field="year",
        )
    number = int(value)
    if not FIRST_YEAR <= number <= LAST_YEAR:
        raise InvalidInput(
            _("The year must be between %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            field="year",
        )
    return number


def from_query(*, year_value: str | None, month_value: str | None, today: datetime.date) -> Period:
    """The month when `month` is given, else the year when `year` is, else the current year;
    both at once is refused (naming `month`), as is a value that is not a month or a year."""
    if month_value and year_value:
        raise InvalidInput(_("Give a year or a month, not both."), field="month")
    if month_value:
        try:
            return month(parse_month(month_value.strip()))
        except ValueError:
            raise InvalidInput(
                _("“%(value)s” is not a month: write it as YYYY-MM, for example 2026-11.")
                % {"value": month_value},
                field="month",
            ) from None
    if year_value:
        return year(parse_year(year_value))
    return year(today.year)

"""Calendar months: parsed as people write them (`2026-11`), bounded, and named on pages.

The one home of the month helpers that hours, payroll, the API and the PDFs share.
"""

import datetime
import re

from dateutil.relativedelta import relativedelta

from coop.locale_formats import format_month

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str) -> datetime.date:
    """`2026-11` → 2026-11-01; ValueError with a message a person can act on."""
    match = _MONTH.match(value or "")
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"“{value}” is not a month: write it as YYYY-MM, for example 2026-11.")
    if not 1900 <= int(match[1]) <= 2999:
        raise ValueError(f"“{value}”: the year must be between 1900 and 2999.")
    return datetime.date(int(match[1]), int(match[2]), 1)


def month_of(day: datetime.date) -> datetime.date:
    """The month a day is in, as its first day (how months are stored)."""
    return day.replace(day=1)


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First and last day of the month that `month` falls in."""
    first = month_of(month)
    return first, first + relativedelta(months=1, days=-1)


def month_label(month: datetime.date, locale: str | None = None) -> str:
    """The month's name and year in the active language (or `locale`), as CLDR writes it:
    `November 2026`, `noviembre de 2026`, `November 2026` (`coop.locale_formats`)."""
    return format_month(month, locale)

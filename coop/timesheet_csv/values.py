"""Reading one cell of a time-tracker export: durations, dates and times of day.

Every problem is a `ValueProblem` whose `text` is written for the person who uploaded the file
(a `coop.texts.Text`, translated when the import report is shown; `str()` is the English).
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

from coop.texts import DayOfMonth, Text, gettext_noop

DMY = "DMY"
MDY = "MDY"
DATE_ORDERS = (DMY, MDY)

DURATION_EXPECTED = Text(gettext_noop("expected h:mm:ss, h:mm or decimal hours"))
DATE_EXPECTED = Text(gettext_noop("expected e.g. 2026-11-23, 23.11.2026, 23/11/2026 or 11/23/2026"))
TIME_EXPECTED = Text(gettext_noop("expected e.g. 09:30, 09:30:00 or 9:30 AM"))

# h:mm:ss (Toggl "improved", Clockify "Duration (h)", Kimai with seconds)
_HMS = re.compile(r"^(\d+):([0-5]\d):([0-5]\d)$")
# h:mm (Kimai's default CSV duration, Harvest when the account shows hh:mm)
_HM = re.compile(r"^(\d+):([0-5]\d)$")
# mm:ss min and ss sec (Toggl's "classic" duration format, under an hour / under a minute)
_MIN_SEC = re.compile(r"^(\d+):([0-5]\d)\s*min$")
_SEC = re.compile(r"^(\d+)\s*sec$")
# decimal hours, either decimal mark, optionally with Toggl's " h" suffix
_DECIMAL_HOURS = re.compile(r"^(\d+(?:[.,]\d+)?|[.,]\d+)(\s*h)?$")

_ISO_DATE = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?\s*(?:([AaPp])\.?\s?[Mm]\.?)?$")


class ValueProblem(ValueError):
    """A cell that cannot be read: `text` says why, for the person who uploaded the file."""

    def __init__(self, template: str, **values: object):
        self.text = Text(template, values)
        super().__init__(str(self.text))


def duration_minutes(text: str, *, bare_integer_seconds_above: int | None = None) -> int | None:
    """Whole minutes of a duration cell, or None when the cell is blank.

    Accepted: `h:mm:ss`, `h:mm`, decimal hours with either decimal mark (`1.5`, `1,5`, `0.11`),
    and Toggl's classic and decimal display formats (`47:06 min`, `35 sec`, `1.50 h`). Seconds
    round half up to the minute: 29 s → 0 min, 30 s → 1 min, 1:29 → 1 min, 1:30 → 2 min; decimal
    hours are converted exactly and then rounded the same way (0.11 h = 6.6 min → 7 min).

    `bare_integer_seconds_above`: a whole number above this is seconds, not hours (Kimai 1.x wrote
    its CSV duration as seconds; 24 hours is the most a day can hold anyway).
    """
    raw = text.strip()
    if not raw:
        return None
    cleaned = raw.lower()
    if cleaned.startswith("-"):
        raise ValueProblem(gettext_noop('Duration "%(raw)s" is negative'), raw=raw)
    seconds: Decimal
    if match := _HMS.match(cleaned):
        seconds = Decimal(int(match[1]) * 3600 + int(match[2]) * 60 + int(match[3]))
    elif match := _HM.match(cleaned):
        seconds = Decimal(int(match[1]) * 3600 + int(match[2]) * 60)
    elif match := _MIN_SEC.match(cleaned):
        seconds = Decimal(int(match[1]) * 60 + int(match[2]))
    elif match := _SEC.match(cleaned):
        seconds = Decimal(int(match[1]))
    elif match := _DECIMAL_HOURS.match(cleaned):
        number = match[1]
        if (
            bare_integer_seconds_above is not None
            and number.isdigit()
            and not match[2]
            and int(number) > bare_integer_seconds_above
        ):
            seconds = Decimal(int(number))
        else:
            seconds = Decimal(number.replace(",", ".")) * 3600
    else:
        raise ValueProblem(
            gettext_noop('Duration "%(raw)s" is not a duration (%(expected)s)'),
            raw=raw,
            expected=DURATION_EXPECTED,
        )
    return int((seconds / 60).to_integral_value(rounding=ROUND_HALF_UP))


def date_parts(text: str) -> tuple[int, int, str] | None:
    """The two leading numbers and the separator of a day/month date like 03/04/2026, else None."""
    match = _NUMERIC_DATE.match(text.strip())
    if match is None:
        return None
    return int(match[1]), int(match[3]), match[2]


def decide_date_order(cells: list[str]) -> str | None:
    """The date order a file's day/month dates show, or None when they do not tell.

    Any first number above 12 means day first; any second number above 12 means month first. When
    nothing tells and every such date is written with dots (23.11.2026), day first: nobody writes
    month.day.year. A file showing both orders tells nothing.
    """
    day_first = month_first = False
    separators = set()
    for cell in cells:
        parts = date_parts(cell)
        if parts is None:
            continue
        first, second, separator = parts
        separators.add(separator)
        day_first = day_first or first > 12
        month_first = month_first or second > 12
    if day_first != month_first:
        return DMY if day_first else MDY
    if not day_first and separators == {"."}:
        return DMY
    return None


def parse_date(text: str, order: str | None) -> datetime.date:
    """A date cell: ISO year first (2026-11-23, 2026/11/23), or day/month in the given order.

    With `order` None a day/month date is read only when it cannot be read two ways
    (23/11/2026, 11/23/2026, 05/05/2026); otherwise it is refused as ambiguous.
    """
    raw = text.strip()
    if not raw:
        raise ValueProblem(gettext_noop("The date is empty"))
    if match := _ISO_DATE.match(raw):
        return _make_date(raw, int(match[1]), int(match[3]), int(match[4]))
    match = _NUMERIC_DATE.match(raw)
    if match is None:
        raise ValueProblem(
            gettext_noop('Date "%(raw)s" is not a date (%(expected)s)'),
            raw=raw,
            expected=DATE_EXPECTED,
        )
    first, second, year = int(match[1]), int(match[3]), int(match[4])
    if len(match[4]) == 2:
        year += 2000
    if order is None:
        if first > 12 and second <= 12:
            order = DMY
        elif second > 12 and first <= 12:
            order = MDY
        elif first == second and first <= 12:
            order = DMY  # 05/05/2026 reads the same either way
        elif first <= 12 and second <= 12:
            raise ValueProblem(
                gettext_noop(
                    'Date "%(raw)s" is ambiguous: it could be %(day_first)s or %(month_first)s, '
                    "and no date in the file has a day above 12; import it again choosing "
                    "whether the day or the month comes first"
                ),
                raw=raw,
                day_first=DayOfMonth(first, second, day_first=True),
                month_first=DayOfMonth(second, first, day_first=False),
            )
        else:
            raise ValueProblem(gettext_noop('Date "%(raw)s" does not exist'), raw=raw)
    day, month = (first, second) if order == DMY else (second, first)
    if month > 12:
        if order == DMY:
            raise ValueProblem(
                gettext_noop('Date "%(raw)s" is not a valid day/month/year date'), raw=raw
            )
        raise ValueProblem(
            gettext_noop('Date "%(raw)s" is not a valid month/day/year date'), raw=raw
        )
    return _make_date(raw, year, month, day)


def _make_date(raw: str, year: int, month: int, day: int) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueProblem(gettext_noop('Date "%(raw)s" does not exist'), raw=raw) from None


def parse_time(text: str) -> datetime.time | None:
    """A time of day, 24-hour (09:30, 09:30:00, 13.30) or 12-hour (9:30 AM, 01:30:00 pm), or None
    when the cell is blank."""
    raw = text.strip()
    if not raw:
        return None
    match = _TIME.match(raw)
    if match is None:
        raise _not_a_time(raw)
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if match[4]:
        if not 1 <= hour <= 12:
            raise _not_a_time(raw)
        hour = hour % 12 + (12 if match[4].lower() == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise _not_a_time(raw)
    return datetime.time(hour, minute, second)


def _not_a_time(raw: str) -> ValueProblem:
    return ValueProblem(
        gettext_noop('Time "%(raw)s" is not a time of day (%(expected)s)'),
        raw=raw,
        expected=TIME_EXPECTED,
    )

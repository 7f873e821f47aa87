"""Time worked as whole minutes: the day cap, and reading and writing durations people type.

Pure Python, no Django: the CSV import parser (`coop.timesheet_csv`), the hours service, the
forms, the API serializer and the `TimeEntry` check constraint all take the cap from here.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# A day holds 24 hours: no entry, and no member's day in total, may hold more. An adjustment of a
# locked month takes away at most as much.
HOURS_PER_DAY = 24
MINUTES_PER_DAY = HOURS_PER_DAY * 60

_HOURS_MINUTES = re.compile(r"^(\d{1,2}):([0-5]\d)$")
_UNITS = re.compile(r"^(?:(\d+(?:[.,]\d+)?)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?$")


class DurationError(ValueError):
    """`text` is not a duration; `str()` says how to write one (the pages translate it)."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(f"“{text}” is not a duration: write it as 1:30, 1.5h, 1,5 or 90m.")


def fits_in_a_day(minutes: int) -> bool:
    """An entry, or one member's day, holds 1 to 1440 minutes."""
    return 1 <= minutes <= MINUTES_PER_DAY


def fits_an_adjustment(minutes: int) -> bool:
    """An adjustment adds or takes away 1 to 1440 minutes."""
    return minutes != 0 and abs(minutes) <= MINUTES_PER_DAY


def parse_duration(text: str) -> int:
    """Minutes from what a person typed into a time cell.

    `1:30` is hours and minutes; a bare number is hours (`1.5`, `1,5`, `2`); `h` and `m` units
    may be combined (`1h 30m`, `45m`, `1.25h`). Fractions of a minute round half up. Empty → 0.
    """
    text = text.strip().lower().replace(" ", "")
    if not text:
        return 0
    if match := _HOURS_MINUTES.match(text):
        return int(match[1]) * 60 + int(match[2])
    try:
        hours = Decimal(text.replace(",", "."))
    except InvalidOperation:
        match = _UNITS.match(text)
        if not match or not any(match.groups()):
            raise DurationError(text) from None
        hours = Decimal(match[1].replace(",", ".")) if match[1] else Decimal(0)
        return int((hours * 60).to_integral_value(rounding=ROUND_HALF_UP)) + int(match[2] or 0)
    if not hours.is_finite() or hours < 0:
        raise DurationError(text)
    return int((hours * 60).to_integral_value(rounding=ROUND_HALF_UP))


def format_minutes(minutes: int) -> str:
    """`90` → `1:30`; negative adjustments keep their sign: `-30` → `-0:30`."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}:{rest:02d}"


def hours_decimal(minutes: int) -> Decimal:
    """Minutes as hours with two decimals, half up: 100 → 1.67."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

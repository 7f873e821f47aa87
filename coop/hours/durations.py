"""Reading the durations people type: `1:30`, `1.5h`, `1,5`, `90m`, `1h 30m` → minutes."""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext

_HOURS_MINUTES = re.compile(r"^(\d{1,2}):([0-5]\d)$")
_UNITS = re.compile(r"^(?:(\d+(?:[.,]\d+)?)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?$")


class DurationError(ValueError):
    pass


def _not_a_duration(text: str) -> str:
    return gettext("“%(text)s” is not a duration: write it as 1:30, 1.5h, 1,5 or 90m.") % {
        "text": text
    }


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
            raise DurationError(_not_a_duration(text)) from None
        hours = Decimal(match[1].replace(",", ".")) if match[1] else Decimal(0)
        return int((hours * 60).to_integral_value(rounding="ROUND_HALF_UP")) + int(match[2] or 0)
    if not hours.is_finite() or hours < 0:
        raise DurationError(_not_a_duration(text))
    return int((hours * 60).to_integral_value(rounding="ROUND_HALF_UP"))


def format_minutes(minutes: int) -> str:
    """`90` → `1:30`; negative adjustments keep their sign: `-30` → `-0:30`."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}:{rest:02d}"


def hours_decimal(minutes: int) -> Decimal:
    """Minutes as hours with two decimals, half up: 100 → 1.67."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")

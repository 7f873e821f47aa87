"""Calendar months as people write them: `2026-11`."""

import datetime
import re

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str) -> datetime.date:
    """`2026-11` → 2026-11-01; ValueError with a message a person can act on."""
    match = _MONTH.match(value or "")
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"“{value}” is not a month: write it as YYYY-MM, for example 2026-11.")
    if not 1900 <= int(match[1]) <= 2999:
        raise ValueError(f"“{value}”: the year must be between 1900 and 2999.")
    return datetime.date(int(match[1]), int(match[2]), 1)

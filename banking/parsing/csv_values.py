"""Reading a day or an amount in one cell of a bank's CSV export, as the mapping writes it.

Pure: no Django. The mapping's separators and date format are given by the caller.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")


_DAY_FIRST = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$")


def parse_date(text: str, date_format: str) -> datetime.date | None:
    """A day as the mapping writes it, or None. Two-digit years are 2000-2099."""
    try:
        if date_format == "iso":
            match = _ISO.match(text)
            return datetime.date(*map(int, match.groups())) if match else None
        if date_format in ("day-first", "month-first"):
            match = _DAY_FIRST.match(text)
            if not match:
                return None
            first, second, year = match.groups()
            day, month = (first, second) if date_format == "day-first" else (second, first)
            full_year = int(year) + 2000 if len(year) == 2 else int(year)
            return datetime.date(full_year, int(month), int(day))
        return datetime.datetime.strptime(text, date_format).date()
    except ValueError:
        return None


_AMOUNT = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")


def parse_amount(text: str, decimal: str = ".", thousands: str = "") -> Decimal | None:
    """A signed amount: "-1.234,56" with "," and "."; "(12.34)" and "12.34-" are negative; a
    currency sign or code next to the figure is left out. None if it is no amount."""
    figure = re.sub(r"[\s\u00a0\u202f]", "", text) if thousands != " " else text.strip()
    figure = re.sub(r"^[A-Z]{3}|[A-Z]{3}$", "", figure).strip()
    figure = figure.replace("€", "").replace("$", "").replace("£", "").strip()
    negative = False
    if figure.startswith("(") and figure.endswith(")"):
        negative, figure = True, figure[1:-1]
    if figure.endswith("-"):
        negative, figure = True, figure[:-1]
    elif figure.startswith("-") or figure.startswith("+"):
        negative, figure = figure[0] == "-", figure[1:]
    if thousands:
        groups = figure.split(decimal)[0].split(thousands)
        if len(groups) > 1 and (
            not 1 <= len(groups[0]) <= 3 or any(len(group) != 3 for group in groups[1:])
        ):
            return None
        figure = figure.replace(thousands, "").replace("\u00a0", "")
    figure = figure.replace(decimal, ".") if decimal != "." else figure
    if not _AMOUNT.match(figure):
        return None
    try:
        value = Decimal(figure)
    except InvalidOperation:
        return None
    if value != value.quantize(CENT):
        return None
    return -value.quantize(CENT) if negative else value.quantize(CENT)

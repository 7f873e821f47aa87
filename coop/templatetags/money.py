"""Template filters that show amounts of money in the reader's language: 1.234,56 € or €1,234.56.

Amounts stay `Decimal` from the database to the page (never float): they are rounded to the
currency's minor unit and handed to Django's `number_format`, which writes the active language's
decimal and thousand separators. Where the currency goes is a small per-language pattern, so
that no locale library is needed. Machine-readable outputs (the API, CSV, SEPA, PDFs) do not use
these filters and stay locale-neutral.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import formats
from django.utils.translation import get_language

from coop import money as money_rules

register = template.Library()

# Symbols for the currencies whose symbol no reader mistakes; any other currency is shown by
# its ISO code ("ARS 1,234.56", "1.234,56 CHF"): "$" alone would not say which peso or dollar.
SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "US$", "JPY": "¥"}
ENGLISH_SYMBOLS = {**SYMBOLS, "USD": "$"}

# Where the sign goes, per language (CLDR's standard currency patterns): English puts the
# symbol first ("€1,234.56", but "CHF 1,234.56" for a code); Spanish and German put it after,
# joined by a non-breaking space so that a line never ends between a figure and its currency.
NBSP = "\u00a0"


def minor_units(currency: str) -> int:
    """The number of decimals of a currency (`coop.money.minor_units`); 2 for an unknown code."""
    return money_rules.minor_units(currency) if money_rules.is_currency(currency) else 2


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):  # never expected; shown exactly as Python prints it
        value = repr(value)
    try:
        number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _figure(number: Decimal, currency: str) -> str:
    places = minor_units(currency)
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0.00"
    return formats.number_format(rounded, decimal_pos=places, use_l10n=True, force_grouping=True)


@register.filter
def amount(value, currency: str = "") -> str:
    """The figure alone, for a column whose heading names the currency: 1.234,56 / 1,234.56."""
    number = _decimal(value)
    if number is None:
        return ""
    return _figure(number, currency)


@register.filter
def money(value, currency: str = "") -> str:
    """The figure with its currency, as the active language writes it: 1.234,56 € / €1,234.56."""
    number = _decimal(value)
    if number is None:
        return ""
    figure = _figure(number, currency)
    if not currency:
        return figure
    if (get_language() or "en").split("-")[0] == "en":
        symbol = ENGLISH_SYMBOLS.get(currency)
        sign, digits = ("-", figure[1:]) if figure.startswith("-") else ("", figure)
        return f"{sign}{symbol}{digits}" if symbol else f"{sign}{currency}{NBSP}{digits}"
    return f"{figure}{NBSP}{SYMBOLS.get(currency, currency)}"

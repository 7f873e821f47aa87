"""Template filters that show amounts of money in the reader's language: 1.234,56 € or €1,234.56.

Amounts stay `Decimal` from the database to the page (never float). Both filters hand them to
`coop.money` (`format_money`, `format_amount`: Babel's CLDR patterns, with the currency's
decimals, rounded half up), in the active language, so pages, PDFs and e-mails write an amount
alike. Machine-readable outputs (the API, CSV exports, SEPA) do not use these filters and stay
locale-neutral.
"""

from decimal import Decimal, InvalidOperation

from django import template

from coop import money as money_rules

register = template.Library()


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


@register.filter
def amount(value, currency: str = "") -> str:
    """The figure alone, for a column whose heading names the currency: 1.234,56 / 1,234.56."""
    number = _decimal(value)
    if number is None:
        return ""
    return money_rules.format_amount(number, currency)


@register.filter
def money(value, currency: str = "") -> str:
    """The figure with its currency, as the active language writes it: 1.234,56 € / €1,234.56."""
    number = _decimal(value)
    if number is None:
        return ""
    if not currency:
        return money_rules.format_amount(number, currency)
    return money_rules.format_money(number, currency)

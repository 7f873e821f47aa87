"""The explanation of a member's share in the reader's language, for pages and payslips.

A distribution line stores the computation's steps with their figures
(`payroll.allocation.explanation`); the sentences are written here, when a page or a PDF is
rendered, with gettext in the active language. Lines stored before the steps existed keep
their English sentence (`explanation["text"]`), which is shown as it is.
"""

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from babel import numbers as babel_numbers
from django.utils.translation import get_language, gettext, to_locale

from coop.money import minor_units
from payroll.allocation.explanation import sentences


def _number(value: Decimal, places: int) -> str:
    """A number in the active language's notation, grouped, with `places` decimals."""
    pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
    return babel_numbers.format_decimal(value, format=pattern, locale=to_locale(get_language()))


def amount_in_words(currency: str) -> Callable[[str], str]:
    """An explanation's amount ("16617.43") as the pages write figures ("16,617.43",
    "16.617,43"): at least the currency's decimals, and every decimal an exact figure has."""
    places = minor_units(currency)

    def text(value: str) -> str:
        try:
            amount = Decimal(value)
        except InvalidOperation:
            return value
        exponent = amount.as_tuple().exponent
        digits = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return _number(amount, max(places, digits))

    return text


def count_in_words(count: int) -> str:
    """A whole number (minutes, members) grouped in the reader's notation: 9600 → "9,600"."""
    return _number(Decimal(count), 0)


def figure_in_words(value: str) -> str:
    """A stored figure ("9600", "2.5") in the reader's notation ("9,600", "2,5"); a figure
    written as a fraction ("1950/12359") stays as it is."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    exponent = number.as_tuple().exponent
    return _number(number, -exponent if isinstance(exponent, int) and exponent < 0 else 0)


def _parts(fraction: str) -> tuple[Fraction, str, str] | None:
    try:
        value = Fraction(fraction)
    except (ValueError, ZeroDivisionError):
        return None
    return (
        value,
        _number(Decimal(value.numerator), 0),
        _number(Decimal(value.denominator), 0),
    )


def percent_in_words(value: Decimal) -> str:
    """A fraction as the reader's language writes a percentage: 0.8 → "80%", "80 %"; 4/7 to
    two decimals of a percent, "57.14%", "57,14 %"."""
    return babel_numbers.format_percent(
        value.quantize(Decimal("0.0001")).normalize(),
        locale=to_locale(get_language()),
        decimal_quantization=False,
    )


def _percent(value: Fraction) -> str:
    return percent_in_words(Decimal(value.numerator) / Decimal(value.denominator))


def fraction_in_words(fraction: str) -> str:
    """A share of the pool in percent and words: "4/7" → "57.14 % (4 of 7)"."""
    parts = _parts(fraction)
    if parts is None:
        return fraction
    value, part, whole = parts
    return gettext("%(percent)s (%(part)s of %(whole)s)") % {
        "percent": _percent(value),
        "part": part,
        "whole": whole,
    }


def share_of_pool(fraction: str) -> str:
    """A member's fraction of the pool, for a payslip or a page: "1950/12359" → "15.78 % of the
    member pool (1,950 of 12,359)"."""
    parts = _parts(fraction)
    if parts is None:
        return fraction
    value, part, whole = parts
    return gettext("%(percent)s of the member pool (%(part)s of %(whole)s)") % {
        "percent": _percent(value),
        "part": part,
        "whole": whole,
    }


def explain(steps: Sequence[Mapping[str, Any]], currency: str) -> list[str]:
    """The steps as sentences in the active language, one per step, with the figures in the
    reader's notation and the share of the pool in percent."""
    return sentences(
        steps,
        currency,
        gettext,
        amount_text=amount_in_words(currency),
        fraction_text=fraction_in_words,
        count_text=count_in_words,
        figure_text=figure_in_words,
        percentage_text=percent_in_words,
    )


def explain_line(
    explanation: Mapping[str, Any], currency: str, *, translated: bool = True
) -> list[str]:
    """A stored line's explanation in words: its steps, or the sentence of an older line.

    `translated=False` writes it in English whatever the active language, for what machines
    read (the API does not change with the language).
    """
    if explanation.get("steps"):
        if not translated:
            return sentences(explanation["steps"], currency)
        return explain(explanation["steps"], currency)
    return [explanation["text"]] if explanation.get("text") else []

"""Exact figures as text for explanations and messages: decimals when they end, else n/d."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from fractions import Fraction


def from_minor(minor: int, exponent: int) -> Decimal:
    """An exact Decimal with `exponent` decimals (a string, so no context rounding applies)."""
    return Decimal(f"{minor}E-{exponent}")


def decimal_text(value: Fraction, min_digits: int = 0) -> str | None:
    """`value` as an exact decimal with at least `min_digits` decimals, or None if it has none."""
    # A reduced fraction ends as a decimal iff its denominator is 2**a × 5**b; it then needs
    # max(a, b) decimals. Counted on the integer denominator instead of trying 10**digits.
    rest, twos, fives = value.denominator, 0, 0
    while rest % 2 == 0:
        rest, twos = rest // 2, twos + 1
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    digits = max(min_digits, twos, fives)
    if rest != 1 or digits > max(40, min_digits):
        return None
    return format(from_minor(value.numerator * 10**digits // value.denominator, digits), "f")


def weight_text(value: Fraction) -> str:
    """An exact weight: a decimal when it has one, otherwise "n/d"."""
    text = decimal_text(value)
    return text if text is not None else f"{value.numerator}/{value.denominator}"


def amount_figure(value: Fraction, exponent: int) -> str | dict[str, str]:
    """An amount for an explanation's steps: the exact decimal (at least the currency's
    decimals), or `{"about": x}` with 4 more decimals when it has no finite one."""
    text = decimal_text(value, exponent)
    if text is not None:
        return text
    return {"about": str(from_minor(round(value * 10 ** (exponent + 4)), exponent + 4))}


def ratio_text(value: Fraction) -> str:
    """A ratio as an exact decimal, or "about x" to 6 decimals when it has no finite one."""
    text = decimal_text(value)
    return text if text is not None else f"about {from_minor(round(value * 10**6), 6)}"


def fraction_text(value: Fraction) -> str:
    """A reduced fraction: "144/319", or "0" and "1"."""
    return str(value)


def percent_text(value: Decimal) -> str:
    return format((value * 100).normalize(), "f") + "%"


def plain_text(value: Decimal) -> str:
    return format(value.normalize(), "f") if value.is_finite() else str(value)


def choices_text(enum: type[StrEnum]) -> str:
    return ", ".join(member.value for member in enum)

"""Exact figures as text for explanations and messages: decimals when they end, else n/d."""

from __future__ import annotations

import math
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction


def from_minor(minor: int, exponent: int) -> Decimal:
    """An exact Decimal with `exponent` decimals (a string, so no context rounding applies)."""
    return Decimal(f"{minor}E-{exponent}")


def decimal_text(value: Fraction, min_digits: int = 0) -> str | None:
    """`value` as an exact decimal with at least `min_digits` decimals, or None if it has none."""
    return ratio_decimal_text(value.numerator, value.denominator, min_digits)


def ratio_decimal_text(numerator: int, denominator: int, min_digits: int = 0) -> str | None:
    """numerator / denominator (denominator > 0) as `decimal_text` writes it, from integers."""
    divisor = math.gcd(numerator, denominator)
    numerator, denominator = numerator // divisor, denominator // divisor
    # A reduced fraction ends as a decimal iff its denominator is 2**a × 5**b; it then needs
    # max(a, b) decimals. Counted on the integer denominator instead of trying 10**digits.
    twos = (denominator & -denominator).bit_length() - 1
    rest, fives = denominator >> twos, 0
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    digits = max(min_digits, twos, fives)
    if rest != 1 or digits > max(40, min_digits):
        return None
    return format(from_minor(numerator * 10**digits // denominator, digits), "f")


def weight_text(value: Fraction) -> str:
    """An exact weight: a decimal when it has one, otherwise "n/d"."""
    return ratio_weight_text(value.numerator, value.denominator)


def ratio_weight_text(numerator: int, denominator: int) -> str:
    """numerator / denominator as `weight_text` writes it, from integers."""
    text = ratio_decimal_text(numerator, denominator)
    return text if text is not None else ratio_fraction_text(numerator, denominator)


def amount_figure(value: Fraction, exponent: int) -> str | dict[str, str]:
    """An amount for an explanation's steps: the exact decimal (at least the currency's
    decimals), or `{"about": x}` with 4 more decimals when it has no finite one."""
    return ratio_amount_figure(value.numerator, value.denominator, exponent)


def ratio_amount_figure(numerator: int, denominator: int, exponent: int) -> str | dict[str, str]:
    """numerator / denominator as `amount_figure` writes it, from integers."""
    text = ratio_decimal_text(numerator, denominator, exponent)
    if text is not None:
        return text
    # round() of a Fraction: to the nearest, halves to the even neighbour.
    about, remainder = divmod(numerator * 10 ** (exponent + 4), denominator)
    if 2 * remainder > denominator or (2 * remainder == denominator and about % 2):
        about += 1
    return {"about": str(from_minor(about, exponent + 4))}


def ratio_text(value: Fraction) -> str:
    """A ratio as an exact decimal, or "about x" to 6 decimals when it has no finite one."""
    text = decimal_text(value)
    return text if text is not None else f"about {from_minor(round(value * 10**6), 6)}"


def fraction_text(value: Fraction) -> str:
    """A reduced fraction: "144/319", or "0" and "1"."""
    return str(value)


def ratio_fraction_text(numerator: int, denominator: int) -> str:
    """numerator / denominator (denominator > 0) as `fraction_text` writes it, from integers."""
    divisor = math.gcd(numerator, denominator)
    if denominator == divisor:
        return str(numerator // divisor)
    return f"{numerator // divisor}/{denominator // divisor}"


def percent_text(value: Decimal) -> str:
    return format((value * 100).normalize(), "f") + "%"


def plain_text(value: Decimal) -> str:
    return format(value.normalize(), "f") if value.is_finite() else str(value)


def choices_text(enum: type[StrEnum]) -> str:
    return ", ".join(member.value for member in enum)

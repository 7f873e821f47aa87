"""Currencies and their minor units (from `coop.money`, CLDR), and amounts in whole minor units."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TypeGuard

from payroll.allocation.errors import DistributionError


def is_currency(code: object) -> TypeGuard[str]:
    """Whether `code` is a currency in use (`coop.money.is_currency`, CLDR's data)."""
    # Imported on use: importing the `coop` package may load Django, which the pure computation
    # must not need (tests/payroll/test_allocation.py imports it without Django).
    from coop import money

    return money.is_currency(code)


def minor_units(currency: str) -> int:
    """The number of decimals of a currency: 2, or 0 (JPY, KRW…); 3 (BHD, KWD…) for the
    computation, though a co-op cannot keep books in those.

    Source: `coop.money.minor_units` (CLDR). Raises `DistributionError` for an unknown code.
    """
    if not is_currency(currency):
        raise DistributionError(
            f"“{currency}” is not an ISO 4217 currency code (for example EUR, USD, JPY).",
            errors={"currency": [f"“{currency}” is not an ISO 4217 currency code."]},
        )
    from coop import money

    return money.minor_units(currency)


def fits_minor_unit(value: Decimal, exponent: int) -> bool:
    return (Fraction(value) * 10**exponent).denominator == 1


def too_many_decimals(currency: str, value: Decimal) -> str:
    exponent = minor_units(currency)
    if exponent == 0:
        return f"{currency} amounts are whole numbers; {value} has decimals."
    return f"{currency} amounts have at most {exponent} decimals; {value} has more."


def to_minor(value: Decimal, scale: int) -> int:
    exact = Fraction(value) * scale
    if exact.denominator != 1:  # input_problems refuses these; never round money silently
        raise DistributionError(f"{value} is not a whole number of minor units.")
    return exact.numerator

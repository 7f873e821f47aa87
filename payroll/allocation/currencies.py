"""ISO 4217 currencies and their minor units, and amounts in whole minor units."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from payroll.allocation.errors import DistributionError

# ISO 4217 active codes (2024 list, funds and precious metals left out); the same list as
# coop.validators, which this module cannot import (no Django here). A test keeps them equal.
_ISO_4217 = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD
    FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY
    KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP
    MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR
    RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT
    TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW
    ZWG
"""
ISO_4217_CURRENCIES = frozenset(_ISO_4217.split())

# The ISO 4217 minor-unit exponent of every listed currency whose minor unit is not 1/100.
_EXPONENTS = {
    **dict.fromkeys(
        ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW",
         "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"],
        0,
    ),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
}  # fmt: skip


def minor_units(currency: str) -> int:
    """The number of decimals of an ISO 4217 currency: 2, or 0 (JPY, KRW…) or 3 (BHD, KWD…).

    Source: ISO 4217 minor-unit column. Raises `DistributionError` for an unknown code.
    """
    if currency not in ISO_4217_CURRENCIES:
        raise DistributionError(
            f"“{currency}” is not an ISO 4217 currency code (for example EUR, USD, JPY).",
            errors={"currency": [f"“{currency}” is not an ISO 4217 currency code."]},
        )
    return _EXPONENTS.get(currency, 2)


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

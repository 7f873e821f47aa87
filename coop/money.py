"""Amounts as the project reads and stores them: ASCII digits only, and a largest amount.

Money is stored as DECIMAL(14, 2) (`payroll.models.money_field`), so no stored figure, single
amount or sum (a month's revenue, a capital balance), may exceed `MAX_AMOUNT`; a write that would
make one exceed it is refused before it reaches the database (`exceeds_max`).

Python's `Decimal` reads any Unicode decimal digit ("١٠٠" and "１００" are both 100): a
treasurer's typo, or a way to make an amount look different on the page than in the file. An
amount is written with ASCII digits, an optional sign and a decimal point (`ASCII_AMOUNT`).
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

MAX_DIGITS = 14
DECIMAL_PLACES = 2
MAX_AMOUNT = Decimal("999999999999.99")  # DECIMAL(14, 2)
ASCII_DIGITS = frozenset("0123456789")


def has_only_ascii_digits(text: str) -> bool:
    """Whether every digit of `text` is one of 0-9 (no Arabic-Indic, fullwidth, … digits)."""
    return not any(
        character not in ASCII_DIGITS
        and (character.isdigit() or unicodedata.category(character) == "Nd")
        for character in text
    )


def exceeds_max(*amounts: Decimal) -> bool:
    """Whether any of these amounts (or sums) is beyond what the books can store."""
    return any(abs(amount) > MAX_AMOUNT for amount in amounts)


def format_max() -> str:
    return f"{MAX_AMOUNT:,.2f}"

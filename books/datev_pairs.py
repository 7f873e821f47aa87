"""How an entry of the journal becomes DATEV bookings: one (Konto, Gegenkonto) pair per row.

A DATEV booking ("Buchungssatz", DATEV-Format Buchungsstapel) moves one amount from one
account to one other: it has an account, a counter-account and an amount without sign, with
"S" (Soll, debit) or "H" (Haben, credit) saying which side of the first account it is on. A
journal entry with two lines is one booking. An entry with more lines (an invoice with VAT, a
distribution with a line per member) is split here, the same way every time:

1. The entry's largest debit line D and largest credit line C are its *main* lines (the
   first of equal amounts, in the order of the lines, wins).
2. Every other debit line is booked against C: account = its account, "S", its amount.
3. Every other credit line is booked against D: account = its account, "H", its amount.
4. The rest is booked between D and C: account = D's, counter-account = C's, amount = D's
   amount less the other credit lines (which is C's amount less the other debit lines), "S"
   when it is positive, "H" with the amount's absolute value when negative, no row when zero.

Each account then moves, over the rows, by exactly its line's amount: D by the other credits
plus the rest, C by the other debits plus the rest, every other line by its own amount. The rows
of an entry are fewer than its lines. Pure: no Django, amounts are `Decimal`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

A = TypeVar("A")  # whatever names an account (a number, a row of the ledger)


@dataclass(frozen=True)
class Booking(Generic[A]):
    """One DATEV row: `amount` > 0 moves `account` on `side` ("S" or "H") against `counter`."""

    account: A
    counter: A
    amount: Decimal
    side: str


def _largest(lines: Sequence[tuple[A, Decimal]], sign: int) -> int:
    best = -1
    for index, (_, amount) in enumerate(lines):
        if amount * sign > 0 and (best < 0 or amount * sign > lines[best][1] * sign):
            best = index
    if best < 0:
        raise ValueError("an entry needs a debit line and a credit line")
    return best


def bookings(lines: Sequence[tuple[A, Decimal]]) -> list[Booking[A]]:
    """The DATEV rows of one balanced entry, given as (account, signed amount) lines: debit
    positive, credit negative. Raises `ValueError` if the lines do not add up to zero."""
    if sum((amount for _, amount in lines), Decimal(0)) != 0:
        raise ValueError("the lines of an entry add up to zero")
    main_debit, main_credit = _largest(lines, 1), _largest(lines, -1)
    debit_account, credit_account = lines[main_debit][0], lines[main_credit][0]
    rows: list[Booking[A]] = []
    rest = lines[main_debit][1]
    for index, (account, amount) in enumerate(lines):
        if index in (main_debit, main_credit):
            continue
        if amount > 0:
            rows.append(Booking(account, credit_account, amount, "S"))
        else:
            rows.append(Booking(account, debit_account, -amount, "H"))
            rest += amount
    if rest:
        rows.append(Booking(debit_account, credit_account, abs(rest), "S" if rest > 0 else "H"))
    return rows

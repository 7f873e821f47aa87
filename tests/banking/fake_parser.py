"""A tiny statement format for the import tests (registered in the registry by a fixture).

    FAKE IBAN CURRENCY OPENING CLOSING FIRST_DAY LAST_DAY ID
    YYYY-MM-DD AMOUNT REFERENCE
    ...

A line that says BROKEN raises StatementFileError naming its line.
"""

import datetime
from decimal import Decimal
from typing import BinaryIO

from banking.parsing.types import ParsedEntry, ParsedStatement, StatementFileError


def looks_like(head: bytes) -> bool:
    return head.startswith(b"FAKE ")


def parse(source: BinaryIO, **options) -> list[ParsedStatement]:
    statements: list[ParsedStatement] = []
    for number, raw in enumerate(source.read().decode("utf-8").splitlines(), start=1):
        parts = raw.split()
        if not parts:
            continue
        if parts[0] == "BROKEN":
            raise StatementFileError("not a fake line", f"line {number}")
        if parts[0] == "FAKE":
            iban, currency, opening, closing, first, last, ident = parts[1:8]
            statements.append(
                ParsedStatement(
                    format="mt940",
                    currency=currency,
                    account_iban=iban,
                    statement_id=ident,
                    opening_balance=Decimal(opening),
                    opening_date=datetime.date.fromisoformat(first),
                    closing_balance=Decimal(closing),
                    closing_date=datetime.date.fromisoformat(last),
                    where=f"line {number}",
                )
            )
            continue
        day, amount, reference = parts[:3]
        statements[-1].entries.append(
            ParsedEntry(
                amount=Decimal(amount),
                booking_date=datetime.date.fromisoformat(day),
                bank_reference=reference,
                where=f"line {number}",
            )
        )
    return statements


def sample(*, opening="1000.00", entries=(("2026-11-02", "50.00", "R1"),), ident="S1",
           iban="DE89370400440532013000", currency="EUR", closing=None) -> bytes:  # fmt: skip
    total = sum((Decimal(amount) for _, amount, _ in entries), Decimal("0.00"))
    closing = closing or str(Decimal(opening) + total)
    lines = [f"FAKE {iban} {currency} {opening} {closing} 2026-11-01 2026-11-30 {ident}"]
    lines += [" ".join(row) for row in entries]
    return ("\n".join(lines) + "\n").encode()

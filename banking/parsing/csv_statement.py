"""Reading a bank's CSV export into a statement with the account's column mapping (pure: no Django).

Nothing in a CSV file says which layout it is, so it is never sniffed (`looks_like` is False):
it is read only with the account's mapping (`csv_mapping`), cell by cell (`csv_values`).

Amounts: money in is positive. A debit column's figure is money out whatever its sign; a
negative figure may also be written "(12.34)" or "12.34-". An amount has at most 2 decimals.
The opening and closing balances a CSV export rarely carries are given at upload instead.
"""

import csv
import datetime
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, BinaryIO

from banking.parsing.csv_mapping import CREDIT_MARKS, DEBIT_MARKS, validate_mapping
from banking.parsing.csv_values import parse_amount, parse_date
from banking.parsing.types import ParsedEntry, ParsedStatement, StatementFileError


def looks_like(head: bytes) -> bool:
    """Never: a CSV file says nothing of its layout; it is read only with an account's mapping."""
    return False


class _Reader:
    """Reads the cells of one row by the mapping; `where` is the row's line in the file."""

    def __init__(self, mapping: Mapping[str, Any], positions: dict[str, list[int]]):
        self.mapping = mapping
        self.positions = positions
        self.date_format = mapping.get("date_format", "iso")
        self.decimal = mapping.get("decimal_separator", ".")
        self.thousands = mapping.get("thousands_separator", "")
        self.debit_marks = {m.strip().upper() for m in mapping.get("debit_marks", DEBIT_MARKS)}
        self.credit_marks = {m.strip().upper() for m in mapping.get("credit_marks", CREDIT_MARKS)}

    def text(self, row: list[str], key: str) -> str:
        cells = [row[i].strip() if i < len(row) else "" for i in self.positions.get(key, [])]
        return " ".join(cell for cell in cells if cell)

    def date(self, row: list[str], key: str, where: str) -> datetime.date | None:
        text = self.text(row, key)
        if not text:
            return None
        parsed = parse_date(text, self.date_format)
        if parsed is None:
            raise StatementFileError(
                f"“{text}” in column {key} is not a date as the mapping writes them "
                f"({self.date_format}).",
                where,
            )
        return parsed

    def number(self, row: list[str], key: str, where: str) -> Decimal | None:
        text = self.text(row, key)
        if not text:
            return None
        value = parse_amount(text, self.decimal, self.thousands)
        if value is None:
            raise StatementFileError(
                f"“{text}” in column {key} is not an amount with “{self.decimal}” for decimals"
                + (f" and “{self.thousands}” between thousands." if self.thousands else "."),
                where,
            )
        return value

    def amount(self, row: list[str], where: str) -> Decimal:
        if "amount" in self.positions:
            amount = self.number(row, "amount", where)
            if amount is None:
                raise StatementFileError("the amount is empty.", where)
            if "indicator" in self.positions:
                mark = self.text(row, "indicator").upper()
                if mark in self.debit_marks:
                    return -abs(amount)
                if mark in self.credit_marks:
                    return abs(amount)
                raise StatementFileError(
                    f"“{mark}” in column indicator is neither a debit mark "
                    f"({', '.join(sorted(self.debit_marks))}) nor a credit mark "
                    f"({', '.join(sorted(self.credit_marks))}).",
                    where,
                )
            return amount
        debit = self.number(row, "debit", where)
        credit = self.number(row, "credit", where)
        if debit is None and credit is None:
            raise StatementFileError("both the debit and the credit column are empty.", where)
        if debit and credit:
            raise StatementFileError("the row has both a debit and a credit amount.", where)
        if debit:
            return -abs(debit)
        return abs(credit or Decimal("0"))


def _rows(source: BinaryIO, mapping: Mapping[str, Any]) -> Iterator[tuple[int, list[str]]]:
    """The file's rows with the line each starts on, decoded as the mapping says (line by line,
    so that a byte the encoding does not have is reported on its line)."""
    lines = _NumberedLines(source, mapping.get("encoding", "utf-8"))
    reader = csv.reader(lines, delimiter=mapping.get("delimiter", ";"), strict=True)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise StatementFileError(f"not a CSV row ({error}).", f"line {lines.line}") from None
        yield lines.first_of_row, row


class _NumberedLines:
    """The decoded lines of a file, counted, so that a row's message names the line it starts
    on (a quoted cell may span several lines). The four encodings agree with ASCII on the line
    feed, so the file is split into lines before it is decoded."""

    def __init__(self, source: BinaryIO, encoding: str):
        self.source = source
        self.encoding = encoding
        self.line = 0
        self.first_of_row = 1
        self._in_quotes = False

    def __iter__(self) -> "_NumberedLines":
        return self

    def __next__(self) -> str:
        raw = self.source.readline()
        if not raw:
            raise StopIteration
        self.line += 1
        try:
            # "utf-8-sig" drops a BOM anywhere it starts a chunk: only the first line has one.
            codec = (
                "utf-8-sig"
                if self.encoding.startswith("utf-8") and self.line == 1
                else ("utf-8" if self.encoding.startswith("utf-8") else self.encoding)
            )
            line = raw.decode(codec)
        except UnicodeDecodeError:
            raise StatementFileError(
                f"the file is not written in {self.encoding}: change the mapping's encoding.",
                f"line {self.line}",
            ) from None
        if not self._in_quotes:
            self.first_of_row = self.line
        if line.count('"') % 2 == 1:
            self._in_quotes = not self._in_quotes
        return line


def _positions(
    mapping: Mapping[str, Any], header: list[str] | None, where: str
) -> dict[str, list[int]]:
    names = [cell.strip() for cell in header] if header is not None else []
    folded = [name.casefold() for name in names]
    positions: dict[str, list[int]] = {}
    for key, value in mapping["columns"].items():
        if value in ("", None):
            continue
        found = []
        for column in value if isinstance(value, list) else [value]:
            if isinstance(column, int):
                found.append(column - 1)
                continue
            try:
                found.append(folded.index(column.strip().casefold()))
            except ValueError:
                raise StatementFileError(
                    f"the header has no column “{column}” (for {key}); it has: "
                    + ", ".join(f"“{name}”" for name in names if name)
                    + ".",
                    where,
                ) from None
        positions[key] = found
    return positions


def parse(
    source: BinaryIO,
    *,
    mapping: Mapping[str, Any],
    currency: str = "",
    account_iban: str = "",
    account_other_id: str = "",
    opening_balance: Decimal | None = None,
    closing_balance: Decimal | None = None,
    opening_date: datetime.date | None = None,
    closing_date: datetime.date | None = None,
    **options: Any,
) -> list[ParsedStatement]:
    """One statement of the entries in a CSV export, read with the account's mapping. The
    file names no account: the caller gives the account's identifiers and currency, and the
    balances if the treasurer gave them at upload."""
    problems = validate_mapping(mapping)
    if problems:
        raise StatementFileError("the account's CSV mapping is not usable: " + problems[0])
    header_wanted = mapping.get("header", True)
    skip = mapping.get("skip_rows", 0)
    positions: dict[str, list[int]] | None = (
        None if header_wanted else _positions(mapping, None, "")
    )
    needed = max((i for found in (positions or {}).values() for i in found), default=0)
    reader = _Reader(mapping, positions or {})
    entries: list[ParsedEntry] = []
    seen = 0
    for line, row in _rows(source, mapping):
        seen += 1
        if seen <= skip:
            continue
        if positions is None:
            positions = _positions(mapping, row, f"line {line}")
            needed = max(i for found in positions.values() for i in found)
            reader = _Reader(mapping, positions)
            continue
        if not any(cell.strip() for cell in row):
            continue
        where = f"line {line}"
        if len(row) <= needed:
            raise StatementFileError(
                f"the row has {len(row)} columns; the mapping reads column {needed + 1}.", where
            )
        booking = reader.date(row, "booking_date", where)
        if booking is None:
            raise StatementFileError("the booking date is empty.", where)
        entries.append(
            ParsedEntry(
                amount=reader.amount(row, where),
                booking_date=booking,
                value_date=reader.date(row, "value_date", where),
                bank_reference=reader.text(row, "bank_reference")[:140],
                remittance_information=reader.text(row, "remittance"),
                counterparty_name=reader.text(row, "counterparty_name")[:140],
                counterparty_iban=re.sub(r"\s+", "", reader.text(row, "counterparty_iban")).upper(),
                bank_transaction_code=reader.text(row, "bank_transaction_code")[:35],
                where=where,
            )
        )
    if positions is None:
        raise StatementFileError("the file has no header row: is the mapping's skip_rows right?")
    days = [entry.booking_date for entry in entries]
    return [
        ParsedStatement(
            format="csv",
            currency=currency,
            account_iban=account_iban,
            account_other_id=account_other_id,
            opening_balance=opening_balance,
            opening_date=opening_date
            or (min(days) if days and opening_balance is not None else None),
            closing_balance=closing_balance,
            closing_date=closing_date
            or (max(days) if days and closing_balance is not None else None),
            entries=entries,
        )
    ]

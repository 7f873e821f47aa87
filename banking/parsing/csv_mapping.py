"""Reading a bank's CSV export with the column mapping saved on the account (pure: no Django).

Banks with nothing better (no camt.053, MT940 or OFX) export CSV, each in its own layout: a
German savings bank's "CSV-CAMT" export in Windows-1252 with `;` and "1.234,56", a US bank's
with month-first dates and separate debit and credit columns, a UK bank's in UTF-8 with a byte
order mark. Nothing in such a file says which layout it is, so a CSV file is never sniffed
(`looks_like` is False): the treasurer describes the layout once, as the account's mapping, and
every upload is read with it.

A mapping is a JSON object:

    encoding            "utf-8" (default; a BOM is skipped), "utf-8-sig", "cp1252", "latin-1"
    delimiter           ";" (default), "," or "\t"
    skip_rows           rows before the header (a bank's title lines), default 0
    header              whether a header row follows them, default true
    date_format         "day-first" (31.12.2026, 31/12/26), "month-first" (12/31/2026), "iso"
                        (2026-12-31), or a strptime format such as "%d.%m.%Y"; default "iso"
    decimal_separator   "." (default) or ","
    thousands_separator "", ".", ",", " " or "'"; default ""
    columns             where each value is: a header's text ("Buchungstag") or a position
                        counted from 1; `remittance` may list several, joined with a space
        booking_date    required
        amount          one signed amount; or `debit` and `credit` (two columns); or `amount`
                        and `indicator` (a column saying "D"/"C", see below)
        value_date, counterparty_name, counterparty_iban, remittance, bank_reference,
        bank_transaction_code    optional
    debit_marks, credit_marks   the indicator's words, default ["D", "DR", "DEBIT", "S"] and
                        ["C", "CR", "CREDIT", "H"] (German Soll/Haben), compared upper-case

Amounts: money in is positive. A debit column's figure is money out whatever its sign; a
negative figure may also be written "(12.34)" or "12.34-". An amount has at most 2 decimals.
The opening and closing balances a CSV export rarely carries are given at upload instead.
"""

import csv
import datetime
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

from banking.parsing.types import ParsedEntry, ParsedStatement, StatementFileError
from coop.texts import Text, gettext_noop

ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1")
DELIMITERS = (";", ",", "\t")
DATE_STYLES = ("day-first", "month-first", "iso")
DECIMAL_SEPARATORS = (".", ",")
THOUSANDS_SEPARATORS = ("", ".", ",", " ", "'")
COLUMN_KEYS = (
    "booking_date",
    "value_date",
    "amount",
    "debit",
    "credit",
    "indicator",
    "counterparty_name",
    "counterparty_iban",
    "remittance",
    "bank_reference",
    "bank_transaction_code",
)
KEYS = (
    "encoding",
    "delimiter",
    "skip_rows",
    "header",
    "date_format",
    "decimal_separator",
    "thousands_separator",
    "columns",
    "debit_marks",
    "credit_marks",
)
DEBIT_MARKS = ("D", "DR", "DEBIT", "S")
CREDIT_MARKS = ("C", "CR", "CREDIT", "H")
MAX_SKIP_ROWS = 100
CENT = Decimal("0.01")


def looks_like(head: bytes) -> bool:
    """Never: a CSV file says nothing of its layout; it is read only with an account's mapping."""
    return False


Problem = tuple[str, Text]  # the mapping's key, and what is wrong with it

_POSITION = gettext_noop("give a header's text or a position counted from 1.")


def _column_problem(key: str, value: Any, header: bool) -> Problem | None:
    where = f"columns.{key}"
    if isinstance(value, bool) or not isinstance(value, int | str):
        return where, Text(_POSITION)
    if isinstance(value, int):
        return None if value >= 1 else (where, Text(gettext_noop("a position is counted from 1.")))
    if not value.strip():
        return where, Text(gettext_noop("the header's text is empty."))
    if not header:
        return where, Text(gettext_noop("the file has no header row: give a position."))
    return None


def _columns_problems(columns: Any, header: bool) -> list[Problem]:
    if not isinstance(columns, Mapping):
        return [
            (
                "columns",
                Text(
                    gettext_noop(
                        "give an object naming the file's columns (booking_date, amount…)."
                    )
                ),
            )
        ]
    problems: list[Problem] = [
        (f"columns.{key}", Text(gettext_noop("not a column Cooperage reads.")))
        for key in columns
        if key not in COLUMN_KEYS
    ]
    for key in COLUMN_KEYS:
        if key not in columns or columns[key] in ("", None):
            continue
        values = columns[key]
        if key == "remittance" and isinstance(values, list):
            if not values:
                problems.append((f"columns.{key}", Text(gettext_noop("the list is empty."))))
        else:
            values = [values]
        for value in values:
            problem = _column_problem(key, value, header)
            if problem:
                problems.append(problem)
    named = {key for key in COLUMN_KEYS if columns.get(key) not in ("", None)}
    if "booking_date" not in named:
        problems.append(
            ("columns.booking_date", Text(gettext_noop("the booking date's column is needed.")))
        )
    has_amount, has_debit, has_credit = "amount" in named, "debit" in named, "credit" in named
    if has_amount and (has_debit or has_credit):
        problems.append(
            (
                "columns.amount",
                Text(gettext_noop("give one amount column, or debit and credit, not both.")),
            )
        )
    elif not has_amount and not (has_debit and has_credit):
        which = "credit" if has_debit else "debit" if has_credit else "amount"
        problems.append(
            (
                f"columns.{which}",
                Text(
                    gettext_noop("give the amount's column, or both a debit and a credit column.")
                ),
            )
        )
    if "indicator" in named and not has_amount:
        problems.append(
            (
                "columns.indicator",
                Text(gettext_noop("a debit/credit indicator goes with one amount column.")),
            )
        )
    return problems


def _marks_problem(key: str, value: Any) -> Problem | None:
    if not isinstance(value, list) or not value:
        return key, Text(gettext_noop('give a list of words, such as ["D", "S"].'))
    if not all(isinstance(mark, str) and mark.strip() for mark in value):
        return key, Text(gettext_noop('each mark is a word, such as "D".'))
    return None


def mapping_problems(mapping: Any) -> list[Problem]:
    """What is wrong with a mapping: each problem as the key it is about ("columns.amount")
    and a `Text` to translate for the reader; empty when the mapping can read a file."""
    if not isinstance(mapping, Mapping):
        return [("mapping", Text(gettext_noop("give an object with the file's columns.")))]
    problems: list[Problem] = [
        (str(key), Text(gettext_noop("not a setting of a CSV mapping.")))
        for key in mapping
        if key not in KEYS
    ]
    if mapping.get("encoding", "utf-8") not in ENCODINGS:
        problems.append(
            (
                "encoding",
                Text(gettext_noop("one of %(choices)s."), {"choices": ", ".join(ENCODINGS)}),
            )
        )
    if mapping.get("delimiter", ";") not in DELIMITERS:
        problems.append(("delimiter", Text(gettext_noop('one of ";", "," or a tab.'))))
    skip = mapping.get("skip_rows", 0)
    if isinstance(skip, bool) or not isinstance(skip, int) or not 0 <= skip <= MAX_SKIP_ROWS:
        problems.append(
            (
                "skip_rows",
                Text(gettext_noop("a whole number from 0 to %(max)s."), {"max": MAX_SKIP_ROWS}),
            )
        )
    header = mapping.get("header", True)
    if not isinstance(header, bool):
        problems.append(("header", Text(gettext_noop("true or false."))))
        header = True
    date_format = mapping.get("date_format", "iso")
    if not isinstance(date_format, str) or (
        date_format not in DATE_STYLES and not _is_strptime_format(date_format)
    ):
        problems.append(
            (
                "date_format",
                Text(
                    gettext_noop(
                        '"day-first", "month-first", "iso", or a format such as %(example)s.'
                    ),
                    {"example": '"%d.%m.%Y"'},
                ),
            )
        )
    decimal_separator = mapping.get("decimal_separator", ".")
    if decimal_separator not in DECIMAL_SEPARATORS:
        problems.append(("decimal_separator", Text(gettext_noop('"." or ",".'))))
    thousands = mapping.get("thousands_separator", "")
    if thousands not in THOUSANDS_SEPARATORS:
        problems.append(
            (
                "thousands_separator",
                Text(gettext_noop('empty, ".", ",", a space or "\'".')),
            )
        )
    elif thousands and thousands == decimal_separator:
        problems.append(
            (
                "thousands_separator",
                Text(gettext_noop("it cannot be the decimal separator too.")),
            )
        )
    problems += _columns_problems(mapping.get("columns"), header)
    for key in ("debit_marks", "credit_marks"):
        if key in mapping:
            problem = _marks_problem(key, mapping[key])
            if problem:
                problems.append(problem)
    return problems


def validate_mapping(mapping: Any) -> list[str]:
    """What is wrong with a mapping, one sentence per problem, each starting with the key it is
    about ("columns.amount: …"), in English; empty when the mapping can read a file."""
    return [f"{key}: {text}" for key, text in mapping_problems(mapping)]


def _is_strptime_format(text: str) -> bool:
    if "%" not in text or not re.search(r"%[dmyYbB]", text):
        return False
    try:
        datetime.datetime(2026, 12, 31).strftime(text)
    except ValueError:
        return False
    return True


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


_DAY_FIRST = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$")


def parse_date(text: str, date_format: str) -> datetime.date | None:
    """A day as the mapping writes it, or None. Two-digit years are 2000-2099."""
    try:
        if date_format == "iso":
            match = _ISO.match(text)
            return datetime.date(*map(int, match.groups())) if match else None
        if date_format in ("day-first", "month-first"):
            match = _DAY_FIRST.match(text)
            if not match:
                return None
            first, second, year = match.groups()
            day, month = (first, second) if date_format == "day-first" else (second, first)
            full_year = int(year) + 2000 if len(year) == 2 else int(year)
            return datetime.date(full_year, int(month), int(day))
        return datetime.datetime.strptime(text, date_format).date()
    except ValueError:
        return None


_AMOUNT = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")


def parse_amount(text: str, decimal: str = ".", thousands: str = "") -> Decimal | None:
    """A signed amount: "-1.234,56" with "," and "."; "(12.34)" and "12.34-" are negative; a
    currency sign or code next to the figure is left out. None if it is no amount."""
    figure = re.sub(r"[\s\u00a0\u202f]", "", text) if thousands != " " else text.strip()
    figure = re.sub(r"^[A-Z]{3}|[A-Z]{3}$", "", figure).strip()
    figure = figure.replace("€", "").replace("$", "").replace("£", "").strip()
    negative = False
    if figure.startswith("(") and figure.endswith(")"):
        negative, figure = True, figure[1:-1]
    if figure.endswith("-"):
        negative, figure = True, figure[:-1]
    elif figure.startswith("-") or figure.startswith("+"):
        negative, figure = figure[0] == "-", figure[1:]
    if thousands:
        groups = figure.split(decimal)[0].split(thousands)
        if len(groups) > 1 and (
            not 1 <= len(groups[0]) <= 3 or any(len(group) != 3 for group in groups[1:])
        ):
            return None
        figure = figure.replace(thousands, "").replace("\u00a0", "")
    figure = figure.replace(decimal, ".") if decimal != "." else figure
    if not _AMOUNT.match(figure):
        return None
    try:
        value = Decimal(figure)
    except InvalidOperation:
        return None
    if value != value.quantize(CENT):
        return None
    return -value.quantize(CENT) if negative else value.quantize(CENT)


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

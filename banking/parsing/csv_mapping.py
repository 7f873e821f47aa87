"""The column mapping saved on a bank account for its CSV export, and its checks (pure: no Django).

Banks with nothing better (no camt.053, MT940 or OFX) export CSV, each in its own layout: a
German savings bank's "CSV-CAMT" export in Windows-1252 with `;` and "1.234,56", a US bank's
with month-first dates and separate debit and credit columns, a UK bank's in UTF-8 with a byte
order mark. Nothing in such a file says which layout it is, so a CSV file is never sniffed
(`csv_statement.looks_like` is False): the treasurer describes the layout once, as the account's
mapping, and every upload is read with it (`csv_statement.parse`).

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
"""

import datetime
import re
from collections.abc import Mapping
from typing import Any

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

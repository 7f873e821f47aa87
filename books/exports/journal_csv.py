"""The journal as CSV: one row per line of an entry (docs/books.md, "Exports").

Columns: date (YYYY-MM-DD), entry (the entry's id), kind, description, account_number,
account_name, debit, credit (one of the two filled, a positive amount with a point as decimal
separator), member (the member of a member's sub-ledger line), memo, source ("billing.invoice:12",
what the entry records). UTF-8, commas, text cells guarded against spreadsheet formulas
(`coop.spreadsheet`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from books.exports.period import Period, rows
from books.exports.streaming import encoded
from coop.models import Cooperative
from coop.spreadsheet import SpreadsheetSafeWriter

COLUMNS = (
    "date", "entry", "kind", "description", "account_number", "account_name", "debit",
    "credit", "member", "memo", "source",
)  # fmt: skip


class _Line:
    """A file-like object that hands back what is written to it: one CSV row at a time."""

    def write(self, text: str) -> str:
        return text


def chunks(cooperative: Cooperative, period: Period) -> Iterator[bytes]:
    """The file, in pieces."""
    return encoded(_lines(cooperative, period))


def _lines(cooperative: Cooperative, period: Period) -> Iterator[str]:
    writer: Any = SpreadsheetSafeWriter(_Line())  # type: ignore[arg-type]
    yield writer.writerow(COLUMNS)
    for row in rows(cooperative, period):
        yield writer.writerow(
            [
                row.date.isoformat(), row.entry_id, row.kind, row.description, row.number,
                row.name, row.amount if row.amount > 0 else None,
                -row.amount if row.amount < 0 else None, row.member, row.memo, row.source,
            ]
        )  # fmt: skip

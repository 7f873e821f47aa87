"""docs/books.md's worked month is what the journal holds: the month is built through the
services (tests/books/worked_month.py) and its entries are compared with the doc's table, parsed
from the page, so that the doc cannot drift from the code."""

import datetime
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from books import periods
from books.models import JournalEntry
from books.ties import ties_to_money_pages
from tests.books.worked_month import OCTOBER, worked_month

DOC = Path(__file__).resolve().parents[2] / "docs" / "books.md"
MARKER = "<!-- worked-month:"

Line = tuple[str, Decimal, str]  # account number, signed amount, member's name ("" for none)
Entry = tuple[datetime.date, str, tuple[Line, ...]]


def _amount(cell: str) -> Decimal:
    return Decimal(cell.replace(",", "")) if cell else Decimal(0)


def doc_entries() -> list[Entry]:
    """The entries of the doc's table: a row with a date starts an entry, the kind in
    backticks; each row is a line (account number first, debit or credit)."""
    text = DOC.read_text()
    assert MARKER in text, "docs/books.md lost its worked month"
    rows = []
    for line in text[text.index(MARKER) :].splitlines():
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif rows:
            break  # the table's end
    header, rule, *body = rows
    assert header == ["date", "entry", "account", "member", "debit", "credit"]
    assert set("".join(rule)) <= set("-: ")
    entries: list[tuple[datetime.date, str, list[Line]]] = []
    for day, entry, account, member, debit, credit in body:
        if day:
            kind = re.search(r"`([a-z_]+)`", entry)
            assert kind, f"no kind in backticks: {entry}"
            entries.append((datetime.date.fromisoformat(day), kind.group(1), []))
        assert bool(debit) != bool(credit), f"a line is a debit or a credit: {account}"
        entries[-1][2].append((account.split()[0], _amount(debit) - _amount(credit), member))
    return [(day, kind, tuple(sorted(lines))) for day, kind, lines in entries]


def journal_entries(cooperative) -> list[Entry]:
    found = []
    for entry in JournalEntry.objects.filter(cooperative=cooperative).prefetch_related(
        "lines__account", "lines__member__user"
    ):
        lines = tuple(
            sorted(
                (line.account.number, line.amount, line.member.display_name if line.member else "")
                for line in entry.lines.all()
            )
        )
        found.append((entry.date, entry.kind, lines))
    return found


def test_the_doc_s_table_is_read_whole():
    entries = doc_entries()
    assert [kind for _day, kind, _lines in entries] == [
        "invoice_issued", "payment_received", "expense", "distribution", "payout", "payout",
        "payout",
    ]  # fmt: skip
    for _day, _kind, lines in entries:
        assert sum(amount for _number, amount, _member in lines) == 0


@pytest.mark.django_db
def test_the_worked_month_books_exactly_the_doc_s_entries(clock):
    world = worked_month(clock)
    assert Counter(journal_entries(world.cooperative)) == Counter(doc_entries())
    october = ties_to_money_pages(world.cooperative, periods.month(OCTOBER))
    assert october.all_tie
    assert {tie.key: tie.page for tie in october.ties}["revenue"] == Decimal("10000.00")

"""The beancount ledger: beancount's own loader reads it without an error and finds, for each
account, the balance a SQL sum over Cooperage's journal finds."""

from decimal import Decimal

import pytest
from beancount import loader
from beancount.core import data, realization
from django.db import connection

from books.exports.beancount import account_name
from books.exports.files import export
from tests.books.export_factories import a_year, german_coop, treasurer_of


def ledger(treasurer, params) -> str:
    return b"".join(export(actor=treasurer, format="beancount", params=params).chunks).decode()


def journal_sums(cooperative, start, end):
    """Cooperage's side: one SQL sum per account over the period."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.type, a.number, a.name, SUM(l.amount) FROM books_journalline l "
            "JOIN books_journalentry e ON e.id = l.entry_id "
            "JOIN books_ledgeraccount a ON a.id = l.account_id "
            "WHERE e.cooperative_id = %s AND e.date BETWEEN %s AND %s "
            "GROUP BY a.type, a.number, a.name",
            [cooperative.pk, start, end],
        )
        # SQLite sums decimals as floats: back to cents
        return {
            account_name(t, n, name): Decimal(str(total)).quantize(Decimal("0.01"))
            for t, n, name, total in cursor
        }


@pytest.mark.django_db
@pytest.mark.parametrize("params, start, end", [
    ({"year": "2026"}, "2026-01-01", "2026-12-31"),
    ({"from": "2026-03-15", "to": "2026-06-20"}, "2026-03-15", "2026-06-20"),
])  # fmt: skip
def test_beancount_reads_the_same_balances(params, start, end):
    cooperative = german_coop()
    a_year(cooperative)
    text = ledger(treasurer_of(cooperative), params)
    entries, errors, options = loader.load_string(text)
    assert errors == []
    assert options["operating_currency"] == ["EUR"]
    transactions = [entry for entry in entries if isinstance(entry, data.Transaction)]
    assert transactions and all(str(t.date) >= start for t in transactions)
    root = realization.realize(entries)
    balances = {}
    for account in realization.iter_children(root):
        if account.txn_postings and account.account:
            position = account.balance.get_currency_units("EUR")
            balances[account.account] = position.number
    expected = journal_sums(cooperative, start, end)
    assert {k: v for k, v in balances.items() if v} == {k: v for k, v in expected.items() if v}
    assert 'member: "Ana 0"' in text


def test_account_names_are_beancount_names():
    assert account_name("asset", "1400", "Forderungen aus Lieferungen und Leistungen") == (
        "Assets:1400-ForderungenAusLieferungenUndLeistungen"
    )
    vat = account_name("liability", "1776", "Umsatzsteuer 19 %")
    assert vat == "Liabilities:1776-Umsatzsteuer19"
    assert account_name("equity", "0810", "Geschäftsguthaben") == "Equity:0810-Geschaftsguthaben"
    assert account_name("income", "705", "Prestaciones de servicios") == (
        "Income:705-PrestacionesDeServicios"
    )
    assert account_name("expense", "6000", "") == "Expenses:6000"

"""The reports, checked by hand on a small set of books (tests/books/example_books.py): the
trial balance's debits equal its credits, the balance sheet balances with the result not yet
closed as equity, the income statement's result is income − expenses; a fixed number of
queries whatever the size."""

import datetime
from decimal import Decimal

import pytest

from books import balances, periods, reports
from tests.books.example_books import D, post, worked_books
from tests.factories import MemberFactory

OCTOBER = periods.month(datetime.date(2026, 10, 1))
YEAR = periods.year(2026)


@pytest.fixture
def books(cooperative):
    alice = MemberFactory(cooperative=cooperative)
    bob = MemberFactory(cooperative=cooperative)
    worked_books(cooperative, alice, bob)
    return alice, bob


def by_number(rows):
    return {row.account.number: row for row in rows}


@pytest.mark.django_db
def test_the_trial_balance_of_october(cooperative, books):
    trial = reports.trial_balance(cooperative, OCTOBER)
    rows = by_number(trial.rows)
    figures = {
        number: (row.debits, row.credits, row.debit_balance, row.credit_balance)
        for number, row in rows.items()
    }
    assert figures == {
        "1010": (D("1190.00"), D("210.00"), D("1580.00"), D("0")),
        "1100": (D("1190.00"), D("1190.00"), D("0"), D("0")),
        "2200": (D("0"), D("190.00"), D("0"), D("190.00")),
        "2300": (D("0"), D("442.40"), D("0"), D("442.40")),
        "2400": (D("0"), D("118.50"), D("0"), D("118.50")),
        "3000": (D("0"), D("110.60"), D("0"), D("610.60")),
        "3200": (D("0"), D("79.00"), D("0"), D("79.00")),
        "3300": (D("0"), D("39.50"), D("0"), D("39.50")),
        "3900": (D("790.00"), D("0"), D("790.00"), D("0")),
        "4000": (D("0"), D("1000.00"), D("0"), D("1000.00")),
        "4900": (D("0"), D("0"), D("0"), D("100.00")),
        "6000": (D("200.00"), D("0"), D("200.00"), D("0")),
        "6100": (D("10.00"), D("0"), D("10.00"), D("0")),
    }
    assert trial.debits == trial.credits == D("3380.00")
    assert trial.debit_balances == trial.credit_balances == D("2580.00")
    assert rows["1010"].opening == D("600.00")


@pytest.mark.django_db
def test_the_balance_sheet_balances_with_the_result_as_equity(cooperative, books):
    sheet = reports.balance_sheet(cooperative, OCTOBER)
    assert sheet.assets.total == D("1580.00")
    assert sheet.liabilities.total == D("750.90")
    assert sheet.equity.total == D("-60.90")  # the surplus account, debited by the distribution
    assert sheet.result_of_period == D("790.00")
    assert sheet.result_before == D("100.00")  # September's workshop, never closed
    assert sheet.equity_total == D("829.10")
    assert sheet.liabilities_and_equity == sheet.assets.total
    assert sheet.balances
    september = reports.balance_sheet(cooperative, periods.month(datetime.date(2026, 9, 1)))
    assert (september.assets.total, september.equity_total) == (D("600.00"), D("600.00"))
    assert september.result_before == 0


@pytest.mark.django_db
def test_the_income_statement(cooperative, books):
    october = reports.income_statement(cooperative, OCTOBER)
    assert [(r.account.number, r.movement) for r in october.income.rows] == [("4000", D("1000.00"))]
    assert [(r.account.number, r.movement) for r in october.expenses.rows] == [
        ("6000", D("200.00")),
        ("6100", D("10.00")),
    ]
    assert october.result == D("790.00")
    year = reports.income_statement(cooperative, YEAR)
    assert (year.income.movement, year.expenses.movement, year.result) == (
        D("1100.00"), D("210.00"), D("890.00"),
    )  # fmt: skip


@pytest.mark.django_db
def test_a_period_without_entries_is_refused(cooperative, books):
    november = periods.month(datetime.date(2026, 11, 1))
    for report in (reports.trial_balance, reports.balance_sheet, reports.income_statement):
        with pytest.raises(reports.NoBooks) as refused:
            report(cooperative, november)
        assert refused.value.status == 404
        assert "no entries in November 2026" in refused.value.message


@pytest.mark.django_db
def test_a_reversal_takes_the_figures_back(cooperative, books):
    from books import journal
    from books.models import JournalEntry

    fee = JournalEntry.objects.get(kind="bank_fee")
    journal.reverse(fee, date=datetime.date(2026, 10, 20))
    october = reports.income_statement(cooperative, OCTOBER)
    assert october.result == D("800.00")
    assert reports.balance_sheet(cooperative, OCTOBER).balances


@pytest.mark.django_db
def test_the_running_balances(cooperative, books):
    shown = {row.role: row.balance for row in balances.role_balances(cooperative)}
    assert shown == {
        "reserve_fund": D("79.00"),
        "education_fund": D("39.50"),
        "commons_payable": D("118.50"),
        "members_capital": D("610.60"),
        "bank": D("1580.00"),
    }
    in_september = balances.role_balances(cooperative, on=datetime.date(2026, 9, 30))
    assert {row.role: row.balance for row in in_september}["bank"] == D("600.00")


@pytest.mark.django_db
def test_members_capital_is_the_sum_of_the_members(cooperative, books):
    alice, bob = books
    capital = balances.members_capital(cooperative)
    assert [(row.member, row.balance) for row in capital.members] == [
        (alice, D("560.00")),
        (bob, D("50.60")),
    ]
    account_total = {row.role: row.balance for row in balances.role_balances(cooperative)}
    assert capital.total == account_total["members_capital"] == D("610.60")


@pytest.mark.django_db
def test_what_each_fund_received_and_spent(cooperative, books):
    alice, _bob = books
    post(cooperative, datetime.date(2026, 12, 2), "payout", "Commons paid", [
        ("commons_payable", D("100.00")), ("bank", D("-100.00")),
    ])  # fmt: skip
    histories = {h.role: h for h in balances.fund_histories(cooperative, YEAR)}
    assert list(histories) == ["reserve_fund", "education_fund", "commons_payable",
                               "members_capital"]  # fmt: skip
    capital = histories["members_capital"]
    assert [(m.month, m.received, m.spent) for m in capital.months] == [
        (datetime.date(2026, 9, 1), D("500.00"), D("0")),
        (datetime.date(2026, 10, 1), D("110.60"), D("0")),
    ]
    commons = histories["commons_payable"]
    assert [(m.month, m.received, m.spent) for m in commons.months] == [
        (datetime.date(2026, 10, 1), D("118.50"), D("0")),
        (datetime.date(2026, 12, 1), D("0"), D("100.00")),
    ]
    assert (commons.opening, commons.closing) == (D("0"), D("18.50"))
    december = balances.fund_histories(cooperative, periods.month(datetime.date(2026, 12, 1)))
    reserve = next(h for h in december if h.role == "reserve_fund")
    assert (reserve.opening, reserve.months, reserve.closing) == (D("79.00"), [], D("79.00"))


def _grow(cooperative, members, months):
    """More entries in more months, and more members with capital."""
    for number in range(months):
        day = datetime.date(2025, 1 + number % 12, 1 + number % 28)
        for member in members:
            post(cooperative, day, "capital", "Share", [
                ("bank", Decimal("1.00")), ("members_capital", Decimal("-1.00"), member),
            ])  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 6])
def test_a_fixed_number_of_queries(cooperative, books, size, django_assert_num_queries):
    members = [MemberFactory(cooperative=cooperative) for _ in range(size)]
    _grow(cooperative, members, size * 2)
    with django_assert_num_queries(2):  # whether the period has entries, the sums
        reports.trial_balance(cooperative, YEAR)
    with django_assert_num_queries(2):
        reports.balance_sheet(cooperative, YEAR)
    with django_assert_num_queries(2):
        reports.income_statement(cooperative, YEAR)
    with django_assert_num_queries(1):
        balances.role_balances(cooperative)
    with django_assert_num_queries(3):
        capital = balances.members_capital(cooperative)
    assert len(capital.members) == size + 2
    with django_assert_num_queries(2):
        balances.fund_histories(cooperative, YEAR)


@pytest.mark.django_db
def test_sums_are_exact_cents(cooperative):
    """SQLite adds decimals as floats (0.1 + 0.2 = 0.30000000000000004): the figures are
    read back to the cent, so that the debit and credit balances still agree."""
    from tests.books.example_books import install_generic

    install_generic(cooperative)
    day = datetime.date(2026, 1, 5)
    for amount in ("0.10", "0.20", "1293.67", "31.60", "0.01"):
        post(cooperative, day, "revenue", "r", [("bank", D(amount)), ("other_revenue", -D(amount))])
    post(cooperative, day, "expense", "e", [("expenses", D("0.73")), ("bank", D("-0.73"))])
    trial = reports.trial_balance(cooperative, YEAR)
    bank = by_number(trial.rows)["1010"]
    assert (bank.debits, bank.credits, bank.closing) == (D("1325.58"), D("0.73"), D("1324.85"))
    assert str(bank.closing) == "1324.85"
    assert trial.debit_balances == trial.credit_balances == D("1325.58")
    assert {r.role: str(r.balance) for r in balances.role_balances(cooperative)}["bank"] == (
        "1324.85"
    )

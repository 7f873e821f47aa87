"""The books' bank ties to the imported statements: a bank account's opening balance is booked
against opening balance equity (and rebooked when it changes, reversed when the account goes),
the backfill writes the openings of accounts from before the books, and the balances page and
API set the journal's bank next to each account's latest statement."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from banking import accounts as bank_accounts
from banking import opening_balances
from books import balances, sources
from books.charts import Role
from books.models import AccountMapping, EntryKind, JournalEntry
from tests.banking.factories_accounts import IBAN
from tests.banking.factories_accounts import bank_account as account_row
from tests.banking.factories_match import bank_statement, bank_transaction
from tests.billing.invoicing_factories import World
from tests.books.worked_month import issue, pay

D = Decimal
SEPTEMBER_30 = datetime.date(2026, 9, 30)
OCTOBER = datetime.date(2026, 10, 1)


@pytest.fixture
def world(clock, db):
    clock.set(datetime.datetime(2026, 10, 5, 9, tzinfo=datetime.UTC))
    return World()


def by_role(entry):
    roles = dict(
        AccountMapping.objects.filter(cooperative=entry.cooperative).values_list("account", "role")
    )
    return {roles[line.account_id]: line.amount for line in entry.lines.all()}


def openings(cooperative):
    return list(
        JournalEntry.objects.filter(
            cooperative=cooperative, source_type=opening_balances.SOURCE
        ).order_by("id")
    )


def open_account(world, balance="1000.00", **fields):
    fields = {"name": "GLS current", "iban": IBAN, "currency": "EUR"} | fields
    return bank_accounts.create_account(
        cooperative=world.cooperative, actor=world.treasurer, opening_balance=D(balance),
        opening_date=SEPTEMBER_30, **fields,
    )  # fmt: skip


def test_an_account_s_opening_balance_is_booked_on_its_day(world):
    account = open_account(world)
    [entry] = openings(world.cooperative)
    assert (entry.kind, entry.date) == (EntryKind.OPENING_BALANCE, SEPTEMBER_30)
    assert by_role(entry) == {Role.BANK: D("1000.00"), Role.OPENING_BALANCE_EQUITY: D("-1000.00")}
    assert entry.lines.get(amount__lt=0).account.number == "3950"
    bank_accounts.update_account(account=account, actor=world.treasurer, name="GLS")
    assert len(openings(world.cooperative)) == 1  # nothing the opening depends on changed
    bank_accounts.update_account(account=account, actor=world.treasurer, opening_balance="-250.00")
    first, reversal, overdraft = openings(world.cooperative)
    assert reversal.reverses == first and reversal.date == SEPTEMBER_30
    assert by_role(overdraft) == {Role.BANK: D("-250.00"), Role.OPENING_BALANCE_EQUITY: D("250")}
    bank_accounts.delete_account(account=account, actor=world.treasurer)
    assert openings(world.cooperative)[-1].reverses == overdraft
    assert balances.role_balances(world.cooperative, roles=(Role.BANK,))[0].balance == 0


def test_an_account_in_another_currency_or_empty_books_nothing(world):
    open_account(world, currency="USD")
    open_account(world, balance="0.00", iban="", other_identifier="12345678")
    assert openings(world.cooperative) == []


def test_the_backfill_books_the_openings_from_before_the_books_and_checks_them(world):
    account = account_row(world.cooperative, opening_balance=D("1500.00"))
    assert sources.check(world.cooperative)["banking.bankaccount"] == [
        "bank account Current account: opening 1500.00 on 2026-01-01, the journal 0.00"
    ]
    assert sources.backfill(world.cooperative)["banking.bankaccount"] == 1
    assert sources.backfill(world.cooperative)["banking.bankaccount"] == 0
    assert sources.check(world.cooperative)["banking.bankaccount"] == []
    type(account).objects.filter(pk=account.pk).update(opening_balance=D("1500.01"))
    assert sources.check(world.cooperative)["banking.bankaccount"] == [
        "bank account Current account: opening 1500.01 on 2026-01-01, the journal 1500.00 "
        "on 2026-01-01"
    ]


def statement_of_october(account, *amounts):
    """October's statement: its transactions and its closing balance, as an import leaves it."""
    statement = bank_statement(account)
    for day, amount in amounts:
        bank_transaction(
            account, amount, booking_date=OCTOBER.replace(day=day), statement=statement
        )
    statement.opening_balance, statement.opening_date = account.opening_balance, SEPTEMBER_30
    statement.closing_balance = account.opening_balance + sum(D(a) for _day, a in amounts)
    statement.closing_date = datetime.date(2026, 10, 31)
    statement.save()
    return statement


def test_the_bank_ties_to_the_statement_until_the_bank_does_what_the_books_do_not_know(
    world, clock
):
    account = open_account(world)
    invoice = issue(world, "10000.00")
    clock.set(datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC))
    pay(world, invoice, "12000.00", OCTOBER.replace(day=20))
    statement = statement_of_october(account, (20, "12000.00"))
    [tie] = balances.bank_tie(world.cooperative)
    assert (tie.account_name, tie.date, tie.statement, tie.books, tie.ties) == (
        "GLS current",
        datetime.date(2026, 10, 31),
        D("13000.00"),
        D("13000.00"),
        True,
    )
    # A fee the statement shows and nobody has reconciled yet.
    bank_transaction(
        account, "-4.50", booking_date=datetime.date(2026, 10, 31), statement=statement
    )
    type(statement).objects.filter(pk=statement.pk).update(closing_balance=D("12995.50"))
    [tie] = balances.bank_tie(world.cooperative)
    assert (tie.statement, tie.books, tie.difference, tie.ties) == (
        D("12995.50"),
        D("13000.00"),
        D("4.50"),
        False,
    )


def test_a_second_account_is_kept_apart_from_the_first(world):
    first = open_account(world)
    second = open_account(world, balance="300.00", iban="", other_identifier="87654321")
    statement_of_october(first, (3, "50.00"))
    statement_of_october(second)
    ties = balances.bank_tie(world.cooperative)
    assert [(t.account_name, t.statement, t.books, t.ties) for t in ties] == [
        ("GLS current", D("1050.00"), D("1000.00"), False),  # the 50.00 is not in the books
        ("GLS current", D("300.00"), D("250.00"), False),  # nor in the first account's
    ]


def test_the_balances_page_and_api_show_the_bank_tie(world, client):
    account = open_account(world)
    statement_of_october(account)
    client.force_login(world.ana.user)
    html = client.get(reverse("books-balances", args=[world.cooperative.slug])).content.decode()
    assert 'id="bank-tie"' in html and "The bank: the books and the statements" in html
    body = client.get(f"/api/v1/coops/{world.cooperative.slug}/books/balances/").json()
    assert body["bank_tie"] == [
        {"account_name": "GLS current", "date": "2026-10-31", "statement": "1000.00",
         "books": "1000.00", "difference": "0.00", "ties": True},
    ]  # fmt: skip


def test_the_opening_books_only_what_the_journal_lacks(world, clock):
    """Months kept before the bank import: the journal's bank holds their money already, so
    the opening books the rest, and the books tie to the statements that follow."""
    invoice = issue(world, "10000.00")
    clock.set(datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC))
    pay(world, invoice, "12000.00", OCTOBER.replace(day=20))  # the journal's bank: 12,000.00
    account = bank_accounts.create_account(
        cooperative=world.cooperative, actor=world.treasurer, name="GLS current", iban=IBAN,
        currency="EUR", opening_balance=D("12500.00"), opening_date=datetime.date(2026, 10, 31),
    )  # fmt: skip
    [entry] = openings(world.cooperative)
    assert by_role(entry) == {Role.BANK: D("500.00"), Role.OPENING_BALANCE_EQUITY: D("-500.00")}
    statement = bank_statement(account)
    bank_transaction(
        account, "-20.00", booking_date=datetime.date(2026, 11, 2), statement=statement
    )
    statement.closing_balance, statement.closing_date = D("12480.00"), datetime.date(2026, 11, 2)
    statement.save()
    [tie] = balances.bank_tie(world.cooperative)
    assert (tie.statement, tie.books, tie.difference) == (D("12480.00"), D("12500.00"), D("20.00"))
    assert sources.check(world.cooperative)["banking.bankaccount"] == []


@pytest.mark.django_db
def test_the_demo_s_bank_differs_by_what_is_not_reconciled(clock):
    from django.core.management import call_command

    from banking.models import BankTransaction, MatchStatus
    from coop.models import Cooperative

    clock.set(datetime.datetime(2027, 3, 10, 12, tzinfo=datetime.UTC))
    call_command("demo", quiet=True)
    cooperative = Cooperative.objects.get(slug="demo")
    [tie] = balances.bank_tie(cooperative)
    unreconciled = BankTransaction.objects.filter(account__cooperative=cooperative).exclude(
        matches__status=MatchStatus.CONFIRMED
    )
    not_reconciled = sum(unreconciled.values_list("amount", flat=True))
    assert not_reconciled == D("26243.92")  # a fee and two payments, only suggested
    # The demo records February's revenue by hand (14,400.00 + 6,950.00 + 2,550.00) and a
    # payment on 10 March (13,831.25) that its statements do not show.
    not_on_the_statements = D("14400.00") + D("6950.00") + D("2550.00") + D("13831.25")
    assert tie.difference == not_on_the_statements - not_reconciled == D("11487.33")
    assert sources.check(cooperative)["banking.bankaccount"] == []

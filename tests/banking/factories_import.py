"""Builders for the import tests: a co-op with a treasurer and an account, parsed statements,
and a fake parser module (`tests.banking.fake_parser`) that reads a tiny text format."""

import datetime
from decimal import Decimal

from banking.models import BankAccount
from banking.parsing.types import ParsedEntry, ParsedStatement
from tests.banking import factories_accounts as accounts
from tests.banking.factories_accounts import BIC, IBAN
from tests.factories import CooperativeFactory, MemberFactory

ONE_DAY = datetime.timedelta(days=1)
OTHER_IBAN = "AT611904300234573201"
DAY = datetime.date(2026, 11, 1)


def bank_account(cooperative, **kwargs) -> BankAccount:
    """The account the import tests' statements are of: opened the day before `DAY`."""
    values = {"name": "Giro", "bic": BIC, "currency": "EUR", "opening_date": DAY - ONE_DAY}
    return accounts.bank_account(cooperative, **(values | kwargs))


class World:
    def __init__(self, slug: str = "kooperative"):
        self.cooperative = CooperativeFactory(slug=slug)
        self.treasurer = MemberFactory(cooperative=self.cooperative, is_treasurer=True)
        self.member = MemberFactory(cooperative=self.cooperative)
        self.account = bank_account(self.cooperative)


def entry(amount: str, day: int = 2, n: int = 0, **kwargs) -> ParsedEntry:
    values = {
        "amount": Decimal(amount),
        "booking_date": DAY.replace(day=day),
        "remittance_information": f"Payment {n}",
        "counterparty_iban": OTHER_IBAN,
        "where": f"line {n + 1}",
    }
    values.update(kwargs)
    return ParsedEntry(**values)


def statement(
    entries: list[ParsedEntry],
    opening: str | None = "1000.00",
    *,
    closing: str | None = None,
    statement_id: str = "2026-11-1",
    iban: str = IBAN,
    currency: str = "EUR",
    first_day: int = 1,
    last_day: int = 30,
    fmt: str = "camt.053",
) -> ParsedStatement:
    total = sum((e.amount for e in entries), Decimal("0.00"))
    if closing is None and opening is not None:
        closing = str(Decimal(opening) + total)
    return ParsedStatement(
        format=fmt,
        currency=currency,
        account_iban=iban,
        statement_id=statement_id,
        opening_balance=None if opening is None else Decimal(opening),
        opening_date=DAY.replace(day=first_day),
        closing_balance=None if closing is None else Decimal(closing),
        closing_date=DAY.replace(day=last_day),
        entries=entries,
        where=f"Stmt[{statement_id}]",
    )


def many_entries(count: int, day: int = 2) -> list[ParsedEntry]:
    return [entry("1.00", day=day, n=n) for n in range(count)]

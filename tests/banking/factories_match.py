"""Bank accounts, statements and transactions built directly, and approved distributions with
cash lines, for the tests of matching and reconciling."""

import datetime
import hashlib
import itertools
from decimal import Decimal

from banking.models import BankAccount, BankStatement, BankTransaction
from coop.models import Cooperative
from payroll.models import Distribution, DistributionLine, DistributionPolicy
from tests.banking import factories_accounts as accounts

_serial = itertools.count(1)


def bank_account(cooperative: Cooperative, **fields) -> BankAccount:
    """An account opened empty, so that its balance is what the matched transactions make."""
    return accounts.bank_account(
        cooperative, **({"name": "Umweltbank", "opening_balance": Decimal("0.00")} | fields)
    )


def bank_statement(account: BankAccount) -> BankStatement:
    serial = next(_serial)
    return BankStatement.objects.create(
        account=account,
        format="camt.053",
        statement_id=f"STMT-{serial}",
        file_sha256=hashlib.sha256(str(serial).encode()).hexdigest(),
        imported_at=datetime.datetime(2026, 11, 1, 9, tzinfo=datetime.UTC),
    )


def bank_transaction(
    account: BankAccount,
    amount: str | Decimal,
    *,
    booking_date: datetime.date = datetime.date(2026, 10, 20),
    statement: BankStatement | None = None,
    **fields,
) -> BankTransaction:
    """A booked transaction: money in is positive."""
    serial = next(_serial)
    return BankTransaction.objects.create(
        account=account,
        statement=statement or bank_statement(account),
        booking_date=booking_date,
        value_date=booking_date,
        amount=Decimal(amount),
        fingerprint=hashlib.sha256(f"tx{serial}".encode()).hexdigest(),
        **fields,
    )


def approved_distribution(
    cooperative: Cooperative,
    cash: list[tuple[str, str, str]],
    *,
    month: datetime.date = datetime.date(2026, 9, 1),
) -> Distribution:
    """An approved distribution with one line per (kind, name, cash), each to an IBAN of its
    own, written as approving would leave them."""
    policy, _made = DistributionPolicy.objects.get_or_create(
        cooperative=cooperative, version=1, defaults={"method": "equal"}
    )
    distribution = Distribution.objects.create(
        cooperative=cooperative,
        month=month,
        policy=policy,
        status=Distribution.Status.APPROVED,
        currency=cooperative.currency,
        approved_at=datetime.datetime(2026, 10, 2, 9, tzinfo=datetime.UTC),
    )
    for n, (kind, name, amount) in enumerate(cash, start=1):
        DistributionLine.objects.create(
            distribution=distribution,
            kind=kind,
            name=name,
            iban=f"AT61190430023457320{n}",
            share=Decimal(amount),
            cash=Decimal(amount),
        )
    return distribution

"""Bank accounts and statements for the accounts tests, written directly (the services and the
importer are tested through their own surfaces)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from banking.models import BankAccount, BankStatement, BankTransaction

IBAN = "DE89370400440532013000"
BIC = "COBADEFFXXX"


def bank_account(cooperative, **kwargs) -> BankAccount:
    kwargs.setdefault("name", "Current account")
    if "other_identifier" not in kwargs:
        kwargs.setdefault("iban", IBAN)
    kwargs.setdefault("currency", cooperative.currency)
    kwargs.setdefault("opening_balance", Decimal("1000.00"))
    kwargs.setdefault("opening_date", datetime.date(2026, 1, 1))
    return BankAccount.objects.create(cooperative=cooperative, **kwargs)


def statement_with(account: BankAccount, *amounts: str) -> BankStatement:
    """A statement of the account holding one transaction per amount."""
    statement = BankStatement.objects.create(
        account=account,
        format="csv",
        file_sha256=f"{account.pk}-{BankStatement.objects.count()}".ljust(64, "0"),
        imported_at=timezone.now(),
        transaction_count=len(amounts),
    )
    for position, amount in enumerate(amounts):
        BankTransaction.objects.create(
            account=account,
            statement=statement,
            booking_date=datetime.date(2026, 2, 1 + position),
            amount=Decimal(amount),
            fingerprint=f"{statement.pk}-{position}",
        )
    return statement

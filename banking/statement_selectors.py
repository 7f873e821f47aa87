"""Reads of imported statements and transactions, scoped to one co-op, and an account's balance
over time (every member reads them: the co-op's bank is no secret among its members)."""

from django.db.models import QuerySet

from banking.models import BankAccount, BankStatement, BankTransaction
from coop.line_chart import BalancePoint
from coop.models import Cooperative


def statements_of(cooperative: Cooperative) -> QuerySet[BankStatement]:
    return BankStatement.objects.filter(account__cooperative=cooperative).select_related(
        "account", "imported_by__user"
    )


def transactions_of(cooperative: Cooperative) -> QuerySet[BankTransaction]:
    return BankTransaction.objects.filter(account__cooperative=cooperative).select_related(
        "account"
    )


def accounts_of(cooperative: Cooperative) -> QuerySet[BankAccount]:
    return BankAccount.objects.filter(cooperative=cooperative)


def balance_over_time(account: BankAccount) -> list[BalancePoint]:
    """The account's balance at its opening and at each statement's close, in date order: the
    statements' own closing balances, which the import checked continue each other."""
    points = [BalancePoint(account.opening_date, account.opening_balance)]
    closings = (
        BankStatement.objects.filter(account=account, closing_balance__isnull=False)
        .exclude(closing_date__isnull=True)
        .order_by("closing_date", "id")
        .values_list("closing_date", "closing_balance")
    )
    for day, balance in closings:
        if day is None or balance is None:  # excluded above; for the type checker
            continue
        if points and points[-1].day == day:
            points[-1] = BalancePoint(day, balance)
        else:
            points.append(BalancePoint(day, balance))
    return points

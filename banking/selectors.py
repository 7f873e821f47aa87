"""Reads of the co-op's bank accounts: every member sees them, with their balances."""

from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from banking.models import BankAccount, BankStatement, BankTransaction
from coop.models import Cooperative

MONEY: DecimalField = DecimalField(max_digits=14, decimal_places=2)


def accounts_with_balances(cooperative: Cooperative) -> QuerySet[BankAccount]:
    """The co-op's accounts, each with `balance` (the opening balance plus every imported
    transaction), `moved` (the transactions' sum) and `statement_count`; one query."""
    moved = (
        BankTransaction.objects.filter(account=OuterRef("pk"))
        .order_by()
        .values("account")
        .annotate(total=Coalesce(Sum("amount"), Value(Decimal("0.00")), output_field=MONEY))
        .values("total")
    )
    statements = (
        BankStatement.objects.filter(account=OuterRef("pk"))
        .order_by()
        .values("account")
        .annotate(count=Count("id"))
        .values("count")
    )
    return (
        BankAccount.objects.filter(cooperative=cooperative)
        .annotate(
            moved=Coalesce(Subquery(moved, output_field=MONEY), Value(Decimal("0.00"))),
            statement_count=Coalesce(Subquery(statements, output_field=IntegerField()), Value(0)),
        )
        .annotate(balance=ExpressionWrapper(F("opening_balance") + F("moved"), output_field=MONEY))
        .order_by("name", "id")
    )

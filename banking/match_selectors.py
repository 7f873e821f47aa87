"""Reads of the bank: the unmatched queue and the matches of a transaction."""

from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Abs, Coalesce

from banking.models import BankMatch, BankTransaction, MatchKind, MatchStatus
from coop.models import Cooperative


def with_matched_amounts(transactions: QuerySet[BankTransaction]) -> QuerySet[BankTransaction]:
    """Each transaction with `matched` (its confirmed parts, positive) and `set_aside`."""
    return transactions.annotate(
        matched=Coalesce(
            Sum("matches__amount", filter=Q(matches__status=MatchStatus.CONFIRMED)),
            Value(Decimal("0")),
        ),
        set_aside=Exists(
            BankMatch.objects.filter(transaction=OuterRef("pk"), kind=MatchKind.NOTHING)
        ),
    )


def unmatched_transactions(cooperative: Cooperative) -> QuerySet[BankTransaction]:
    """The unmatched queue: the co-op's transactions not matched in full and not set aside,
    oldest first, with `matched` (what part is matched already)."""
    return (
        with_matched_amounts(BankTransaction.objects.filter(account__cooperative=cooperative))
        .filter(set_aside=False)  # type: ignore[misc]  # an annotation
        .filter(matched__lt=Abs("amount"))  # type: ignore[misc]  # an annotation
        .select_related("account", "statement")
        .order_by("booking_date", "id")
    )


def suggestions(cooperative: Cooperative) -> QuerySet[BankMatch]:
    """The suggestions waiting for the treasurer, surest first, with their targets."""
    return (
        BankMatch.objects.filter(
            transaction__account__cooperative=cooperative, status=MatchStatus.SUGGESTED
        )
        .select_related(
            "transaction", "transaction__account", "invoice", "distribution_line", "expense"
        )
        .order_by("transaction__booking_date", "transaction_id", "-confidence", "id")
    )

"""Reads of the bank: the unmatched queue and the matches of a transaction."""

from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Abs, Coalesce

from banking.models import BankMatch, BankTransaction, MatchKind, MatchStatus
from coop.models import Cooperative
from payroll.models import Distribution, DistributionLine, Expense


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


def recently_confirmed(cooperative: Cooperative, count: int) -> QuerySet[BankMatch]:
    """The last `count` matches confirmed, latest first, with their targets."""
    return (
        BankMatch.objects.filter(
            transaction__account__cooperative=cooperative, status=MatchStatus.CONFIRMED
        )
        .select_related(
            "transaction",
            "transaction__account",
            "invoice",
            "invoice__client",
            "distribution_line",
            "distribution_line__distribution",
            "expense",
            "confirmed_by__user",
        )
        .order_by("-confirmed_at", "-id")[:count]
    )


def unpaid_cash_lines(cooperative: Cooperative) -> QuerySet[DistributionLine]:
    """The cash lines of approved distributions that no confirmed match pays yet."""
    return (
        DistributionLine.objects.filter(
            distribution__cooperative=cooperative,
            distribution__status__in=[Distribution.Status.APPROVED, Distribution.Status.PAID],
            cash__gt=0,
        )
        .exclude(bank_matches__status=MatchStatus.CONFIRMED)
        .select_related("distribution")
        .order_by("distribution__month", "id")
    )


def unpaid_expenses(cooperative: Cooperative) -> QuerySet[Expense]:
    """Approved expenses that no confirmed match pays yet (a member's claim is paid back on a
    reimbursement line, and a bank fee's expense is its match already)."""
    paid = BankMatch.objects.filter(
        transaction__account__cooperative=cooperative,
        status=MatchStatus.CONFIRMED,
        expense__isnull=False,
    ).values("expense_id")
    return (
        Expense.objects.filter(
            cooperative=cooperative,
            status=Expense.Status.APPROVED,
            bank_fee_match__isnull=True,
            claim__isnull=True,
        )
        .exclude(pk__in=paid)
        .order_by("date", "id")
    )


def set_aside_lately(cooperative: Cooperative, count: int) -> QuerySet[BankMatch]:
    """The last `count` transactions set aside whole (their NOTHING match, with its note),
    latest first."""
    return (
        BankMatch.objects.filter(
            transaction__account__cooperative=cooperative, kind=MatchKind.NOTHING
        )
        .select_related("transaction", "transaction__account")
        .order_by("-created_at", "-id")[:count]
    )

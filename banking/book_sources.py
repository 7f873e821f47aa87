"""What the bank's matches tell the journal: a fee's expense is a bank fee, interest is interest
income, and a payout line matched with a bank transaction was paid on its booking day.

Payroll books these records (`payroll.bookkeeping`) but cannot know which of its expenses and
revenue came from the bank: this source books them first, with their own accounts, so that
payroll's backfill (which runs after it) finds them booked.
"""

import datetime

from banking.models import BankMatch, MatchStatus
from books import sources
from books.charts import Role
from books.models import AccountMapping, JournalLine
from coop.models import Cooperative
from payroll import bookkeeping
from payroll.models import Distribution, Expense, Revenue

SOURCE = "banking.match"


def matched_lines(distribution: Distribution) -> dict[int, datetime.date]:
    """The distribution's lines a confirmed match pays, with the bank's booking day."""
    return dict(
        BankMatch.objects.filter(
            distribution_line__distribution=distribution, status=MatchStatus.CONFIRMED
        ).values_list("distribution_line_id", "transaction__booking_date")
    )


def _fees(cooperative: Cooperative):
    return Expense.objects.filter(cooperative=cooperative, bank_fee_match__isnull=False)


def _interest(cooperative: Cooperative):
    return Revenue.objects.filter(cooperative=cooperative, bank_interest_match__isnull=False)


def backfill(cooperative: Cooperative) -> int:
    """The bank's fees and interest that have no entry, on their own accounts."""
    written = 0
    booked = bookkeeping.booked_ids(cooperative, bookkeeping.EXPENSE)
    for expense in _fees(cooperative).filter(status=Expense.Status.APPROVED).order_by("id"):
        if str(expense.pk) not in booked:
            bookkeeping.book_expense(expense, role=Role.BANK_FEES)
            written += 1
    booked = bookkeeping.booked_ids(cooperative, bookkeeping.REVENUE)
    for revenue in _interest(cooperative).select_related("client").order_by("id"):
        if str(revenue.pk) not in booked:
            bookkeeping.book_revenue(revenue, role=Role.INTEREST_INCOME)
            written += 1
    return written


def _booked_on(cooperative: Cooperative, source_type: str, role: str) -> set[str]:
    account = AccountMapping.objects.filter(cooperative=cooperative, role=role).values("account")
    return set(
        JournalLine.objects.filter(
            entry__cooperative=cooperative,
            entry__source_type=source_type,
            entry__reverses__isnull=True,
            entry__reversed_by__isnull=True,
            account__in=account,
        ).values_list("entry__source_id", flat=True)
    )


def check(cooperative: Cooperative) -> list[str]:
    """Each fee is booked as a bank fee and each interest as interest income."""
    fees = _booked_on(cooperative, bookkeeping.EXPENSE, Role.BANK_FEES)
    interest = _booked_on(cooperative, bookkeeping.REVENUE, Role.INTEREST_INCOME)
    problems = [
        f"bank fee, expense #{pk}: not booked on the bank fees account"
        for pk in _fees(cooperative)
        .filter(status=Expense.Status.APPROVED)
        .values_list("pk", flat=True)
        if str(pk) not in fees
    ]
    problems += [
        f"interest, revenue #{pk}: not booked on the interest income account"
        for pk in _interest(cooperative).values_list("pk", flat=True)
        if str(pk) not in interest
    ]
    return problems


def register() -> None:
    """Called from `BankingConfig.ready`: before payroll's sources (40 and on)."""
    bookkeeping.register_matched_lines(matched_lines)
    sources.register(SOURCE, backfill=backfill, check=check, order=35)

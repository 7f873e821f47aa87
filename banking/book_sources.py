"""What the bank's matches tell the journal: a fee's expense is a bank fee, interest is interest
income, and a payout line matched with a bank transaction was paid on its booking day.

Payroll books these records (`payroll.bookkeeping`) but cannot know which of its expenses and
revenue came from the bank: this source books them first, with their own accounts, so that
payroll's backfill (which runs after it) finds them booked.
"""

import datetime
from decimal import Decimal

from django.db.models import Q

from banking import opening_balances
from banking.models import BankMatch, BankStatement, MatchStatus
from books import balances, sources
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


# Opening balances and the statements ------------------------------------------------------------


def _accounts(cooperative: Cooperative):
    return opening_balances._accounts(cooperative).select_related("cooperative")


def backfill_openings(cooperative: Cooperative) -> int:
    """The opening entries the accounts from before the books lack."""
    written = 0
    for account in _accounts(cooperative).order_by("pk"):
        if opening_balances.live_entry(account) is None and opening_balances.book(account):
            written += 1
    return written


def check_openings(cooperative: Cooperative) -> list[str]:
    """Each account's opening entry books, on its opening date, its opening balance less what
    the journal held for it already (`opening_balances.wanted`)."""
    problems = []
    for account in _accounts(cooperative).order_by("pk"):
        entry = opening_balances.live_entry(account)
        if not opening_balances.agrees(account, entry):
            found = opening_balances.on_bank(entry) if entry else Decimal("0.00")
            problems.append(
                f"bank account {account.name}: opening {opening_balances.wanted(account)} on "
                f"{account.opening_date}, the journal {found}"
                + (f" on {entry.date}" if entry else "")
            )
    return problems


def statement_balances(cooperative: Cooperative) -> list[balances.StatementBalance]:
    """Per account (in the co-op's currency), its latest statement with a closing balance, and
    what the co-op's other accounts held that day (the journal keeps them all on one account)."""
    found = []
    for account in _accounts(cooperative).order_by("name", "pk"):
        statement = (
            BankStatement.objects.filter(account=account)
            .filter(~Q(closing_balance=None), ~Q(closing_date=None))
            .order_by("-closing_date", "-id")
            .first()
        )
        if statement is None:
            continue
        assert statement.closing_date is not None and statement.closing_balance is not None
        others = opening_balances.bank_at(cooperative, statement.closing_date, exclude=account.pk)
        found.append(
            balances.StatementBalance(
                account.name, statement.closing_date, statement.closing_balance, others
            )
        )
    return found


def register() -> None:
    """Called from `BankingConfig.ready`: before payroll's sources (40 and on)."""
    bookkeeping.register_matched_lines(matched_lines)
    balances.register_statements(statement_balances)
    sources.register(
        opening_balances.SOURCE,
        backfill=backfill_openings,
        check=check_openings,
        order=90,  # after every other source: the opening books what the journal lacks
    )
    sources.register(SOURCE, backfill=backfill, check=check, order=35)

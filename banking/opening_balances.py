"""A bank account's opening balance in the books: what the account held before its first
imported statement, booked on its opening date against opening balance equity (Dr bank, Cr
`opening_balance_equity`; an overdraft the other way), so that the journal's bank starts where
the bank's statements start.

The journal may hold money events from before the account's statements (the months Cooperage
kept before the bank import, backfilled from the records): the entry books only what the
journal lacks, the opening balance less what the journal's bank held that day (less the
co-op's other accounts, whose statements say what they held). A money event dated before the
opening recorded later leaves the entry behind: the check names it, and saving the account
again books it afresh.

`banking.accounts` calls `rebook` in the transaction of each change: a new account books its
balance, a changed balance or date reverses the entry and books the new one, a removed account
reverses it. An account in another currency than the co-op's books nothing (the books are kept
in the co-op's currency). The source `banking.bankaccount` backfills and checks them
(`banking.book_sources`).
"""

import datetime
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from banking.models import BankAccount, BankTransaction
from books.charts import Role
from books.journal import Line, post, reverse
from books.models import AccountMapping, EntryKind, JournalEntry, JournalLine
from books.reports import cents
from coop.models import Cooperative, Member

SOURCE = "banking.bankaccount"


def live_entry(account: BankAccount) -> JournalEntry | None:
    """The account's opening entry that stands (not a reversal, not reversed)."""
    return (
        JournalEntry.objects.filter(
            cooperative_id=account.cooperative_id,
            source_type=SOURCE,
            source_id=str(account.pk),
            reverses__isnull=True,
            reversed_by__isnull=True,
        )
        .order_by("id")
        .first()
    )


def _accounts(cooperative: Cooperative):
    """The co-op's bank accounts in its currency (the books hold no other)."""
    return BankAccount.objects.filter(cooperative=cooperative, currency=cooperative.currency)


def bank_at(cooperative: Cooperative, day: datetime.date, exclude: int | None = None) -> Decimal:
    """What the co-op's bank accounts (in its currency) held at the end of `day`, as the bank
    has it: their opening balances and the transactions of their statements up to then."""
    accounts = _accounts(cooperative).exclude(pk=exclude)
    openings = accounts.filter(opening_date__lte=day).aggregate(s=Sum("opening_balance"))["s"]
    moved = BankTransaction.objects.filter(account__in=accounts, booking_date__lte=day).aggregate(
        s=Sum("amount")
    )["s"]
    return cents(openings or 0) + cents(moved or 0)


def journal_before(account: BankAccount) -> Decimal:
    """What the journal's bank held at the end of the account's opening day from everything
    but the account's own opening entries: the money events booked before its statements."""
    bank = AccountMapping.objects.filter(
        cooperative_id=account.cooperative_id, role=Role.BANK
    ).values("account_id")
    total = (
        JournalLine.objects.filter(
            entry__cooperative_id=account.cooperative_id,
            account_id__in=bank,
            entry__date__lte=account.opening_date,
        )
        .exclude(entry__source_type=SOURCE, entry__source_id=str(account.pk))
        .aggregate(total=Sum("amount"))["total"]
    )
    return cents(total or 0)


def wanted(account: BankAccount) -> Decimal:
    """What the account's opening entry puts on the bank: its opening balance less what the
    journal holds for it already on that day (the journal's bank then, less what the co-op's
    other accounts held); nothing for an account in another currency."""
    cooperative = account.cooperative
    if account.currency != cooperative.currency:
        return Decimal(0)
    held = journal_before(account) - bank_at(cooperative, account.opening_date, account.pk)
    return account.opening_balance - held


def on_bank(entry: JournalEntry) -> Decimal:
    """The signed amount an opening entry put on the bank account's role."""
    bank = AccountMapping.objects.filter(
        cooperative_id=entry.cooperative_id, role=Role.BANK
    ).values("account_id")
    total = entry.lines.filter(account_id__in=bank).aggregate(total=Sum("amount"))["total"]
    return cents(total or 0)


def book(account: BankAccount, *, actor: Member | None = None) -> JournalEntry | None:
    """The opening entry of an account (none for a zero balance or another currency)."""
    amount = wanted(account)
    if not amount:
        return None
    return post(
        cooperative=account.cooperative,
        date=account.opening_date,
        kind=EntryKind.OPENING_BALANCE,
        description=_("Opening balance of %(account)s") % {"account": account.name},
        # An overdraft (below zero) is the same entry with the signs turned.
        lines=[Line(Role.BANK, amount), Line(Role.OPENING_BALANCE_EQUITY, -amount)],
        source=(SOURCE, account.pk),
        actor=actor,
    )


def agrees(account: BankAccount, entry: JournalEntry | None) -> bool:
    """Whether the account's opening entry (or its lack) is what its opening balance wants."""
    if entry is None:
        return not wanted(account)
    return entry.date == account.opening_date and on_bank(entry) == wanted(account)


def rebook(account: BankAccount, *, actor: Member | None = None, removed: bool = False) -> None:
    """Bring the journal to the account's opening balance, in the caller's transaction:
    nothing when it agrees; else the entry that stands is reversed (on its own day: an opening
    is no event of today) and the account's opening booked afresh, unless it is `removed`."""
    entry = live_entry(account)
    if not removed and agrees(account, entry):
        return
    if entry is not None:
        reverse(
            entry,
            date=entry.date,
            actor=actor,
            description=_("Opening balance of %(account)s taken back") % {"account": account.name},
        )
    if not removed:
        book(account, actor=actor)

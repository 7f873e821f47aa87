"""Reads of the journal, scoped to one co-op: entries with their lines, filtered as the journal
page and the API filter them, and one account's ledger with its running balance.

Who reads: every current member of the co-op reads the whole journal, as they read the bank's
statements and the distributions ("every cent traceable by every member", docs/books.md).
A list costs a fixed number of queries: the entries' page, their lines in one prefetch.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum, Value, Window
from django.db.models.expressions import RowRange
from django.db.models.functions import Coalesce

from books.models import JournalEntry, JournalLine, LedgerAccount
from books.reports import MONEY, ZERO, cents, shown
from coop.models import Cooperative, Member


@dataclass(frozen=True)
class JournalFilters:
    """What the journal is narrowed to; None (or "") is no narrowing."""

    first: datetime.date | None = None
    last: datetime.date | None = None
    account: LedgerAccount | None = None
    kind: str = ""
    member: Member | None = None
    source_type: str = ""
    source_id: str = ""


def lines_in_order() -> QuerySet[JournalLine]:
    return JournalLine.objects.select_related("account", "member__user").order_by("id")


def entries_of(cooperative: Cooperative) -> QuerySet[JournalEntry]:
    """The co-op's entries, oldest first, with their lines (one prefetch query)."""
    return (
        JournalEntry.objects.filter(cooperative=cooperative)
        .select_related("reverses")
        .prefetch_related(Prefetch("lines", queryset=lines_in_order()))
        .order_by("date", "id")
    )


def journal(cooperative: Cooperative, filters: JournalFilters) -> QuerySet[JournalEntry]:
    """The entries that match every filter: dated in the range, with a line on the account or
    of the member, of the kind, from the source."""
    entries = entries_of(cooperative)
    if filters.first:
        entries = entries.filter(date__gte=filters.first)
    if filters.last:
        entries = entries.filter(date__lte=filters.last)
    if filters.kind:
        entries = entries.filter(kind=filters.kind)
    if filters.source_type:
        entries = entries.filter(source_type=filters.source_type)
    if filters.source_id:
        entries = entries.filter(source_id=filters.source_id)
    line_filter = Q()
    if filters.account is not None:
        line_filter &= Q(account=filters.account)
    if filters.member is not None:
        line_filter &= Q(member=filters.member)
    if line_filter:
        lines = JournalLine.objects.filter(line_filter, entry=OuterRef("pk"))
        entries = entries.filter(Exists(lines))
    return entries


def accounts_of(cooperative: Cooperative) -> QuerySet[LedgerAccount]:
    return LedgerAccount.objects.filter(cooperative=cooperative).order_by("number")


def accounts_with_balances(
    cooperative: Cooperative, on: datetime.date | None = None
) -> QuerySet[LedgerAccount]:
    """The chart's accounts, each annotated with `signed_balance` (debit > 0) at the end of
    `on`, or of every entry (one query)."""
    up_to = Q() if on is None else Q(lines__entry__date__lte=on)
    return accounts_of(cooperative).annotate(
        signed_balance=Coalesce(Sum("lines__amount", filter=up_to), Value(ZERO), output_field=MONEY)
    )


@dataclass(frozen=True)
class LedgerLine:
    line: JournalLine
    balance: Decimal  # after this line, as the account's type reads it

    @property
    def entry(self) -> JournalEntry:
        return self.line.entry


def ledger_lines(
    account: LedgerAccount,
    first: datetime.date | None = None,
    last: datetime.date | None = None,
    member: Member | None = None,
) -> QuerySet[JournalLine]:
    """The account's lines in date order, each annotated with `running` (the signed sum of the
    lines up to it, within the filter): the database adds them up, so a page of a long ledger
    costs one query."""
    lines = JournalLine.objects.filter(account=account)
    if first:
        lines = lines.filter(entry__date__gte=first)
    if last:
        lines = lines.filter(entry__date__lte=last)
    if member is not None:
        lines = lines.filter(member=member)
    order = [F("entry__date").asc(), F("entry_id").asc(), F("id").asc()]
    return (
        lines.select_related("entry", "member__user")
        .annotate(running=Window(Sum("amount"), order_by=order, frame=RowRange(start=None, end=0)))
        .order_by("entry__date", "entry_id", "id")
    )


def opening_balance(
    account: LedgerAccount, first: datetime.date | None, member: Member | None = None
) -> Decimal:
    """The account's signed balance before `first` (zero without one)."""
    if first is None:
        return ZERO
    lines = JournalLine.objects.filter(account=account, entry__date__lt=first)
    if member is not None:
        lines = lines.filter(member=member)
    total = lines.aggregate(total=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY))
    return cents(total["total"])


def with_balances(
    account: LedgerAccount, lines: list[JournalLine], opening: Decimal
) -> list[LedgerLine]:
    """Lines read through `ledger_lines`, with the balance after each as the type reads it."""
    return [
        LedgerLine(line, shown(account.type, opening + cents(line.running)))  # type: ignore[attr-defined]
        for line in lines
    ]

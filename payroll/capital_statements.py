"""A member's capital account year by year: the annual statement, and the balance over time.

The co-op's financial year is the calendar year (as the books' exports say). A year's statement
starts from the balance on the last day of the year before, lists the year's entries with the
balance after each, totals them by kind (allocations, redemptions, adjustments, and any kind the
account learns later, such as interest), and ends with the balance on December 31: opening +
the totals = closing, to the cent, which the statement says in words.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Min, Q, QuerySet, Sum

from coop.clock import today_in
from coop.line_chart import BalancePoint
from coop.models import Cooperative, Member
from payroll.capital import CENT, ZERO, LedgerEntry
from payroll.capital_presenters import explain
from payroll.models import CapitalAccountEntry


@dataclass(frozen=True)
class KindTotal:
    kind: str
    label: str
    amount: Decimal
    entries: int


@dataclass(frozen=True)
class AnnualStatement:
    owner: Member
    year: int
    opening: Decimal
    totals: list[KindTotal]
    ledger: list[LedgerEntry]
    closing: Decimal

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    @property
    def movement(self) -> Decimal:
        return self.closing - self.opening


@dataclass(frozen=True)
class YearRow:
    """One member's line on the treasurer's list of a year's statements."""

    member: Member
    opening: Decimal
    movement: Decimal

    @property
    def closing(self) -> Decimal:
        return self.opening + self.movement


def statement_years(owner: Member) -> list[int]:
    """The years the member's account has a statement for, newest first: from the year of its
    first entry to the current year (an account with no entry has none)."""
    return _years(CapitalAccountEntry.objects.filter(member=owner), owner.cooperative)


def annual_statement(owner: Member, year: int) -> AnnualStatement:
    """The member's statement of `year` (two queries)."""
    start = datetime.date(year, 1, 1)
    entries = CapitalAccountEntry.objects.filter(member=owner)
    before = entries.filter(date__lt=start).aggregate(total=Sum("amount"))["total"]
    opening = Decimal(before or 0).quantize(CENT)
    year_entries = (
        entries.filter(date__gte=start, date__lte=datetime.date(year, 12, 31))
        .select_related(
            "distribution", "recorded_by__user", "interest_line__run", "loss_share__loss"
        )
        .order_by("date", "id")
    )
    currency = owner.cooperative.currency
    ledger: list[LedgerEntry] = []
    balance = opening
    sums: dict[str, Decimal] = {}
    counts: dict[str, int] = {}
    for entry in year_entries:
        balance += entry.amount
        ledger.append(LedgerEntry(entry, balance, tuple(explain(entry, currency))))
        sums[entry.kind] = sums.get(entry.kind, ZERO) + entry.amount
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
    totals = [
        KindTotal(kind, str(label), sums[kind], counts[kind])
        for kind, label in CapitalAccountEntry.Kind.choices
        if kind in counts
    ]
    return AnnualStatement(owner, year, opening, totals, ledger, balance)


def balance_series(ledger: list[LedgerEntry]) -> list[BalancePoint]:
    """The balance at the end of each day with an entry, oldest first."""
    points: list[BalancePoint] = []
    for row in ledger:
        if points and points[-1].day == row.entry.date:
            points[-1] = BalancePoint(row.entry.date, row.balance)
        else:
            points.append(BalancePoint(row.entry.date, row.balance))
    return points


def year_rows(cooperative: Cooperative, year: int) -> list[YearRow]:
    """Every member with an entry up to the end of `year`: the year's opening balance and
    movement (two queries), by name."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    sums = {
        row["member_id"]: row
        for row in CapitalAccountEntry.objects.filter(cooperative=cooperative, date__lte=end)
        .values("member_id")
        .annotate(
            opening=Sum("amount", filter=Q(date__lt=start), default=ZERO),
            movement=Sum("amount", filter=Q(date__gte=start), default=ZERO),
        )
        .order_by()
    }
    members = (
        Member.objects.filter(cooperative=cooperative, pk__in=sums)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    return [
        YearRow(
            member,
            Decimal(sums[member.pk]["opening"]).quantize(CENT),
            Decimal(sums[member.pk]["movement"]).quantize(CENT),
        )
        for member in members
    ]


def statement_years_of(cooperative: Cooperative) -> list[int]:
    """The years of the co-op's statements, newest first (one query)."""
    return _years(CapitalAccountEntry.objects.filter(cooperative=cooperative), cooperative)


def _years(entries: QuerySet[CapitalAccountEntry], cooperative: Cooperative) -> list[int]:
    """From the current year back to the year of the first of `entries`; none without one."""
    first = entries.aggregate(first=Min("date"))["first"]
    if first is None:
        return []
    return list(range(today_in(cooperative).year, first.year - 1, -1))


def statement_file_name(statement: AnnualStatement) -> str:
    return f"capital-statement-{statement.year}-member-{statement.owner.pk}.pdf"

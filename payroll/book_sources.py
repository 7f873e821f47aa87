"""Payroll's records as sources of the journal (`books.sources`): the backfill of the records
from before the books, and the check that the journal agrees with the records.

The backfill writes what the live path writes (`payroll.bookkeeping`, the same functions, the
entries dated as the events were); a record that has its entry is skipped. Revenue that another
source books (a client's payment: billing) is left out, as `books.sources.covered` says.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Sum

from books import sources
from books.charts import Role
from books.models import AccountMapping, JournalLine
from books.periods import Period
from coop.models import Cooperative
from payroll import bookkeeping
from payroll.capital import CENT
from payroll.models import (
    CapitalAccountEntry,
    CapitalLoss,
    Distribution,
    DistributionLine,
    Expense,
    Revenue,
)

ZERO = Decimal("0")
DISTRIBUTED = (Distribution.Status.APPROVED, Distribution.Status.PAID)


def _accounts(cooperative: Cooperative, roles: Iterable[str]) -> set[int]:
    """The ids of the accounts that play `roles` (none when the co-op has no chart yet)."""
    return set(
        AccountMapping.objects.filter(cooperative=cooperative, role__in=list(roles)).values_list(
            "account_id", flat=True
        )
    )


def _journal_lines(cooperative: Cooperative, source_type: str, roles: Iterable[str]):
    return JournalLine.objects.filter(
        entry__cooperative=cooperative,
        entry__source_type=source_type,
        account_id__in=_accounts(cooperative, roles),
    )


def _by_month(rows: Iterable[tuple[datetime.date, Decimal]]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for day, amount in rows:
        totals[f"{day:%Y-%m}"] += Decimal(amount)
    return {month: total for month, total in totals.items() if total}


def _compare(what: str, records: dict[str, Decimal], journal: dict[str, Decimal]) -> list[str]:
    return [
        f"{what} of {month}: {records.get(month, ZERO)} in the records, "
        f"{journal.get(month, ZERO)} in the journal"
        for month in sorted(set(records) | set(journal))
        if records.get(month, ZERO) != journal.get(month, ZERO)
    ]


# Revenue ---------------------------------------------------------------------------------------


def _uncovered_revenue(cooperative: Cooperative):
    covered = sources.covered(cooperative, bookkeeping.REVENUE)
    return (
        Revenue.objects.filter(cooperative=cooperative)
        .exclude(pk__in=[int(pk) for pk in covered])
        .select_related("client", "cooperative")
        .order_by("received_on", "id")
    )


def backfill_revenue(cooperative: Cooperative) -> int:
    booked = bookkeeping.booked_ids(cooperative, bookkeeping.REVENUE)
    written = 0
    for revenue in _uncovered_revenue(cooperative).order_by("id"):  # originals before corrections
        if str(revenue.pk) not in booked:
            bookkeeping.book_revenue(revenue)
            written += 1
    return written


def check_revenue(cooperative: Cooperative) -> list[str]:
    """Per month: what the journal credits other revenue and interest income for payroll's
    revenue equals the revenue no other source books."""
    records = _by_month(_uncovered_revenue(cooperative).values_list("received_on", "amount"))
    lines = _journal_lines(
        cooperative, bookkeeping.REVENUE, [Role.OTHER_REVENUE, Role.INTEREST_INCOME]
    )
    journal = _by_month(
        (day, -amount) for day, amount in lines.values_list("entry__date", "amount")
    )
    return _compare("revenue", records, journal)


# Expenses --------------------------------------------------------------------------------------


def _approved_expenses(cooperative: Cooperative):
    return Expense.objects.filter(cooperative=cooperative, status=Expense.Status.APPROVED)


def backfill_expenses(cooperative: Cooperative) -> int:
    booked = bookkeeping.booked_ids(cooperative, bookkeeping.EXPENSE)
    written = 0
    for expense in _approved_expenses(cooperative).select_related("cooperative").order_by("id"):
        if str(expense.pk) not in booked:
            bookkeeping.book_expense(expense)
            written += 1
    return written


def check_expenses(cooperative: Cooperative) -> list[str]:
    """Per month: the journal's expenses and bank fees equal the approved expenses."""
    records = _by_month(_approved_expenses(cooperative).values_list("date", "amount"))
    lines = _journal_lines(cooperative, bookkeeping.EXPENSE, [Role.EXPENSES, Role.BANK_FEES])
    journal = _by_month(lines.values_list("entry__date", "amount"))
    return _compare("expenses", records, journal)


# Distributions and payouts ---------------------------------------------------------------------


def _distributed(cooperative: Cooperative):
    return (
        Distribution.objects.filter(cooperative=cooperative, status__in=DISTRIBUTED)
        .select_related("cooperative")
        .order_by("month")
    )


def backfill_distributions(cooperative: Cooperative) -> int:
    booked = bookkeeping.booked_ids(cooperative, bookkeeping.DISTRIBUTION)
    written = 0
    for distribution in _distributed(cooperative):
        if str(distribution.pk) not in booked and bookkeeping.book_distribution(distribution):
            written += 1
    return written


def distribution_figures(distribution: Distribution) -> dict[str, Decimal]:
    """What a distribution's entry credits, per role, from its figures and member lines."""
    members = distribution.lines.filter(kind=DistributionLine.Kind.MEMBER).aggregate(
        cash=Sum("cash"), retained=Sum("retained")
    )
    adjustments = distribution.lines.filter(kind=DistributionLine.Kind.ADJUSTMENT)
    # buy-in instalments are cash shares owed, until their capital entries take them
    buyins = distribution.lines.filter(kind=DistributionLine.Kind.BUYIN)
    return {
        Role.RESERVE_FUND: distribution.reserve,
        Role.EDUCATION_FUND: distribution.education,
        Role.COMMONS_PAYABLE: distribution.commons
        + (adjustments.filter(member__isnull=True).aggregate(s=Sum("cash"))["s"] or ZERO),
        Role.MEMBERS_PAYABLE: (members["cash"] or ZERO)
        + (adjustments.filter(member__isnull=False).aggregate(s=Sum("cash"))["s"] or ZERO)
        + (buyins.aggregate(s=Sum("retained"))["s"] or ZERO),
        Role.MEMBERS_CAPITAL: members["retained"] or ZERO,
    }


def check_distributions(cooperative: Cooperative) -> list[str]:
    """Each distributed month's entry credits the reserve, the education fund, the commons,
    the members' cash and their capital with the distribution's own figures."""
    problems = []
    roles = [Role.RESERVE_FUND, Role.EDUCATION_FUND, Role.COMMONS_PAYABLE]
    roles += [Role.MEMBERS_PAYABLE, Role.MEMBERS_CAPITAL]
    account_of = dict(
        AccountMapping.objects.filter(cooperative=cooperative, role__in=roles).values_list(
            "role", "account_id"
        )
    )
    for distribution in _distributed(cooperative):
        entry = bookkeeping.live_entry(cooperative, bookkeeping.DISTRIBUTION, distribution.pk)
        lines = list(entry.lines.values_list("account_id", "amount")) if entry else []
        for role, expected in distribution_figures(distribution).items():
            found = -sum((a for account, a in lines if account == account_of.get(role)), ZERO)
            if Decimal(expected).quantize(CENT) != found:
                problems.append(
                    f"distribution of {distribution.month:%Y-%m} (#{distribution.pk}), {role}: "
                    f"{expected} in the records, {found} in the journal"
                )
    return problems


def backfill_payouts(cooperative: Cooperative) -> int:
    before = bookkeeping.booked_ids(cooperative, bookkeeping.PAYOUT)
    for distribution in _distributed(cooperative):
        bookkeeping.settle_payouts(distribution)
    return len(bookkeeping.booked_ids(cooperative, bookkeeping.PAYOUT) - before)


def check_payouts(cooperative: Cooperative) -> list[str]:
    """The lines paid out (a distribution marked paid, or a line the bank shows paid) are the
    lines whose payout the journal books, each for its cash."""
    booked = bookkeeping.booked_ids(cooperative, bookkeeping.PAYOUT)
    credited = dict(
        _journal_lines(cooperative, bookkeeping.PAYOUT, [Role.BANK])
        .filter(entry__reverses__isnull=True, entry__reversed_by__isnull=True)
        .values_list("entry__source_id", "amount")
    )
    problems = []
    for distribution in _distributed(cooperative):
        paid = bookkeeping.paid_lines(distribution)
        for line_id, cash in distribution.lines.filter(cash__gt=0).values_list("id", "cash"):
            is_booked = str(line_id) in booked
            if (line_id in paid) != is_booked:
                state = "paid" if line_id in paid else "not paid"
                problems.append(f"payout line #{line_id}: {state}, booked: {is_booked}")
            elif is_booked and -credited.get(str(line_id), ZERO) != cash:
                found = -credited.get(str(line_id), ZERO)
                problems.append(f"payout line #{line_id}: {cash} paid, {found} in the journal")
    return problems


# Capital ---------------------------------------------------------------------------------------


def backfill_capital(cooperative: Cooperative) -> int:
    booked = bookkeeping.booked_ids(cooperative, bookkeeping.CAPITAL)
    entries = (
        CapitalAccountEntry.objects.filter(cooperative=cooperative)
        .exclude(kind=CapitalAccountEntry.Kind.ALLOCATION)
        .select_related("member__user", "cooperative")
        .order_by("id")
    )
    written = 0
    for entry in entries:
        if str(entry.pk) not in booked:
            bookkeeping.book_capital_entry(entry)
            written += 1
    return written


def journal_capital(cooperative: Cooperative) -> dict[int, Decimal]:
    """Each member's capital balance in the journal (credits positive), by member id."""
    lines = JournalLine.objects.filter(
        entry__cooperative=cooperative,
        account_id__in=_accounts(cooperative, [Role.MEMBERS_CAPITAL]),
    )
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for member_id, amount in lines.values_list("member_id", "amount"):
        totals[member_id] -= amount
    return dict(totals)


def records_capital(cooperative: Cooperative) -> dict[int, Decimal]:
    """Each member's capital balance in the records (`payroll.capital.capital_balance`)."""
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for member_id, amount in CapitalAccountEntry.objects.filter(
        cooperative=cooperative
    ).values_list("member_id", "amount"):
        totals[member_id] += amount
    return dict(totals)


def check_capital(cooperative: Cooperative) -> list[str]:
    """Per member: the members' capital account in the journal equals their capital balance."""
    journal, records = journal_capital(cooperative), records_capital(cooperative)
    return [
        f"capital of member #{member_id}: {records.get(member_id, ZERO)} in the records, "
        f"{journal.get(member_id, ZERO)} in the journal"
        for member_id in sorted(set(journal) | set(records), key=lambda pk: pk or 0)
        if records.get(member_id, ZERO) != journal.get(member_id, ZERO)
    ]


# Losses borne by the collective reserve ---------------------------------------------------------


def backfill_losses(cooperative: Cooperative) -> int:
    booked = bookkeeping.booked_ids(cooperative, bookkeeping.LOSS)
    written = 0
    losses = CapitalLoss.objects.filter(cooperative=cooperative, from_reserve__gt=0)
    for loss in losses.select_related("cooperative").order_by("id"):
        if str(loss.pk) not in booked:
            bookkeeping.book_loss_to_reserve(loss)
            written += 1
    return written


def check_losses(cooperative: Cooperative) -> list[str]:
    """Each loss's part borne by the collective reserve is what the journal debits the
    reserve fund for it."""
    debited: dict[str, Decimal] = defaultdict(lambda: ZERO)
    lines = _journal_lines(cooperative, bookkeeping.LOSS, [Role.RESERVE_FUND])
    for source_id, amount in lines.values_list("entry__source_id", "amount"):
        debited[source_id] += amount
    return [
        f"loss #{pk}: {from_reserve} charged to the reserve, {debited.get(str(pk), ZERO)} in "
        "the journal"
        for pk, from_reserve in CapitalLoss.objects.filter(cooperative=cooperative)
        .order_by("id")
        .values_list("pk", "from_reserve")
        if debited.get(str(pk), ZERO) != from_reserve
    ]


# The money pages' figures (`books.ties`) -------------------------------------------------------


def _total(rows) -> Decimal:
    return rows.aggregate(total=Sum("amount"))["total"] or ZERO


def revenue_figures(cooperative: Cooperative, period: Period) -> sources.Figures:
    """The revenue the month overview shows (`selectors.month_books`), every row of the
    period: recorded by hand, made by a client's payment, interest, corrections."""
    rows = Revenue.objects.filter(
        cooperative=cooperative, received_on__range=(period.first, period.last)
    )
    return sources.Figures({"revenue": _total(rows)})


def expense_figures(cooperative: Cooperative, period: Period) -> sources.Figures:
    """The approved expenses the month overview shows."""
    rows = _approved_expenses(cooperative).filter(date__range=(period.first, period.last))
    return sources.Figures({"expenses": _total(rows)})


DISTRIBUTED_TO: dict[str, str] = {
    Role.RESERVE_FUND: "distributed_reserve",
    Role.EDUCATION_FUND: "distributed_education",
    Role.COMMONS_PAYABLE: "distributed_commons",
    Role.MEMBERS_PAYABLE: "distributed_members_cash",
    Role.MEMBERS_CAPITAL: "distributed_members_capital",
}


def _distributed_up_to(cooperative: Cooperative, period: Period):
    return _distributed(cooperative).filter(month__lte=period.last)


def distribution_page_figures(cooperative: Cooperative, period: Period) -> sources.Figures:
    """What the distributions of the period's months gave each fund, the commons and the
    members (their pages' figures), and the reserve and education funds at the period's end:
    all the distributions up to it, the reserve less the losses it bore and plus what
    settlements retained of departed members' balances up to then (the collective account's
    page)."""
    amounts = dict.fromkeys(DISTRIBUTED_TO.values(), ZERO)
    amounts |= {"reserve_fund": ZERO, "education_fund": ZERO}
    for distribution in _distributed_up_to(cooperative, period):
        amounts["reserve_fund"] += distribution.reserve
        amounts["education_fund"] += distribution.education
        if distribution.month >= period.first:
            for role, amount in distribution_figures(distribution).items():
                amounts[DISTRIBUTED_TO[role]] += amount
    losses = CapitalLoss.objects.filter(cooperative=cooperative, date__lte=period.last)
    amounts["reserve_fund"] -= losses.aggregate(total=Sum("from_reserve"))["total"] or ZERO
    retained = CapitalAccountEntry.objects.filter(
        cooperative=cooperative, kind=CapitalAccountEntry.Kind.RETENTION, date__lte=period.last
    )
    amounts["reserve_fund"] -= _total(retained)  # a retention debits the member's account
    return sources.Figures(amounts)


def _settles_commons(line: DistributionLine) -> bool:
    """Whether paying the line out settles commons payable (`bookkeeping.payout_lines`)."""
    if line.kind == DistributionLine.Kind.COMMONS:
        return True
    return line.kind != DistributionLine.Kind.REIMBURSEMENT and not line.member_id


def payout_figures(cooperative: Cooperative, period: Period) -> sources.Figures:
    """Commons payable at the period's end, as the distributions' pages have it: what the
    distributions up to it owe the commons, less the commons' lines paid by then."""
    owed = ZERO
    for distribution in _distributed_up_to(cooperative, period):
        owed += distribution_figures(distribution)[Role.COMMONS_PAYABLE]
        paid = bookkeeping.paid_lines(distribution)
        for line in distribution.lines.filter(cash__gt=0, pk__in=list(paid)):
            if paid[line.pk] <= period.last and _settles_commons(line):
                owed -= line.cash
    return sources.Figures({"commons_payable": owed})


def capital_figures(cooperative: Cooperative, period: Period) -> sources.Figures:
    """The members' capital accounts' total at the period's end (the capital page's)."""
    rows = CapitalAccountEntry.objects.filter(cooperative=cooperative, date__lte=period.last)
    return sources.Figures({"members_capital": _total(rows)})


def register() -> None:
    """Called from `PayrollConfig.ready` (after billing's sources, 10 and 20)."""
    sources.register(
        bookkeeping.REVENUE,
        backfill=backfill_revenue,
        check=check_revenue,
        order=40,
        figures=revenue_figures,
    )
    sources.register(
        bookkeeping.EXPENSE,
        backfill=backfill_expenses,
        check=check_expenses,
        order=45,
        figures=expense_figures,
    )
    sources.register(
        bookkeeping.DISTRIBUTION,
        backfill=backfill_distributions,
        check=check_distributions,
        order=50,
        figures=distribution_page_figures,
    )
    sources.register(
        bookkeeping.PAYOUT,
        backfill=backfill_payouts,
        check=check_payouts,
        order=60,
        figures=payout_figures,
    )
    sources.register(
        bookkeeping.CAPITAL,
        backfill=backfill_capital,
        check=check_capital,
        order=70,
        figures=capital_figures,
    )
    sources.register(bookkeeping.LOSS, backfill=backfill_losses, check=check_losses, order=75)

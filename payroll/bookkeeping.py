"""The journal entries of payroll's money events, written in each event's own transaction.

The services (`payroll.services.money_in`, `payroll.services.spending`, `payroll.claims`,
`payroll.distributing`, `payroll.capital`) and banking's matching call these;
`payroll.book_sources` calls the same functions to backfill the records from before the books,
so that a backfilled entry is the entry the live path writes. docs/books.md, "What payroll
books", shows every entry with a worked month.

Each entry names its record (`source`): a record has at most one live entry of its own (one
that is not a reversal and was not reversed), so that nothing is booked twice.
"""

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.utils.translation import gettext as _

from books.charts import Role
from books.journal import Line, accounts_for, credit, debit, post, reverse
from books.models import EntryKind, JournalEntry
from coop import clock
from coop.models import Cooperative, Member
from coop.months import month_bounds, month_label
from payroll.models import (
    CapitalAccountEntry,
    CapitalLoss,
    Distribution,
    DistributionLine,
    Expense,
    Revenue,
)

REVENUE = "payroll.revenue"
EXPENSE = "payroll.expense"
DISTRIBUTION = "payroll.distribution"
PAYOUT = "payroll.distributionline"
CAPITAL = "payroll.capitalaccountentry"
LOSS = "payroll.capitalloss"

ZERO = Decimal("0")


def live_entry(
    cooperative: Cooperative, source_type: str, source_id: object
) -> JournalEntry | None:
    """The record's own entry that stands (not a reversal, not reversed), if any."""
    return (
        JournalEntry.objects.filter(
            cooperative=cooperative,
            source_type=source_type,
            source_id=str(source_id),
            reverses__isnull=True,
            reversed_by__isnull=True,
        )
        .order_by("id")
        .first()
    )


def booked_ids(cooperative: Cooperative, source_type: str) -> set[str]:
    """The ids of the records of `source_type` that have an entry that stands (one query)."""
    return set(
        JournalEntry.objects.filter(
            cooperative=cooperative,
            source_type=source_type,
            reverses__isnull=True,
            reversed_by__isnull=True,
        ).values_list("source_id", flat=True)
    )


def take_back(
    cooperative: Cooperative,
    source_type: str,
    source_id: object,
    *,
    date: datetime.date,
    actor: Member | None = None,
) -> JournalEntry | None:
    """Reverse the record's entry (nothing when it has none: a record from before the books)."""
    entry = live_entry(cooperative, source_type, source_id)
    if entry is None:
        return None
    return reverse(entry, date=date, actor=actor)


# Money in --------------------------------------------------------------------------------------


def book_revenue(
    revenue: Revenue, *, role: str = Role.OTHER_REVENUE, actor: Member | None = None
) -> JournalEntry:
    """Revenue recorded by hand: Dr bank, Cr other revenue (interest: Cr interest income). A
    correction (a negative row) takes back what its original was booked to, on its own day."""
    cooperative = revenue.cooperative
    lines: list[Line]
    original = None
    if revenue.corrects_id is not None:
        original = live_entry(cooperative, REVENUE, revenue.corrects_id)
    if original is not None:
        lines = [
            Line(line.account, -line.amount, member=line.member, memo=line.memo)
            for line in original.lines.select_related("account")
        ]
        kind = original.kind
    else:
        lines = [debit(Role.BANK, revenue.amount), credit(role, revenue.amount)]
        kind = EntryKind.INTEREST if role == Role.INTEREST_INCOME else EntryKind.REVENUE
    if revenue.corrects_id is not None:
        description = _("Correction of revenue #%(id)s") % {"id": revenue.corrects_id}
    else:
        description = _("Revenue from %(client)s") % {"client": revenue.client.name}
    return post(
        cooperative=cooperative,
        date=revenue.received_on,
        kind=kind,
        description=description,
        lines=lines,
        source=(REVENUE, revenue.pk),
        actor=actor,
    )


# Money out -------------------------------------------------------------------------------------


def claim_member(expense: Expense) -> Member | None:
    """The member whose claim the expense is (paid back by the co-op), or None."""
    from payroll.claim_models import ExpenseClaim

    claim = ExpenseClaim.objects.filter(expense=expense).select_related("member").first()
    return claim.member if claim is not None else None


def book_expense(
    expense: Expense, *, role: str = Role.EXPENSES, actor: Member | None = None
) -> JournalEntry:
    """An approved expense: Dr expenses (bank fees: Dr bank fees). The treasurer's expense is
    money paid (Cr bank); a member's claim is owed to the member (Cr claims payable, the member
    on the line) until its reimbursement line is paid out."""
    member = claim_member(expense)
    if member is not None:
        counter = credit(Role.CLAIMS_PAYABLE, expense.amount, member=member)
        description = _("Expense claim of %(member)s: %(payee)s") % {
            "member": member.display_name,
            "payee": expense.payee,
        }
    else:
        counter = credit(Role.BANK, expense.amount)
        description = _("Expense: %(payee)s") % {"payee": expense.payee}
    return post(
        cooperative=expense.cooperative,
        date=expense.date,
        kind=EntryKind.BANK_FEE if role == Role.BANK_FEES else EntryKind.EXPENSE,
        description=description,
        lines=[debit(role, expense.amount), counter],
        source=(EXPENSE, expense.pk),
        actor=actor,
    )


# The distribution ------------------------------------------------------------------------------


def _share_lines(distribution: Distribution) -> list[Line]:
    """The credits of a distribution: the funds, the commons' and members' payables, the
    members' capital. Reimbursement lines are no one's share: their claims are owed already
    (claims payable). An adjustment line's cash is owed to its member (or the commons)."""
    credits: list[Line] = []
    if distribution.reserve:
        credits.append(credit(Role.RESERVE_FUND, distribution.reserve))
    if distribution.education:
        credits.append(credit(Role.EDUCATION_FUND, distribution.education))
    for line in distribution.lines.select_related("member").order_by("kind", "id"):
        if line.kind == DistributionLine.Kind.COMMONS and line.cash:
            credits.append(credit(Role.COMMONS_PAYABLE, line.cash, memo=line.name))
        elif line.kind == DistributionLine.Kind.MEMBER:
            if line.cash:
                credits.append(credit(Role.MEMBERS_PAYABLE, line.cash, member=line.member))
            if line.retained:
                credits.append(credit(Role.MEMBERS_CAPITAL, line.retained, member=line.member))
        elif line.kind == DistributionLine.Kind.BUYIN and line.retained:
            # The instalment is part of the member's cash share: owed to them until their
            # `buyin` capital entry moves it to their capital (`book_capital_entry`).
            credits.append(credit(Role.MEMBERS_PAYABLE, line.retained, member=line.member))
        elif line.kind == DistributionLine.Kind.ADJUSTMENT and line.cash:
            role = Role.MEMBERS_PAYABLE if line.member_id else Role.COMMONS_PAYABLE
            credits.append(credit(role, line.cash, member=line.member, memo=line.name))
    return credits


def book_distribution(
    distribution: Distribution, *, actor: Member | None = None
) -> JournalEntry | None:
    """A distribution approved, in one entry dated the month's last day (as the capital
    allocations are): Dr surplus for what is distributed, Cr each fund, payable and capital
    account. Where the chart gives the education fund's endowment its own account (Spain's
    657, an expense of the year), the education part is debited there. A month without a
    surplus (a loss) distributes nothing and books nothing."""
    credits = _share_lines(distribution)
    if not credits:
        return None
    cooperative = distribution.cooperative
    distributed = -sum((line.amount for line in credits), ZERO)
    debits, from_surplus = [], distributed
    if distribution.education:
        accounts = accounts_for(cooperative, [Role.SURPLUS, Role.EDUCATION_ALLOCATION])
        if accounts[Role.SURPLUS] != accounts[Role.EDUCATION_ALLOCATION]:
            debits.append(debit(Role.EDUCATION_ALLOCATION, distribution.education))
            from_surplus -= distribution.education
    if from_surplus:  # (adjustments taking back as much as is given leave nothing)
        debits.append(debit(Role.SURPLUS, from_surplus))
    return post(
        cooperative=cooperative,
        date=month_bounds(distribution.month)[1],
        kind=EntryKind.DISTRIBUTION,
        description=_("Distribution of %(month)s") % {"month": month_label(distribution.month)},
        lines=[*debits, *credits],
        source=(DISTRIBUTION, distribution.pk),
        actor=actor,
    )


# Payouts -----------------------------------------------------------------------------------------

# Which cash lines of a distribution the bank statement shows paid, and on which day: banking
# registers this (it sits above payroll); without banking, no line is paid by a match.
MatchedLines = Callable[[Distribution], dict[int, datetime.date]]
_finders: list[MatchedLines] = []


def register_matched_lines(finder: MatchedLines) -> None:
    _finders[:] = [finder]


def _matched_lines(distribution: Distribution) -> dict[int, datetime.date]:
    return _finders[0](distribution) if _finders else {}


def payout_lines(line: DistributionLine) -> list[Line]:
    """Dr the payable a line settles (a member's cash share, the commons', a claim), Cr bank."""
    settles: dict[str, Role] = {
        DistributionLine.Kind.COMMONS: Role.COMMONS_PAYABLE,
        DistributionLine.Kind.REIMBURSEMENT: Role.CLAIMS_PAYABLE,
    }
    role = settles.get(line.kind, Role.MEMBERS_PAYABLE)
    if role == Role.MEMBERS_PAYABLE and not line.member_id:
        role = Role.COMMONS_PAYABLE
    member = None if role == Role.COMMONS_PAYABLE else line.member
    return [debit(role, line.cash, member=member, memo=line.name), credit(Role.BANK, line.cash)]


def book_payout(
    line: DistributionLine, *, date: datetime.date, actor: Member | None = None
) -> JournalEntry | None:
    """A cash line paid out (once: nothing when it is booked already)."""
    cooperative = line.distribution.cooperative
    if not line.cash or live_entry(cooperative, PAYOUT, line.pk) is not None:
        return None
    return post(
        cooperative=cooperative,
        date=date,
        kind=EntryKind.PAYOUT,
        description=_("Paid out: %(name)s, %(month)s")
        % {"name": line.name, "month": month_label(line.distribution.month)},
        lines=payout_lines(line),
        source=(PAYOUT, line.pk),
        actor=actor,
    )


def paid_lines(distribution: Distribution) -> dict[int, datetime.date]:
    """The cash lines that are paid, with the day: all of a distribution marked paid (the day
    it was, unless the bank shows the line's own day), else those the bank statement shows."""
    matched = _matched_lines(distribution)
    if distribution.status != Distribution.Status.PAID:
        return matched
    assert distribution.paid_at is not None
    paid_on = distribution.paid_at.astimezone(clock.zone_of(distribution.cooperative)).date()
    return {
        line_id: matched.get(line_id, paid_on)
        for line_id in distribution.lines.filter(cash__gt=0).values_list("id", flat=True)
    }


def settle_payouts(
    distribution: Distribution,
    *,
    actor: Member | None = None,
    unpaid: Iterable[int] = (),
    today: datetime.date | None = None,
) -> None:
    """Bring the payouts in the journal to the lines that are paid: book the paid lines that
    have no entry, reverse the entries of lines no longer paid (`unpaid`: lines taken back in
    the caller's transaction, whatever the records say yet)."""
    cooperative = distribution.cooperative
    today = today or clock.today_in(cooperative)
    paid = paid_lines(distribution)
    if distribution.status != Distribution.Status.PAID:
        for line_id in unpaid:
            paid.pop(line_id, None)
    booked = booked_ids(cooperative, PAYOUT)
    lines = distribution.lines.filter(cash__gt=0).select_related("member", "distribution")
    for line in lines:
        if line.pk in paid and str(line.pk) not in booked:
            book_payout(line, date=paid[line.pk], actor=actor)
        elif line.pk not in paid and str(line.pk) in booked:
            take_back(cooperative, PAYOUT, line.pk, date=today, actor=actor)


# Capital -----------------------------------------------------------------------------------------


def book_capital_entry(
    entry: CapitalAccountEntry, *, actor: Member | None = None
) -> JournalEntry | None:
    """A redemption: Dr the member's capital, Cr bank (it is paid out), or Cr members payable
    for a settlement instalment its distribution pays out; a retention: Cr the collective
    reserve. An adjustment moves the amount between the member's capital and the co-op's
    collective capital (a correction of who holds the co-op's equity, no money moving).
    Interest: Dr interest on capital (an expense), Cr the member's capital. A member's part of
    a loss: Dr the member's capital, Cr the surplus account (where the loss of the year
    stands). A buy-in instalment moves the amount from the member's cash share payable
    (credited by the distribution's entry) to their capital. Allocations are booked by the
    distribution's entry."""
    if entry.kind == CapitalAccountEntry.Kind.ALLOCATION:
        return None
    counter = debit(Role.COLLECTIVE_CAPITAL, entry.amount)
    if entry.kind == CapitalAccountEntry.Kind.REDEMPTION and entry.distribution_id:
        # A settlement instalment: owed to the member until its redemption line is paid out.
        counter = debit(Role.MEMBERS_PAYABLE, entry.amount, member=entry.member)
    elif entry.kind == CapitalAccountEntry.Kind.REDEMPTION:
        counter = debit(Role.BANK, entry.amount)
    elif entry.kind == CapitalAccountEntry.Kind.RETENTION:  # kept on leaving: to the reserve
        counter = debit(Role.RESERVE_FUND, entry.amount)
    elif entry.kind == CapitalAccountEntry.Kind.BUYIN:
        counter = debit(Role.MEMBERS_PAYABLE, entry.amount, member=entry.member)
    elif entry.kind == CapitalAccountEntry.Kind.INTEREST:
        counter = debit(Role.CAPITAL_INTEREST, entry.amount)
    elif entry.kind == CapitalAccountEntry.Kind.LOSS:
        counter = debit(Role.SURPLUS, entry.amount)
    return post(
        cooperative=entry.cooperative,
        date=entry.date,
        kind=EntryKind.CAPITAL,
        description=_("Capital account of %(member)s: %(kind)s")
        % {"member": entry.member.display_name, "kind": entry.get_kind_display()},
        lines=[credit(Role.MEMBERS_CAPITAL, entry.amount, member=entry.member), counter],
        source=(CAPITAL, entry.pk),
        actor=actor,
    )


def book_loss_to_reserve(loss: CapitalLoss, *, actor: Member | None = None) -> JournalEntry | None:
    """The part of a loss the collective reserve bears: Dr reserve fund, Cr surplus (the
    members' parts are booked with their `loss` entries)."""
    if not loss.from_reserve:
        return None
    return post(
        cooperative=loss.cooperative,
        date=loss.date,
        kind=EntryKind.CAPITAL,
        description=_("Loss of %(start)s to %(end)s charged to the collective reserve")
        % {"start": loss.period_start.isoformat(), "end": loss.period_end.isoformat()},
        lines=[
            debit(Role.RESERVE_FUND, loss.from_reserve),
            credit(Role.SURPLUS, loss.from_reserve),
        ],
        source=(LOSS, loss.pk),
        actor=actor,
    )

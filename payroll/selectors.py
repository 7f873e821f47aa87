"""Reads of payroll for the web pages: a month's books, distributions, statements, capital."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from coop.clock import today_in
from coop.models import Client, Cooperative, Member, Project
from coop.models.cooperative import Role
from coop.months import month_bounds
from payroll import patronage
from payroll.capital import CapitalBalance, LedgerEntry, capital_balances, capital_ledger
from payroll.capital_statements import (
    AnnualStatement,
    YearRow,
    annual_statement,
    statement_years,
    statement_years_of,
    year_rows,
)
from payroll.models import (
    CapitalAccountEntry,
    Distribution,
    DistributionDocument,
    DistributionLine,
    DistributionPolicy,
    Expense,
    Revenue,
)

FINAL = (Distribution.Status.APPROVED, Distribution.Status.PAID)
ZERO = Decimal("0")


def spending_limit(cooperative: Cooperative) -> Decimal:
    """Expenses above this amount need a passed `spending` proposal (the bylaws' setting)."""
    return Decimal(str(cooperative.settings["spending_limit"]))


def default_month(cooperative: Cooperative) -> datetime.date:
    """The month a treasurer usually works on: the previous one, in the co-op's time zone."""
    return today_in(cooperative).replace(day=1) - relativedelta(months=1)


@dataclass(frozen=True)
class ChartPart:
    """One segment of the "where the money goes" bar: a fund or the member pool."""

    key: str
    label: str
    amount: Decimal
    # Position and width in percent of the surplus, for the SVG (display only, 2 decimals).
    start: Decimal
    width: Decimal


def chart_parts(distribution: Distribution) -> list[ChartPart]:
    """The surplus as consecutive segments; empty when there is no surplus to show."""
    if distribution.surplus <= 0:
        return []
    parts = []
    start = ZERO
    for key, label, amount in (
        ("commons", _("Commons"), distribution.commons),
        ("reserve", _("Reserve"), distribution.reserve),
        ("education", _("Education"), distribution.education),
        ("pool", _("Member pool"), distribution.member_pool),
    ):
        # The last segment takes what rounding left, so that the bar is exactly full.
        width = (
            (amount * 100 / distribution.surplus).quantize(Decimal("0.01"))
            if key != "pool"
            else Decimal(100) - start
        )
        parts.append(ChartPart(key, label, amount, start, width))
        start += width
    return parts


@dataclass
class MonthBooks:
    """A month's revenue, expenses and distribution, as the overview shows them."""

    month: datetime.date
    revenue: list[Revenue]
    expenses: list[Expense]
    distribution: Distribution | None
    spending_limit: Decimal
    revenue_total: Decimal = ZERO
    approved_expenses: Decimal = ZERO
    pending_expenses: Decimal = ZERO
    chart: list[ChartPart] = field(default_factory=list)

    @property
    def locked(self) -> bool:
        return self.distribution is not None and self.distribution.status in FINAL

    @property
    def balance(self) -> Decimal:
        return self.revenue_total - self.approved_expenses


def month_books(cooperative: Cooperative, month: datetime.date) -> MonthBooks:
    """Everything the month overview shows, in four queries whatever the number of rows."""
    first, last = month_bounds(month)
    revenue = list(
        Revenue.objects.filter(cooperative=cooperative, received_on__range=(first, last))
        .select_related("client", "project")
        .order_by("received_on", "id")
    )
    expenses = list(
        Expense.objects.filter(cooperative=cooperative, date__range=(first, last))
        .select_related("proposal")
        .order_by("date", "id")
    )
    distribution = (
        Distribution.objects.filter(cooperative=cooperative, month=first)
        .exclude(status=Distribution.Status.VOID)
        .select_related("policy", "approval_proposal")
        .first()
    )
    books = MonthBooks(
        month=first,
        revenue=revenue,
        expenses=expenses,
        distribution=distribution,
        spending_limit=spending_limit(cooperative),
        revenue_total=sum((r.amount for r in revenue), ZERO),
        approved_expenses=sum(
            (e.amount for e in expenses if e.status == Expense.Status.APPROVED), ZERO
        ),
        pending_expenses=sum(
            (e.amount for e in expenses if e.status == Expense.Status.SUBMITTED), ZERO
        ),
    )
    if distribution is not None:
        books.chart = chart_parts(distribution)
    return books


def clients_with_projects(cooperative: Cooperative) -> list[Client]:
    """The co-op's clients, each with its projects prefetched (two queries)."""
    return list(
        Client.objects.filter(cooperative=cooperative)
        .order_by("name")
        .prefetch_related(Prefetch("projects", queryset=Project.objects.order_by("name")))
    )


def distributions(cooperative: Cooperative) -> QuerySet[Distribution]:
    """Every distribution of the co-op, newest month first, with its policy."""
    return (
        Distribution.objects.filter(cooperative=cooperative)
        .select_related("policy", "approved_by__user")
        .order_by("-month", "-id")
    )


def distribution_or_none(cooperative: Cooperative, pk: int) -> Distribution | None:
    """A distribution of the co-op with its lines, documents and policy (three queries)."""
    return (
        Distribution.objects.filter(cooperative=cooperative, pk=pk)
        .select_related("policy", "approved_by__user", "approval_proposal")
        .prefetch_related(
            Prefetch("lines", queryset=DistributionLine.objects.order_by("kind", "id")),
            Prefetch(
                "documents", queryset=DistributionDocument.objects.order_by("kind", "member_id")
            ),
        )
        .first()
    )


def policies(cooperative: Cooperative) -> QuerySet[DistributionPolicy]:
    return (
        DistributionPolicy.objects.filter(cooperative=cooperative)
        .select_related("adopted_by__user", "adopted_by_proposal")
        .order_by("-version")
    )


@dataclass(frozen=True)
class Statement:
    """A member's line of one approved or paid distribution."""

    distribution: Distribution
    line: DistributionLine
    payslip: DistributionDocument | None


@dataclass
class Statements:
    statements: list[Statement]
    year: int
    year_minutes: int
    year_share: Decimal
    year_cash: Decimal
    year_retained: Decimal
    ledger: list[LedgerEntry]

    @property
    def capital_balance(self) -> Decimal:
        return self.ledger[-1].balance if self.ledger else ZERO


def member_statements(member: Member) -> Statements:
    """The member's lines of final distributions (newest first), this year's totals and their
    capital account with a running balance; three queries."""
    lines = list(
        DistributionLine.objects.filter(
            kind=DistributionLine.Kind.MEMBER,
            member=member,
            distribution__cooperative_id=member.cooperative_id,
            distribution__status__in=FINAL,
        )
        .select_related("distribution")
        .order_by("-distribution__month", "-id")
    )
    payslips = {
        document.distribution_id: document
        for document in DistributionDocument.objects.filter(
            member=member,
            kind=DistributionDocument.Kind.PAYSLIP,
            distribution_id__in=[line.distribution_id for line in lines],
        )
    }
    year = today_in(member.cooperative).year
    this_year = [line for line in lines if line.distribution.month.year == year]
    return Statements(
        statements=[
            Statement(line.distribution, line, payslips.get(line.distribution_id)) for line in lines
        ],
        year=year,
        year_minutes=sum(line.minutes for line in this_year),
        year_share=sum((line.share for line in this_year), ZERO),
        year_cash=sum((line.cash for line in this_year), ZERO),
        year_retained=sum((line.retained for line in this_year), ZERO),
        ledger=capital_ledger(member),
    )


# Who reads what: one rule per read, for the pages and the API alike ----------------------------
# What the viewer may not see at all is a 404 (never a 403: we do not say it exists).

TREASURER_FILES = (DistributionDocument.Kind.CSV, DistributionDocument.Kind.SEPA)


def _id(value: int | str) -> int:
    """A row id from a URL; anything else (an API route takes any text) is not found."""
    if isinstance(value, int) or (isinstance(value, str) and value.isascii() and value.isdigit()):
        return int(value)
    raise Http404


def _may_read_member_money(viewer: Member, owner_id: int) -> bool:
    """A member reads their own money (departed members too); the treasurer reads everyone's."""
    return owner_id == viewer.pk or viewer.has_role(Role.TREASURER)


def payslip_for(
    viewer: Member, distribution_id: int, member_id: int
) -> tuple[Distribution, Member]:
    """The distribution and the member whose payslip the viewer asks for: their own, or anyone's
    for the treasurer; 404 otherwise."""
    if not _may_read_member_money(viewer, _id(member_id)):
        raise Http404(_("No such payslip."))
    distribution = get_object_or_404(
        Distribution, cooperative_id=viewer.cooperative_id, pk=_id(distribution_id)
    )
    owner = get_object_or_404(Member, cooperative_id=viewer.cooperative_id, pk=_id(member_id))
    return distribution, owner


def distribution_file_for(viewer: Member, distribution_id: int, kind: str) -> Distribution:
    """The distribution whose co-op-wide file the viewer asks for: the report for every current
    member, the payments CSV and the SEPA file (bank details) for the treasurer; 404 otherwise."""
    shared = kind == DistributionDocument.Kind.REPORT and not viewer.has_departed
    if not (shared or (kind in TREASURER_FILES and viewer.has_role(Role.TREASURER))):
        raise Http404(_("No such file."))
    return get_object_or_404(
        Distribution, cooperative_id=viewer.cooperative_id, pk=_id(distribution_id)
    )


def report_contents(distribution_id: int) -> tuple[Distribution, list[DistributionLine]]:
    """What the report of a distribution prints: the distribution with its co-op, policy and
    approver, and its lines in the report's order (the order `payroll.tasks` stores it in)."""
    distribution = Distribution.objects.select_related(
        "cooperative", "policy", "approved_by__user"
    ).get(pk=distribution_id)
    return distribution, list(distribution.lines.order_by("kind", "id"))


def capital_ledger_for(viewer: Member, member_id: int) -> tuple[Member, list[LedgerEntry]]:
    """A member's capital account, oldest entry first: the viewer's own (departed members too),
    or anyone's for the treasurer; 404 otherwise."""
    owner = _capital_owner(viewer, member_id)
    return owner, capital_ledger(owner)


def _capital_owner(viewer: Member, member_id: int) -> Member:
    if not _may_read_member_money(viewer, _id(member_id)):
        raise Http404(_("No such capital account."))
    return get_object_or_404(
        Member.objects.select_related("user", "cooperative"),
        cooperative_id=viewer.cooperative_id,
        pk=_id(member_id),
    )


def capital_statement_for(
    viewer: Member, member_id: int, year: int
) -> tuple[AnnualStatement, list[int]]:
    """A member's statement of `year` and the years there are statements for: the viewer's own
    (departed members too) or anyone's for the treasurer; 404 otherwise, and for a year without
    a statement (before the account's first entry, or after the current year)."""
    owner = _capital_owner(viewer, member_id)
    years = statement_years(owner)
    if year not in years:
        raise Http404(_("No statement for that year."))
    return annual_statement(owner, year), years


def capital_year_for(viewer: Member, year: int) -> tuple[list[YearRow], list[int]]:
    """Every member's opening and closing balance of `year`, for the treasurer's yearly
    documents; 404 for anyone else and for a year without statements."""
    if not viewer.has_role(Role.TREASURER):
        raise Http404(_("No such page."))
    years = statement_years_of(viewer.cooperative)
    if year not in years:
        raise Http404(_("No statement for that year."))
    return year_rows(viewer.cooperative, year), years


def allocation_notice_for(viewer: Member, member_id: int, year: int) -> patronage.AllocationNotice:
    """A member's written notice of allocation of `year` (United States co-ops): the viewer's
    own (departed members too) or anyone's for the treasurer; 404 otherwise, for a co-op under
    another law, and for a year without an approved distribution of the member."""
    owner = _capital_owner(viewer, member_id)
    if not patronage.applies(viewer.cooperative):
        raise Http404(_("No such page."))
    notice = patronage.notice_of_allocation(owner, year)
    if not notice.lines:
        raise Http404(_("No notice of allocation for that year."))
    return notice


def us_documents_for(viewer: Member) -> None:
    """The treasurer's United States documents (consents, 1099-PATR); 404 for anyone else and
    for a co-op under another law."""
    if not (viewer.has_role(Role.TREASURER) and patronage.applies(viewer.cooperative)):
        raise Http404(_("No such page."))


def capital_entries_for(viewer: Member) -> QuerySet[CapitalAccountEntry]:
    """The capital entries the viewer reads: their own, or the whole co-op's for the treasurer."""
    entries = CapitalAccountEntry.objects.filter(cooperative_id=viewer.cooperative_id)
    if not viewer.has_role(Role.TREASURER):
        entries = entries.filter(member=viewer)
    return entries


def capital_balances_for(viewer: Member) -> list[CapitalBalance]:
    """Everyone's balances, for the treasurer only; 404 for anyone else (who reads their own
    account through `capital_ledger_for`)."""
    if not viewer.has_role(Role.TREASURER):
        raise Http404(_("No such page."))
    return capital_balances(viewer.cooperative)


def previous_policy(policy: DistributionPolicy) -> DistributionPolicy | None:
    """The version a policy replaced, if any."""
    return (
        DistributionPolicy.objects.filter(
            cooperative_id=policy.cooperative_id, version__lt=policy.version
        )
        .order_by("-version")
        .first()
    )


def policy_adopted_since(
    cooperative: Cooperative, since: datetime.datetime
) -> DistributionPolicy | None:
    """The current policy when it was adopted after `since`, else None."""
    policy = DistributionPolicy.objects.filter(cooperative=cooperative).order_by("-version").first()
    return policy if policy is not None and policy.adopted_at >= since else None

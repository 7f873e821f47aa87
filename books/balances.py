"""The running balances every member reads: the funds (reserve, education, commons payable,
members' capital) and the bank, found by the role their account plays (`AccountMapping`);
members' capital per member; and what each fund received and spent, month by month.

Each read is a fixed number of `GROUP BY` queries whatever the journal's size. A balance is
shown as its account's type reads it (`books.reports.shown`): a fund that holds money is
positive, and so is a bank account in credit.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.db.models.query import QuerySet

from books.charts import Role
from books.models import AccountMapping, JournalLine, LedgerAccount
from books.periods import Period
from books.reports import MONEY, ZERO, cents, shown
from coop.models import Cooperative, Member

FUNDS = (Role.RESERVE_FUND, Role.EDUCATION_FUND, Role.COMMONS_PAYABLE, Role.MEMBERS_CAPITAL)
SHOWN = (*FUNDS, Role.BANK)


@dataclass(frozen=True)
class RoleBalance:
    role: str
    account: LedgerAccount
    balance: Decimal


def _mappings(cooperative: Cooperative, roles: tuple[Role, ...]) -> QuerySet[AccountMapping]:
    return AccountMapping.objects.filter(cooperative=cooperative, role__in=roles).select_related(
        "account"
    )


def role_balances(
    cooperative: Cooperative, on: datetime.date | None = None, roles: tuple[Role, ...] = SHOWN
) -> list[RoleBalance]:
    """The balance of each role's account at the end of `on` (of every entry without it), in
    the order of `roles`; a role the chart does not map is left out. One query."""
    up_to = Q() if on is None else Q(account__lines__entry__date__lte=on)
    mappings = _mappings(cooperative, roles).annotate(
        signed=Coalesce(
            Sum("account__lines__amount", filter=up_to), Value(ZERO), output_field=MONEY
        )
    )
    by_role = {
        mapping.role: RoleBalance(
            mapping.role,
            mapping.account,
            shown(mapping.account.type, cents(mapping.signed)),  # type: ignore[attr-defined]
        )
        for mapping in mappings
    }
    return [by_role[role] for role in roles if role in by_role]


@dataclass(frozen=True)
class MemberCapital:
    member: Member | None  # None: lines of the capital account that name no member
    balance: Decimal


@dataclass(frozen=True)
class CapitalBalances:
    account: LedgerAccount | None
    members: list[MemberCapital]

    @property
    def total(self) -> Decimal:
        return sum((row.balance for row in self.members), ZERO)


def members_capital(cooperative: Cooperative, on: datetime.date | None = None) -> CapitalBalances:
    """Each member's balance on the members' capital account (credit-normal), by the member
    its lines name, largest first; they add up to the account's balance. Three queries."""
    mapping = _mappings(cooperative, (Role.MEMBERS_CAPITAL,)).first()
    if mapping is None:
        return CapitalBalances(None, [])
    lines = JournalLine.objects.filter(account=mapping.account)
    if on is not None:
        lines = lines.filter(entry__date__lte=on)
    sums: dict[int | None, Decimal] = dict(
        lines.order_by()
        .values("member_id")
        .annotate(total=Sum("amount"))
        .values_list("member_id", "total")
    )
    members = Member.objects.filter(pk__in=[pk for pk in sums if pk is not None]).select_related(
        "user"
    )
    type_ = mapping.account.type
    rows = [MemberCapital(member, shown(type_, cents(sums[member.pk]))) for member in members]
    if None in sums:
        rows.append(MemberCapital(None, shown(type_, cents(sums[None]))))
    rows = [row for row in rows if row.balance]
    rows.sort(key=lambda row: (-row.balance, row.member is None, str(row.member and row.member.pk)))
    return CapitalBalances(mapping.account, rows)


@dataclass(frozen=True)
class MonthFlow:
    month: datetime.date
    received: Decimal  # what raised the balance (credits of a fund)
    spent: Decimal  # what lowered it


@dataclass(frozen=True)
class FundHistory:
    role: str
    account: LedgerAccount
    opening: Decimal
    months: list[MonthFlow]

    @property
    def received(self) -> Decimal:
        return sum((month.received for month in self.months), ZERO)

    @property
    def spent(self) -> Decimal:
        return sum((month.spent for month in self.months), ZERO)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.received - self.spent


def fund_histories(
    cooperative: Cooperative, period: Period, roles: tuple[Role, ...] = FUNDS
) -> list[FundHistory]:
    """What each fund received and spent in each month of the period that moved it, with its
    balance before the period. Two queries."""
    openings = {
        row.role: row
        for row in role_balances(cooperative, period.first - datetime.timedelta(1), roles)
    }
    account_ids = [row.account.pk for row in openings.values()]
    flows = (
        JournalLine.objects.filter(
            account_id__in=account_ids,
            entry__date__gte=period.first,
            entry__date__lte=period.last,
        )
        .annotate(month=TruncMonth("entry__date"))
        .order_by()
        .values("account_id", "month")
        .annotate(
            debits=Coalesce(Sum("amount", filter=Q(amount__gt=0)), Value(ZERO), output_field=MONEY),
            credits=Coalesce(
                Sum("amount", filter=Q(amount__lt=0)), Value(ZERO), output_field=MONEY
            ),
        )
        .order_by("month")
    )
    by_account: dict[int, list[dict]] = {}
    for flow in flows:
        by_account.setdefault(flow["account_id"], []).append(flow)
    histories = []
    for role in roles:
        if role not in openings:
            continue
        account = openings[role].account
        credit_normal = shown(account.type, Decimal(1)) < 0
        months = []
        for flow in by_account.get(account.pk, []):
            debits, credits = cents(flow["debits"]), -cents(flow["credits"])
            month = flow["month"]
            if isinstance(month, datetime.datetime):
                month = month.date()
            received, spent = (credits, debits) if credit_normal else (debits, credits)
            months.append(MonthFlow(month, received, spent))
        histories.append(FundHistory(role, account, openings[role].balance, months))
    return histories


# The bank tied to its statements -----------------------------------------------------------------


@dataclass(frozen=True)
class StatementBalance:
    """An account's latest imported statement: its closing balance and day, and what the co-op's
    other bank accounts held that day (the journal keeps every bank account on one)."""

    account_name: str
    date: datetime.date
    closing_balance: Decimal
    other_accounts: Decimal


_statements: list[Callable[[Cooperative], list[StatementBalance]]] = []


def register_statements(finder: Callable[[Cooperative], list[StatementBalance]]) -> None:
    """Banking says where the statements' balances are (it sits above the books)."""
    _statements[:] = [finder]


@dataclass(frozen=True)
class BankTie:
    account_name: str
    date: datetime.date
    statement: Decimal  # the statement's closing balance
    books: Decimal  # the journal's bank that day, less the co-op's other accounts

    @property
    def difference(self) -> Decimal:
        return self.books - self.statement

    @property
    def ties(self) -> bool:
        return self.difference == 0


def bank_tie(cooperative: Cooperative) -> list[BankTie]:
    """Per bank account with an imported statement: the statement's closing balance next to
    the books' bank on its closing day (one query per account). Empty without bank import."""
    found = _statements[0](cooperative) if _statements else []
    ties = []
    for statement in found:
        banks = role_balances(cooperative, statement.date, (Role.BANK,))
        journal = banks[0].balance if banks else ZERO
        books = journal - statement.other_accounts
        ties.append(
            BankTie(statement.account_name, statement.date, statement.closing_balance, books)
        )
    return ties

"""The books' reports for a period: the trial balance, the balance sheet and the income
statement, each from one `GROUP BY account` query, whatever the journal's size.

Signs. A line's amount is signed (debit > 0, credit < 0). A report shows a balance as its
account's type reads it: assets and expenses debit-normal (debits − credits), liabilities,
equity and income credit-normal (credits − debits), so that a fund that holds money shows a
positive figure.

Cooperage writes no closing entries: income and expense accounts run on from one year to the
next, and the balance sheet shows what they add up to (income − expenses) as a line of equity,
the result not yet closed, split into the period's and the earlier periods' part.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from books.models import AccountType, JournalEntry, LedgerAccount
from books.periods import Period
from coop.errors import DomainError
from coop.models import Cooperative

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MONEY: DecimalField = DecimalField(max_digits=16, decimal_places=2)
CREDIT_NORMAL = frozenset({AccountType.LIABILITY, AccountType.EQUITY, AccountType.INCOME})


class NoBooks(DomainError):
    """The period has no journal entries: there is nothing to report (a 404 in the API)."""

    code = "no_books"
    status = 404


def cents(total: Decimal | float | int) -> Decimal:
    """A sum read from the database, to the cent: SQLite adds decimals up as floats
    (0.1 + 0.2 = 0.30000000000000004); PostgreSQL's sums are exact already."""
    return Decimal(str(total)).quantize(CENT)


def shown(account_type: str, signed: Decimal) -> Decimal:
    """A signed balance (debit > 0) as the account's type reads it."""
    return -signed if account_type in CREDIT_NORMAL else signed


def _sum(condition: Q) -> Coalesce:
    return Coalesce(Sum("lines__amount", filter=condition), Value(ZERO), output_field=MONEY)


@dataclass(frozen=True)
class AccountRow:
    """One account over a period: its signed balance before it, what the period debited and
    credited (both positive) and its signed balance at the period's end."""

    account: LedgerAccount
    opening: Decimal
    debits: Decimal
    credits: Decimal

    @property
    def type(self) -> str:
        return self.account.type

    @property
    def closing(self) -> Decimal:
        return self.opening + self.debits - self.credits

    @property
    def movement(self) -> Decimal:
        """The period's change as the type reads it (income earned, expenses spent)."""
        return shown(self.type, self.debits - self.credits)

    @property
    def balance(self) -> Decimal:
        """The closing balance as the type reads it."""
        return shown(self.type, self.closing)

    @property
    def debit_balance(self) -> Decimal:
        return max(self.closing, ZERO)

    @property
    def credit_balance(self) -> Decimal:
        return max(-self.closing, ZERO)


def account_rows(cooperative: Cooperative, period: Period) -> list[AccountRow]:
    """Every account with lines on or before the period's last day, in number order (one
    query: the sums are aggregates of one `GROUP BY account`)."""
    date = "lines__entry__date"
    in_period = Q(**{f"{date}__gte": period.first, f"{date}__lte": period.last})
    accounts = (
        LedgerAccount.objects.filter(cooperative=cooperative)
        .annotate(
            used=Count("lines", filter=Q(**{f"{date}__lte": period.last})),
            opening=_sum(Q(**{f"{date}__lt": period.first})),
            period_debits=_sum(in_period & Q(lines__amount__gt=0)),
            period_credits=-_sum(in_period & Q(lines__amount__lt=0)),
        )
        .filter(used__gt=0)
        .order_by("number")
    )
    return [
        AccountRow(
            account=account,
            opening=cents(account.opening),  # type: ignore[attr-defined]
            debits=cents(account.period_debits),  # type: ignore[attr-defined]
            credits=cents(account.period_credits),  # type: ignore[attr-defined]
        )
        for account in accounts
    ]


def has_entries(cooperative: Cooperative, period: Period) -> bool:
    return JournalEntry.objects.filter(
        cooperative=cooperative, date__gte=period.first, date__lte=period.last
    ).exists()


def require_entries(cooperative: Cooperative, period: Period) -> None:
    """`NoBooks` unless the journal has an entry dated in the period."""
    if not has_entries(cooperative, period):
        raise NoBooks(
            _("The books have no entries in %(period)s: there is nothing to report.")
            % {"period": period.label},
            field="period",
        )


@dataclass(frozen=True)
class TrialBalance:
    period: Period
    rows: list[AccountRow]

    @property
    def debits(self) -> Decimal:
        return sum((row.debits for row in self.rows), ZERO)

    @property
    def credits(self) -> Decimal:
        return sum((row.credits for row in self.rows), ZERO)

    @property
    def debit_balances(self) -> Decimal:
        return sum((row.debit_balance for row in self.rows), ZERO)

    @property
    def credit_balances(self) -> Decimal:
        return sum((row.credit_balance for row in self.rows), ZERO)


def trial_balance(cooperative: Cooperative, period: Period) -> TrialBalance:
    """Each account's debits and credits in the period and its balance at the end; the debits
    equal the credits, and the debit balances the credit balances. `NoBooks` for an empty
    period."""
    require_entries(cooperative, period)
    return TrialBalance(period, account_rows(cooperative, period))


@dataclass(frozen=True)
class Section:
    """Accounts of one type (or two) and what they add up to."""

    rows: list[AccountRow]

    @property
    def total(self) -> Decimal:
        return sum((row.balance for row in self.rows), ZERO)

    @property
    def movement(self) -> Decimal:
        return sum((row.movement for row in self.rows), ZERO)


def _of_type(rows: list[AccountRow], *types: str) -> Section:
    return Section([row for row in rows if row.type in types])


@dataclass(frozen=True)
class IncomeStatement:
    period: Period
    income: Section
    expenses: Section

    @property
    def result(self) -> Decimal:
        """Income − expenses of the period: a surplus when positive, a loss when negative."""
        return self.income.movement - self.expenses.movement


def _income_statement(period: Period, rows: list[AccountRow]) -> IncomeStatement:
    moved = [row for row in rows if row.debits or row.credits]
    return IncomeStatement(
        period, _of_type(moved, AccountType.INCOME), _of_type(moved, AccountType.EXPENSE)
    )


def income_statement(cooperative: Cooperative, period: Period) -> IncomeStatement:
    """Income and expenses of the period by account, and the result. `NoBooks` for an empty
    period."""
    require_entries(cooperative, period)
    return _income_statement(period, account_rows(cooperative, period))


@dataclass(frozen=True)
class BalanceSheet:
    """At the period's last day. `result_of_period` and `result_before` are income − expenses
    not closed into equity by an entry: in the period, and before it."""

    period: Period
    assets: Section
    liabilities: Section
    equity: Section
    result_of_period: Decimal
    result_before: Decimal

    @property
    def equity_total(self) -> Decimal:
        return self.equity.total + self.result_of_period + self.result_before

    @property
    def liabilities_and_equity(self) -> Decimal:
        return self.liabilities.total + self.equity_total

    @property
    def balances(self) -> bool:
        return self.assets.total == self.liabilities_and_equity


def balance_sheet(cooperative: Cooperative, period: Period) -> BalanceSheet:
    """Assets = liabilities + equity at the period's end, the result not yet closed shown as
    equity. `NoBooks` for an empty period."""
    require_entries(cooperative, period)
    rows = account_rows(cooperative, period)
    earnings = [row for row in rows if row.type in (AccountType.INCOME, AccountType.EXPENSE)]
    # Income − expenses is the credit-normal reading of their summed signed balances.
    result_to_date = -sum((row.closing for row in earnings), ZERO)
    result_of_period = _income_statement(period, rows).result
    return BalanceSheet(
        period=period,
        assets=_of_type(rows, AccountType.ASSET),
        liabilities=_of_type(rows, AccountType.LIABILITY),
        equity=_of_type(rows, AccountType.EQUITY),
        result_of_period=result_of_period,
        result_before=result_to_date - result_of_period,
    )

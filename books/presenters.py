"""Wording and chart data of the books' pages: what each shown role is called, and the bar
charts of the balances, the funds' months and the reports (`coop.dashboard.bar_chart`: inline
SVG with the same figures as a table, no script)."""

from decimal import Decimal

from django.utils.translation import gettext as _

from books.balances import FundHistory, RoleBalance
from books.charts import Role
from books.reports import BalanceSheet, IncomeStatement
from coop.dashboard import BarChart, bar_chart
from coop.locale_formats import format_month
from coop.money import format_money


def role_labels() -> dict[str, str]:
    """The balances members read, as their language names them."""
    return {
        Role.RESERVE_FUND: _("Reserve fund"),
        Role.EDUCATION_FUND: _("Education fund"),
        Role.COMMONS_PAYABLE: _("Commons payable"),
        Role.MEMBERS_CAPITAL: _("Members' capital"),
        Role.BANK: _("Bank"),
    }


def balances_chart(balances: list[RoleBalance], currency: str) -> BarChart:
    labels = role_labels()
    return bar_chart(
        "books-balances",
        _("Balances of the funds and the bank"),
        _("Balance"),
        _("Amount"),
        [(labels[row.role], row.balance, format_money(row.balance, currency)) for row in balances],
    )


def fund_chart(history: FundHistory, currency: str) -> BarChart:
    """The fund's balance at the end of each month that moved it."""
    balance = history.opening
    values: list[tuple[str, int | Decimal, str]] = []
    for month in history.months:
        balance += month.received - month.spent
        values.append((format_month(month.month), balance, format_money(balance, currency)))
    label = role_labels()[history.role]
    return bar_chart(
        f"fund-{history.role}",
        _("%(fund)s at the end of each month") % {"fund": label},
        _("Month"),
        _("Balance"),
        values,
    )


def balance_sheet_chart(sheet: BalanceSheet, currency: str) -> BarChart:
    values: list[tuple[str, Decimal]] = [
        (_("Assets"), sheet.assets.total),
        (_("Liabilities"), sheet.liabilities.total),
        (_("Equity"), sheet.equity_total),
    ]
    return bar_chart(
        "balance-sheet",
        _("Assets, liabilities and equity on %(period)s") % {"period": sheet.period.label},
        _("Side"),
        _("Amount"),
        [(label, value, format_money(value, currency)) for label, value in values],
    )


def income_chart(statement: IncomeStatement, currency: str) -> BarChart:
    values = [
        (_("Income"), statement.income.movement),
        (_("Expenses"), statement.expenses.movement),
        (_("Result"), statement.result),
    ]
    return bar_chart(
        "income-statement",
        _("Income and expenses in %(period)s") % {"period": statement.period.label},
        _("Line"),
        _("Amount"),
        [(label, value, format_money(value, currency)) for label, value in values],
    )


def report_titles() -> dict[str, str]:
    return {
        "trial-balance": _("Trial balance"),
        "balance-sheet": _("Balance sheet"),
        "income-statement": _("Income statement"),
        "ties": _("Ties to the money pages"),
    }

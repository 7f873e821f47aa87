"""Wording and chart data of the statement pages: an account's balance over time as a line."""

from django.utils.translation import gettext as _

from banking.models import BankAccount
from coop.line_chart import BalancePoint, LineChart, line_chart


def balance_chart(account: BankAccount, series: list[BalancePoint]) -> LineChart | None:
    """A line through the balance at each statement's close (an SVG, with the same figures as
    a sentence and a table for a screen reader); None with fewer than two points."""
    return line_chart(
        f"balance-{account.pk}",
        _("Balance of %(account)s over time") % {"account": account.name},
        account.currency,
        series,
    )

"""Wording and chart data of the statement pages: an account's balance over time as a line."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from banking.models import BankAccount
from banking.statement_selectors import BalancePoint
from coop.locale_formats import format_day
from coop.money import format_money

WIDTH, HEIGHT, PAD = 600, 200, 10
LABELS = 24  # room under the plot for the first and last day


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    day: str
    balance: str


@dataclass(frozen=True)
class BalanceChart:
    key: str
    title: str
    description: str
    points: list[ChartPoint]
    path: str
    zero_y: float | None
    width: int = WIDTH
    height: int = HEIGHT + LABELS
    labels_y: int = HEIGHT + 16


def balance_chart(account: BankAccount, series: list[BalancePoint]) -> BalanceChart | None:
    """A line through the balance at each statement's close (an SVG, with the same figures as
    a sentence and a table for a screen reader); None with fewer than two points."""
    if len(series) < 2:
        return None
    first, last = series[0].day, series[-1].day
    span = max((last - first).days, 1)
    low = min(min(p.balance for p in series), Decimal(0))
    high = max(max(p.balance for p in series), Decimal(0))
    rise = (high - low) or Decimal(1)

    def y_of(balance: Decimal) -> float:
        return round(float(PAD + (high - balance) / rise * (HEIGHT - 2 * PAD)), 1)

    points = [
        ChartPoint(
            x=round(PAD + (p.day - first).days / span * (WIDTH - 2 * PAD), 1),
            y=y_of(p.balance),
            day=format_day(p.day),
            balance=format_money(p.balance, account.currency),
        )
        for p in series
    ]
    path = " ".join(f"{'M' if n == 0 else 'L'}{p.x} {p.y}" for n, p in enumerate(points))
    lowest = min(series, key=lambda p: p.balance)
    highest = max(series, key=lambda p: p.balance)
    description = _(
        "From %(first_balance)s on %(first_day)s to %(last_balance)s on %(last_day)s; the "
        "lowest was %(low)s on %(low_day)s, the highest %(high)s on %(high_day)s."
    ) % {
        "first_balance": points[0].balance,
        "first_day": points[0].day,
        "last_balance": points[-1].balance,
        "last_day": points[-1].day,
        "low": format_money(lowest.balance, account.currency),
        "low_day": format_day(lowest.day),
        "high": format_money(highest.balance, account.currency),
        "high_day": format_day(highest.day),
    }
    return BalanceChart(
        key=f"balance-{account.pk}",
        title=_("Balance of %(account)s over time") % {"account": account.name},
        description=description,
        points=points,
        path=path,
        zero_y=y_of(Decimal(0)) if low < 0 else None,
    )

"""A balance over time as an SVG line, with the same figures as a sentence and a table.

The bank account's statements and a member's capital account draw it alike
(template `coop/_line_chart.html`).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from coop.locale_formats import format_day
from coop.money import format_money

WIDTH, HEIGHT, PAD = 600, 200, 10
LABELS = 24  # room under the plot for the first and last day


@dataclass(frozen=True)
class BalancePoint:
    day: datetime.date
    balance: Decimal


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    day: str
    balance: str


@dataclass(frozen=True)
class LineChart:
    key: str
    title: str
    description: str
    points: list[ChartPoint]
    path: str
    zero_y: float | None
    width: int = WIDTH
    height: int = HEIGHT + LABELS
    labels_y: int = HEIGHT + 16


def line_chart(key: str, title: str, currency: str, series: list[BalancePoint]) -> LineChart | None:
    """A line through the balance at each point, oldest first; None with fewer than two."""
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
            balance=format_money(p.balance, currency),
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
        "low": format_money(lowest.balance, currency),
        "low_day": format_day(lowest.day),
        "high": format_money(highest.balance, currency),
        "high_day": format_day(highest.day),
    }
    return LineChart(
        key=key,
        title=title,
        description=description,
        points=points,
        path=path,
        zero_y=y_of(Decimal(0)) if low < 0 else None,
    )

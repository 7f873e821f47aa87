"""Interest on a capital account over a period, from its daily balance, exact to the cent.

The rule (docs/capital.md, "Interest"): each day of the period earns the account's balance at
the end of that day (an entry dated D counts from D on) × the yearly rate ÷ the days of that
year (365, or 366 in a leap year: "actual/actual", so a year at a constant balance earns
exactly balance × rate). Days on which the balance is zero or below earn nothing. The days of
equal balance are grouped into segments; the exact sum of the segments (a `Fraction`) is
rounded once, half to even, to the cent (the currency's minor unit). Pure: no Django, amounts
are `Decimal`.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

CENT = Decimal("0.01")
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Segment:
    """Days `start`..`end` (both included) at one end-of-day `balance`."""

    start: datetime.date
    end: datetime.date
    balance: Decimal

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Interest:
    segments: tuple[Segment, ...]
    rate_pct: Decimal  # percent a year
    exact: Fraction  # the unrounded sum
    amount: Decimal  # rounded half to even, to the cent

    def explanation(self) -> dict:
        """The figures as JSON-ready text (for the member's statement)."""
        return {
            "rate_pct": str(self.rate_pct),
            "exact": f"{Decimal(self.exact.numerator) / Decimal(self.exact.denominator):.6f}",
            "segments": [
                {
                    "start": segment.start.isoformat(),
                    "end": segment.end.isoformat(),
                    "days": segment.days,
                    "year_days": year_days(segment.start.year),
                    "balance": str(segment.balance),
                }
                for segment in self.segments
            ],
        }


def year_days(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def segments(
    opening: Decimal,
    changes: Iterable[tuple[datetime.date, Decimal]],
    start: datetime.date,
    end: datetime.date,
) -> list[Segment]:
    """The period cut where the balance changes (or a year ends), each part with its balance.
    `opening` is the balance before `start`; `changes` are the entries dated in the period."""
    if end < start:
        raise ValueError("the period ends before it starts")
    by_day: dict[datetime.date, Decimal] = {}
    for day, amount in changes:
        if not start <= day <= end:
            raise ValueError(f"an entry of {day} is outside the period {start}..{end}")
        by_day[day] = by_day.get(day, Decimal(0)) + amount
    cuts = sorted(
        set(by_day) | {datetime.date(y, 1, 1) for y in range(start.year + 1, end.year + 1)}
    )
    parts: list[Segment] = []
    balance, day = opening, start
    for cut in [*cuts, end + ONE_DAY]:
        if cut > day:
            parts.append(Segment(day, cut - ONE_DAY, balance))
            day = cut
        balance += by_day.get(cut, Decimal(0))
    return parts


def interest(
    opening: Decimal,
    changes: Iterable[tuple[datetime.date, Decimal]],
    start: datetime.date,
    end: datetime.date,
    rate_pct: Decimal,
    places: int = 2,
) -> Interest:
    """The interest of one account over `start`..`end` at `rate_pct` percent a year, rounded
    to `places` decimals (the currency's minor unit: 2 for EUR, 0 for JPY)."""
    if rate_pct < 0:
        raise ValueError("a rate of interest is 0 or more")
    parts = tuple(segments(opening, changes, start, end))
    rate = Fraction(rate_pct) / 100
    exact = sum(
        (
            Fraction(part.balance) * rate * part.days / year_days(part.start.year)
            for part in parts
            if part.balance > 0
        ),
        Fraction(0),
    )
    minor = round(exact * 10**places)  # a Fraction rounds half to even, exactly
    return Interest(parts, rate_pct, exact, Decimal(minor).scaleb(-places).quantize(CENT))

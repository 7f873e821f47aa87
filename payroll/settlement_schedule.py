"""A departed member's payout: the refundable part of the balance and its instalments.

Pure arithmetic, no Django. The rules (docs/capital.md, "Leaving"):

- refundable = balance × refundable share, rounded down to the cent; the retention is the rest
  of the balance (it goes to the collective reserve). A balance of zero or less pays nothing.
- The refundable amount is split into `count` instalments in cents by the largest remainder
  (Hamilton) method: every instalment gets the equal part rounded down, and the cents left over
  go one each to the earliest instalments, so that the instalments add up to the amount exactly.
  There are never more instalments than cents: 0.03 is paid in at most three.
- Instalment k is due `start` + k × `months_between` months.
- Each instalment carries the interest on the balance still unpaid before it, at the yearly
  rate, for the whole months since the previous instalment (the first: since the settlement
  month), rounded half up to the cent: unpaid × rate × months / 12.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Instalment:
    number: int  # 1, 2, …
    due_month: datetime.date  # the first day of the month from whose distribution it is paid
    amount: Decimal  # the part of the refundable amount
    interest: Decimal  # the interest on the unpaid balance, paid with it

    @property
    def total(self) -> Decimal:
        return self.amount + self.interest


def refundable_part(balance: Decimal, share: Decimal) -> Decimal:
    """The part of the balance paid back (rounded down to the cent; nothing if ≤ 0)."""
    if balance <= 0:
        return Decimal("0.00")
    return (balance * share).quantize(CENT, rounding=ROUND_DOWN)


def split_in_instalments(amount: Decimal, count: int) -> list[Decimal]:
    """`amount` in `count` parts that add up to it exactly (largest remainder, earliest first)."""
    if count < 1:
        raise ValueError("at least one instalment")
    cents = int((amount / CENT).to_integral_value())
    base, left = divmod(cents, count)
    return [Decimal(base + (1 if number < left else 0)) * CENT for number in range(count)]


def months_apart(earlier: datetime.date, later: datetime.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def schedule(
    *,
    refundable: Decimal,
    count: int,
    first_due: datetime.date,
    months_between: int,
    interest_rate: Decimal,
    settled_on: datetime.date,
) -> list[Instalment]:
    """The instalments that pay `refundable`, the first due in `first_due`'s month."""
    if refundable <= 0:
        return []
    first_due = first_due.replace(day=1)
    count = min(count, int(refundable / CENT))  # no instalment of nothing: 0.03 is 3 at most
    parts = [
        (first_due + relativedelta(months=months_between * index), amount)
        for index, amount in enumerate(split_in_instalments(refundable, count))
    ]
    return with_interest(parts, interest_rate, settled_on=settled_on)


def with_interest(
    parts: list[tuple[datetime.date, Decimal]], rate: Decimal, *, settled_on: datetime.date
) -> list[Instalment]:
    """Instalments of (due month, amount), each with the interest on the balance still unpaid
    before it for the whole months since the previous one (the first: the settlement month)."""
    unpaid = sum((amount for _due, amount in parts), Decimal("0"))
    previous = settled_on.replace(day=1)
    instalments = []
    for number, (due, amount) in enumerate(parts, start=1):
        months = max(months_apart(previous, due), 0)
        interest = (unpaid * rate * months / 12).quantize(CENT, rounding=ROUND_HALF_UP)
        instalments.append(Instalment(number, due, amount, interest))
        unpaid -= amount
        previous = due
    return instalments


def first_due_month(*, settled_on: datetime.date, start: str, start_months: int) -> datetime.date:
    """The month of the first instalment: `start_months` after the settlement date, or after
    the end of the (calendar) financial year in which it falls."""
    anchor = datetime.date(settled_on.year, 12, 31) if start == "after_year_end" else settled_on
    return (anchor + relativedelta(months=start_months)).replace(day=1)

"""Which hourly rate bills an entry, with no database: the most specific level wins.

Levels, most specific first (issue 17, "Billing rates per hour at four levels"):
a member on a project, the project, the client, the co-op's default. Within a level the rate
that applies on a day is the one with the latest `valid_from` on or before that day, so that a
new rate never reprices hours worked before it. A level whose rates all start after the day
does not apply, and the next, less specific level is asked.
"""

import bisect
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

COOP, CLIENT, PROJECT, MEMBER = 0, 1, 2, 3


@dataclass(frozen=True)
class Rate:
    """One rate of a client's scopes: `level` is COOP, CLIENT, PROJECT or MEMBER."""

    level: int
    rate: Decimal
    currency: str
    valid_from: datetime.date
    project_id: int | None = None
    member_id: int | None = None
    id: int | None = None


Key = tuple[int, int | None, int | None]


def _key(rate: Rate) -> Key:
    if rate.level == MEMBER:
        return (MEMBER, rate.project_id, rate.member_id)
    if rate.level == PROJECT:
        return (PROJECT, rate.project_id, None)
    return (rate.level, None, None)


@dataclass
class RateTable:
    """The rates of one client's scopes, indexed for `rate_for` (one lookup per entry)."""

    rates: Iterable[Rate]
    _by_key: dict[Key, list[Rate]] = field(init=False, default_factory=dict)
    _starts: dict[Key, list[datetime.date]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for rate in self.rates:
            self._by_key.setdefault(_key(rate), []).append(rate)
        for key, rates in self._by_key.items():
            rates.sort(key=lambda rate: rate.valid_from)
            self._starts[key] = [rate.valid_from for rate in rates]

    def rate_for(self, project_id: int, member_id: int, day: datetime.date) -> Rate | None:
        """The rate of the most specific level that has one valid on `day`, or None."""
        for key in (
            (MEMBER, project_id, member_id),
            (PROJECT, project_id, None),
            (CLIENT, None, None),
            (COOP, None, None),
        ):
            starts = self._starts.get(key)
            if not starts:
                continue
            index = bisect.bisect_right(starts, day)
            if index:
                return self._by_key[key][index - 1]
        return None

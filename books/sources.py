"""The records the journal is written from, and how the journal catches up with them.

Every app that writes entries (`billing`, `payroll`, `banking`) registers each kind of record it
books as a `Source`, in its `AppConfig.ready()`: the books import none of those apps, so they
reach them through this registry (as governance reaches payroll's actions by name).

A source gives two functions, both for one co-op:

- `backfill` writes the entries its records lack (records from before the books existed) and
  returns how many it wrote. A record that has its entry is skipped, so a second run writes
  nothing.
- `check` compares the journal with its records and returns the differences, each a sentence
  naming the record and the two amounts; nothing when they agree.
- `covers` (optional) names the records of *other* sources that this one books itself, as
  `(source_type, source_id)` pairs: a client's payment is booked by billing (bank against
  receivables), so the revenue rows payroll keeps for it are not booked again as revenue.
  A source leaves out of its backfill and its check whatever `covered()` returns for its name.
- `figures` (optional) gives, for a period, what its records show on the money pages
  (`Figures`: amounts by the key of a tie in `books.ties`), so that the books can compare
  them with the journal's accounts without importing the apps that keep the records.

`backfill` runs every source in `order` (invoices before the payments that settle them) in one
transaction, so a failure leaves the journal as it was; `check` runs them all and collects.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from books.periods import Period
from coop.hours.services import hold_books
from coop.models import Cooperative


@dataclass(frozen=True)
class Figures:
    """What a source's records show on the money pages for a period.

    `amounts`: by tie (`books.ties.TIES`), the figure the page shows; the figures of all
    sources that give the same tie are added up.
    `settles`: for this source's entries that settle an earlier entry (a payment, the
    invoice it pays), the settled entry's source, by the settling entry's `source_id`: the
    revenue a payment brings is its share of what the invoice's entry credited to revenue.
    """

    amounts: Mapping[str, Decimal] = field(default_factory=dict)
    settles: Mapping[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    name: str  # the `source_type` of its entries: "billing.invoice"
    backfill: Callable[[Cooperative], int]
    check: Callable[[Cooperative], list[str]]
    order: int = 100
    covers: Callable[[Cooperative], Iterable[tuple[str, str]]] | None = None
    figures: Callable[[Cooperative, Period], Figures] | None = None


_SOURCES: dict[str, Source] = {}


def register(
    name: str,
    *,
    backfill: Callable[[Cooperative], int],
    check: Callable[[Cooperative], list[str]],
    order: int = 100,
    covers: Callable[[Cooperative], Iterable[tuple[str, str]]] | None = None,
    figures: Callable[[Cooperative, Period], Figures] | None = None,
) -> None:
    """Register a kind of record (called from an app's `ready()`; registering again replaces)."""
    _SOURCES[name] = Source(name, backfill, check, order, covers, figures)


def sources() -> list[Source]:
    return sorted(_SOURCES.values(), key=lambda source: (source.order, source.name))


def covered(cooperative: Cooperative, source_type: str) -> set[str]:
    """The ids of `source_type` records that other sources book (see `covers`)."""
    return {
        str(source_id)
        for source in _SOURCES.values()
        if source.covers is not None
        for covered_type, source_id in source.covers(cooperative)
        if covered_type == source_type
    }


def backfill(cooperative: Cooperative) -> dict[str, int]:
    """Write the entries the co-op's records lack, all or none; how many per source."""
    with transaction.atomic():
        hold_books(cooperative)  # no money event of this co-op writes meanwhile
        return {source.name: source.backfill(cooperative) for source in sources()}


def check(cooperative: Cooperative) -> dict[str, list[str]]:
    """The differences between the journal and each source's records (empty lists: none)."""
    return {source.name: source.check(cooperative) for source in sources()}

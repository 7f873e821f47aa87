"""The registry through which the apps above the books bring the journal up to their records,
and `manage.py backfill_books`, which runs it."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from books import sources
from books.journal import credit, debit, post
from books.models import JournalEntry
from tests.factories import CooperativeFactory


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test (the apps' own sources are left out)."""
    monkeypatch.setattr(sources, "_SOURCES", {})
    return sources


def revenue_source(records):
    """A source of hand-made records {id: amount}: each gets one entry, bank against revenue."""

    def backfill(cooperative):
        booked = set(
            JournalEntry.objects.filter(
                cooperative=cooperative, source_type="test.record"
            ).values_list("source_id", flat=True)
        )
        written = 0
        for record_id, amount in records.items():
            if str(record_id) not in booked:
                post(
                    cooperative=cooperative,
                    date="2026-10-31",
                    kind="revenue",
                    description=f"record {record_id}",
                    lines=[debit("bank", amount), credit("other_revenue", amount)],
                    source=("test.record", record_id),
                )
                written += 1
        return written

    def check(cooperative):
        booked = {
            int(entry.source_id): sum(line.amount for line in entry.lines.all() if line.amount > 0)
            for entry in JournalEntry.objects.filter(
                cooperative=cooperative, source_type="test.record"
            ).prefetch_related("lines")
        }
        return [
            f"record {record_id}: {amount} in the records, {booked.get(record_id)} in the journal"
            for record_id, amount in records.items()
            if booked.get(record_id) != amount
        ]

    return backfill, check


def test_backfill_writes_what_is_missing_once(db, registry):
    cooperative = CooperativeFactory()
    backfill, check = revenue_source({1: Decimal("10.00"), 2: Decimal("2.50")})
    registry.register("test.record", backfill=backfill, check=check)
    assert registry.check(cooperative) == {
        "test.record": [
            "record 1: 10.00 in the records, None in the journal",
            "record 2: 2.50 in the records, None in the journal",
        ]
    }
    assert registry.backfill(cooperative) == {"test.record": 2}
    assert registry.backfill(cooperative) == {"test.record": 0}
    assert registry.check(cooperative) == {"test.record": []}


def test_sources_run_in_their_order(db, registry):
    ran = []
    for name, order in [("b", 20), ("a", 30), ("c", 10)]:
        registry.register(
            name,
            backfill=lambda cooperative, name=name: ran.append(name) or 0,
            check=lambda cooperative: [],
            order=order,
        )
    registry.backfill(CooperativeFactory())
    assert ran == ["c", "b", "a"]


def test_a_failing_source_leaves_the_journal_as_it_was(db, registry):
    cooperative = CooperativeFactory()
    backfill, check = revenue_source({1: Decimal("10.00")})
    registry.register("test.record", backfill=backfill, check=check, order=1)

    def broken(cooperative):
        raise RuntimeError("a record the source cannot read")

    registry.register("test.broken", backfill=broken, check=lambda cooperative: [], order=2)
    with pytest.raises(RuntimeError):
        registry.backfill(cooperative)
    assert not JournalEntry.objects.filter(cooperative=cooperative).exists()


def test_the_command_backfills_checks_and_reports(db, registry):
    cooperative = CooperativeFactory(slug="north")
    CooperativeFactory(slug="south")
    backfill, check = revenue_source({1: Decimal("10.00")})
    registry.register("test.record", backfill=backfill, check=check)
    out = StringIO()
    call_command("backfill_books", "--coop", "north", stdout=out)
    assert "north: 1 entries written (test.record 1)" in out.getvalue()
    assert "The journal agrees with the records." in out.getvalue()
    assert JournalEntry.objects.filter(cooperative=cooperative).count() == 1
    assert not JournalEntry.objects.exclude(cooperative=cooperative).exists()


def test_the_command_fails_on_a_difference_and_an_unknown_coop(db, registry):
    CooperativeFactory(slug="north")
    registry.register(
        "test.record",
        backfill=lambda cooperative: 0,
        check=lambda cooperative: ["record 7: 3.00 in the records, None in the journal"],
    )
    err = StringIO()
    with pytest.raises(CommandError, match="1 difference"):
        call_command("backfill_books", "--check", stdout=StringIO(), stderr=err)
    assert "north: test.record: record 7: 3.00 in the records, None in the journal" in (
        err.getvalue()
    )
    with pytest.raises(CommandError, match="No co-op with slug “nowhere”"):
        call_command("backfill_books", "--coop", "nowhere")


def test_covered_collects_what_other_sources_book(db, registry):
    cooperative = CooperativeFactory()
    registry.register(
        "billing.payment",
        backfill=lambda cooperative: 0,
        check=lambda cooperative: [],
        covers=lambda cooperative: [("payroll.revenue", 4), ("payroll.revenue", "5"), ("x.y", 6)],
    )
    registry.register("payroll.revenue", backfill=lambda c: 0, check=lambda c: [])
    assert registry.covered(cooperative, "payroll.revenue") == {"4", "5"}
    assert registry.covered(cooperative, "billing.payment") == set()

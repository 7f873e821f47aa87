"""PostgreSQL's balance trigger (books 0001, 0005) sums an entry once, at its last line, and
still refuses at commit whatever leaves an entry unbalanced: lines written past the service,
a line added to an entry later, a line changed or deleted."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from books.models import JournalEntry, JournalLine
from coop import clock
from tests.books.test_journal import DAY, chart_of, invoice_issued

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def lines(entry, accounts, *amounts):
    roles = ["receivables", "revenue_standard", "vat_standard"]
    return [
        JournalLine(entry=entry, account=accounts[role], amount=Decimal(amount))
        for role, amount in zip(roles, amounts, strict=True)
    ]


def bare_entry(cooperative):
    return JournalEntry.objects.create(
        cooperative=cooperative, date=DAY, kind="revenue", description="by hand",
        created_at=clock.now(),
    )  # fmt: skip


def test_lines_written_past_the_service_are_checked_whichever_is_wrong(cooperative):
    accounts = chart_of(cooperative)
    for amounts in (("119.00", "-100.00", "-18.99"), ("119.01", "-100.00", "-19.00")):
        with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
            JournalLine.objects.bulk_create(lines(bare_entry(cooperative), accounts, *amounts))
    with transaction.atomic():
        JournalLine.objects.bulk_create(
            lines(bare_entry(cooperative), accounts, "119.00", "-100.00", "-19.00")
        )
    assert JournalEntry.objects.count() == 1
    assert connection.vendor == "postgresql"


def test_a_line_added_to_an_entry_later_is_checked(cooperative):
    accounts = chart_of(cooperative)
    entry = invoice_issued(cooperative)
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        JournalLine.objects.create(entry=entry, account=accounts["bank"], amount=Decimal("1"))
    with transaction.atomic():
        JournalLine.objects.bulk_create(
            [
                JournalLine(entry=entry, account=accounts["bank"], amount=Decimal("5")),
                JournalLine(entry=entry, account=accounts["bank"], amount=Decimal("-5")),
            ]
        )
    assert entry.lines.count() == 5


def test_a_big_entry_commits(cooperative):
    """A distribution of a 5,000-member co-op: 10,003 lines, summed once."""
    accounts = chart_of(cooperative)
    with transaction.atomic():
        entry = bare_entry(cooperative)
        many = [
            JournalLine(entry=entry, account=accounts["vat_standard"], amount=Decimal("-1.00"))
            for _ in range(10_002)
        ]
        many.append(JournalLine(entry=entry, account=accounts["bank"], amount=Decimal("10002.00")))
        JournalLine.objects.bulk_create(many, batch_size=2000)
    assert entry.lines.count() == 10_003

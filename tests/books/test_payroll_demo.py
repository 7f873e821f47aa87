"""The demo co-op's books agree with its records: `backfill_books --check` after `demo`."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from books.models import JournalEntry
from coop.models import Cooperative
from payroll import book_sources


@pytest.mark.django_db
def test_the_demo_books_check_clean(clock):
    clock.set(datetime.datetime(2027, 3, 10, 12, tzinfo=datetime.UTC))
    call_command("demo", quiet=True)
    cooperative = Cooperative.objects.get(slug="demo")
    kinds = set(JournalEntry.objects.filter(cooperative=cooperative).values_list("kind", flat=True))
    assert {"revenue", "expense", "distribution", "payout"} <= kinds
    out = StringIO()
    call_command("backfill_books", "--check", stdout=out, stderr=StringIO())
    assert "The journal agrees with the records." in out.getvalue()
    assert book_sources.journal_capital(cooperative) == {
        member_id: balance
        for member_id, balance in book_sources.records_capital(cooperative).items()
        if balance
    }

"""The demo co-op's invoices and payments are in its books, which agree with the records."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from billing.models import Invoice, Payment
from books.models import EntryKind, JournalEntry
from coop.models import Cooperative


@pytest.mark.django_db
def test_the_demo_books_its_invoices_and_payments(clock):
    clock.set(datetime.datetime(2027, 3, 10, 12, tzinfo=datetime.UTC))
    call_command("demo", quiet=True)
    cooperative = Cooperative.objects.get(slug="demo")
    journal = JournalEntry.objects.filter(cooperative=cooperative)
    issued = Invoice.objects.filter(cooperative=cooperative).exclude(status="draft")
    assert journal.filter(kind=EntryKind.INVOICE_ISSUED).count() == issued.count() > 0
    paid = Payment.objects.filter(cooperative=cooperative)
    assert journal.filter(kind=EntryKind.PAYMENT_RECEIVED).count() == paid.count() > 0
    out = StringIO()
    call_command("backfill_books", "--check", stdout=out, stderr=StringIO())
    assert "The journal agrees with the records." in out.getvalue()

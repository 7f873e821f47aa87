"""Concurrent issues on PostgreSQL: consecutive numbers, no gap, no duplicate."""

import datetime
import functools

import pytest

from billing import invoice_lines, invoicing, issuing
from billing.models import Invoice, InvoiceSequence
from tests.billing.invoicing_factories import World
from tests.concurrency import at_once

THREADS = 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_consecutive_numbers(clock):
    clock.set(datetime.date(2026, 11, 2))
    world = World()
    drafts = []
    for n in range(THREADS):
        draft = invoicing.draft_empty_invoice(actor=world.treasurer, client=world.client)
        invoice_lines.add_line(
            actor=world.treasurer, invoice=draft, description=f"Work {n}", quantity=1, unit_price=10
        )
        drafts.append(draft)
    at_once(
        *(
            functools.partial(issuing.issue_invoice, actor=world.treasurer, invoice=draft)
            for draft in drafts
        )
    )
    numbers = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert numbers == list(range(1, THREADS + 1))
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [
        f"2026-{n:04d}" for n in range(1, THREADS + 1)
    ]
    assert InvoiceSequence.objects.get(cooperative=world.cooperative).last_number == THREADS

"""Rows of billing that the rate and client-details tests read: rates, and issued invoices with
billed entries written directly (issuing itself is the invoicing service's)."""

import datetime
from decimal import Decimal

from billing.models import BilledEntry, BillingRate, Invoice, InvoiceLine, VatCategory
from coop.models import Client, TimeEntry


def billing_rate(cooperative, **kwargs) -> BillingRate:
    kwargs.setdefault("rate", Decimal("80.00"))
    kwargs.setdefault("currency", cooperative.currency)
    kwargs.setdefault("valid_from", datetime.date(2026, 1, 1))
    return BillingRate.objects.create(cooperative=cooperative, **kwargs)


def issued_invoice(client: Client, entries: list[TimeEntry], *, number: str = "2026-0001"):
    """An issued invoice with one line per entry, each entry billed on it."""
    invoice = Invoice.objects.create(
        cooperative=client.cooperative,
        client=client,
        currency=client.currency or client.cooperative.currency,
        language="en",
        status=Invoice.Status.ISSUED,
        number=number,
        year=int(number[:4]),
        sequence=int(number[-4:]),
        issue_date=datetime.date(2026, 11, 2),
    )
    for position, entry in enumerate(entries, start=1):
        line = InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            description=entry.project.name,
            project=entry.project,
            member=entry.member,
            minutes=entry.minutes,
            quantity=Decimal(entry.minutes) / 60,
            unit_price=Decimal("80"),
            net=Decimal(entry.minutes) / 60 * 80,
            vat_category=VatCategory.STANDARD,
            vat_rate=Decimal("19"),
        )
        BilledEntry.objects.create(entry=entry, line=line)
    return invoice

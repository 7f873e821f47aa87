"""Issued invoices built directly (status, number, dates, lines and totals written as issuing
would), for the tests of payments, balances, sending and reminders."""

import datetime
from decimal import Decimal

from billing.models import Invoice, InvoiceLine
from coop.models import Client, Project
from tests.factories import ClientFactory, ProjectFactory

_numbers = iter(range(1, 10_000))


def issued_invoice(
    client: Client | None = None,
    *,
    lines: list[tuple[Project | None, Decimal]] | None = None,
    vat_rate: Decimal = Decimal("0"),
    issue_date: datetime.date = datetime.date(2026, 10, 1),
    due_date: datetime.date | None = None,
    currency: str | None = None,
    status: str = Invoice.Status.ISSUED,
    email: str = "accounts@client.example",
    language: str = "en",
    **fields,
) -> Invoice:
    """An issued invoice of `client` with one line per (project, net); VAT at `vat_rate` % on
    the sum. Due 30 days after the issue unless `due_date` says."""
    client = client or ClientFactory()
    if lines is None:
        lines = [(ProjectFactory(client=client), Decimal("1000.00"))]
    sequence = next(_numbers)
    net = sum((line_net for _, line_net in lines), Decimal("0"))
    vat = (net * vat_rate / 100).quantize(Decimal("0.01"))
    invoice = Invoice.objects.create(
        cooperative=client.cooperative,
        client=client,
        status=status,
        currency=currency or client.cooperative.currency,
        language=language,
        number=f"{issue_date.year}-{sequence:04d}",
        year=issue_date.year,
        sequence=sequence,
        issue_date=issue_date,
        due_date=due_date or issue_date + datetime.timedelta(days=30),
        buyer={"name": client.name, "email": email},
        net_total=net,
        vat_total=vat,
        gross_total=net + vat,
        **fields,
    )
    for position, (project, line_net) in enumerate(lines, start=1):
        InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            description=f"Work on {project.name}" if project else "Fixed-price work",
            project=project,
            quantity=Decimal("1"),
            unit="C62",
            unit_price=line_net,
            net=line_net,
            vat_category="S" if vat_rate else "E",
            vat_rate=vat_rate,
        )
    return invoice


def credit_note(invoice: Invoice, gross: Decimal) -> Invoice:
    """An issued credit note for `gross` against `invoice`."""
    sequence = next(_numbers)
    return Invoice.objects.create(
        cooperative=invoice.cooperative,
        client=invoice.client,
        kind=Invoice.Kind.CREDIT_NOTE,
        corrects=invoice,
        status=Invoice.Status.ISSUED,
        currency=invoice.currency,
        language=invoice.language,
        number=f"{invoice.year}-{sequence:04d}",
        year=invoice.year,
        sequence=sequence,
        issue_date=invoice.issue_date,
        due_date=invoice.issue_date,
        buyer=invoice.buyer,
        net_total=gross,
        gross_total=gross,
    )

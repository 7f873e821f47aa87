"""Issued invoices and credit notes built directly, as `billing` stores them after issue, for
the tests of their documents (PDF, e-invoice, downloads)."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory
from stdnum import iso11649

from billing.models import Invoice, InvoiceLine
from tests.factories import ClientFactory, CooperativeFactory

SELLER = {
    "name": "Kooperative Quelltext",
    "legal_name": "Quelltext eG",
    "address": "Mariahilfer Straße 1\n1060 Wien",
    "country": "AT",
    "vat_id": "ATU13585627",
    "tax_number": "12 345/6789",
    "email": "rechnung@quelltext.example",
    "iban": "AT611904300234573201",
    "bic": "BKAUATWW",
}
BUYER = {
    "name": "Datos Abiertos",
    "legal_name": "Datos Abiertos S.L.",
    "address": "Calle Mayor 1\n28013 Madrid",
    "country": "ES",
    "vat_id": "ESB58378431",
    "buyer_reference": "PO-4711",
    "email": "facturas@datos.example",
}


def rf_reference(number: str) -> str:
    """An ISO 11649 structured creditor reference for an invoice number ("RF.. 20260001")."""
    body = number.replace("-", "")
    check = iso11649.mod_97_10.calc_check_digits(body + "RF")
    return f"RF{check}{body}"


class IssuedInvoiceFactory(DjangoModelFactory):
    class Meta:
        model = Invoice

    cooperative = factory.SubFactory(CooperativeFactory)
    client = factory.SubFactory(ClientFactory, cooperative=factory.SelfAttribute("..cooperative"))
    kind = Invoice.Kind.INVOICE
    status = Invoice.Status.ISSUED
    currency = "EUR"
    language = "en"
    number = "2026-0001"
    year = 2026
    sequence = factory.Sequence(lambda n: n + 1)
    issue_date = datetime.date(2026, 11, 2)
    due_date = datetime.date(2026, 12, 2)
    period_start = datetime.date(2026, 10, 1)
    period_end = datetime.date(2026, 10, 31)
    payment_reference = factory.LazyAttribute(lambda o: rf_reference(o.number))
    seller = factory.LazyFunction(lambda: dict(SELLER))
    buyer = factory.LazyFunction(lambda: dict(BUYER))


def add_line(invoice: Invoice, **fields) -> InvoiceLine:
    """A line at the next position; hours by default (7.5 h at 80.00, 19 % VAT)."""
    values = {
        "description": "Development of the member portal",
        "quantity": Decimal("7.5"),
        "unit": "HUR",
        "unit_price": Decimal("80.00"),
        "vat_category": "S",
        "vat_rate": Decimal("19.00"),
    }
    values.update(fields)
    if "net" not in values:
        values["net"] = (values["quantity"] * values["unit_price"]).quantize(Decimal("0.01"))
    position = invoice.lines.count() + 1
    return InvoiceLine.objects.create(invoice=invoice, position=position, **values)


def with_totals(invoice: Invoice) -> Invoice:
    """The stored totals set from the lines, as issuing does."""
    from billing.invoice_figures import invoice_totals

    figures = invoice_totals(invoice, list(invoice.lines.all()))
    invoice.net_total, invoice.vat_total, invoice.gross_total = (
        figures.net,
        figures.vat,
        figures.gross,
    )
    invoice.save(update_fields=["net_total", "vat_total", "gross_total"])
    return invoice

"""What an invoice shows besides its lines: the VAT breakdown (EN 16931 BG-23) with each
category's note, as the invoice page and the API write it."""

from dataclasses import dataclass
from decimal import Decimal

from billing import totals as en16931
from billing.models import Invoice, InvoiceLine, VatCategory
from coop.money import minor_units


@dataclass(frozen=True)
class VatGroup:
    category: str
    category_label: str
    rate: Decimal
    taxable: Decimal
    vat: Decimal
    note: str


def vat_breakdown(invoice: Invoice, lines: list[InvoiceLine] | None = None) -> list[VatGroup]:
    """One row per VAT category and rate: its taxable amount, its VAT and its note."""
    if lines is None:
        lines = list(invoice.lines.all())
    result = en16931.totals(
        (en16931.Line(line.net, line.vat_category, line.vat_rate) for line in lines),
        minor_units(invoice.currency),
    )
    labels = dict(VatCategory.choices)
    return [
        VatGroup(
            category=group.category,
            category_label=str(labels.get(group.category, group.category)),
            rate=group.rate,
            taxable=group.taxable,
            vat=group.vat,
            note=invoice.vat_notes.get(group.category, ""),
        )
        for group in result.breakdown
    ]

"""The e-invoice of an issued invoice or credit note: CII XML for the EN 16931 profile
(Factur-X 1.0 / ZUGFeRD 2 "EN 16931", guideline urn:cen.eu:en16931:2017) with drafthorse, and
the Factur-X PDF: the invoice PDF with that XML embedded (PDF/A-3, factur-x).

An accountant's software or an ERP reads the XML instead of typing the invoice in: the seller
and buyer with their VAT IDs, the buyer reference (BT-10, e.g. a German Leitweg-ID), every line
with its quantity, unit and net price, the VAT breakdown with its exemption reasons, the payment
means (a SEPA credit transfer to the IBAN, with the payment reference), the due date and the
totals. The figures are the stored invoice's: its lines, the totals `billing.totals` computes
from them, and the seller and buyer as they were on the issue day.

Both files are the same bytes whenever they are made (a retried task stores what the first try
would have): the XML has no time in it, and the PDF's dates are fixed from the issue date.
"""

from __future__ import annotations

import datetime
import functools
import io
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal

import facturx
from django.utils import translation
from drafthorse.models.accounting import ApplicableTradeTax
from drafthorse.models.document import Document
from drafthorse.models.party import TaxRegistration
from drafthorse.models.payment import PaymentMeans, PaymentTerms
from drafthorse.models.tradelines import LineItem
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from billing import invoice_figures
from billing.models import Invoice, InvoiceKind, InvoiceLine, VatCategory

GUIDELINE = "urn:cen.eu:en16931:2017"
SCHEMA = "FACTUR-X_EN16931"
TYPE_CODES = {InvoiceKind.INVOICE: "380", InvoiceKind.CREDIT_NOTE: "381"}
SEPA_CREDIT_TRANSFER = "58"  # UNTDID 4461
CREDIT_TRANSFER = "30"  # a transfer to an account that is not an IBAN


def _amount(value: Decimal, places: int) -> Decimal:
    return Decimal(value).quantize(Decimal(1).scaleb(-places))


def _vat_ids(party: dict) -> list[tuple[str, str]]:
    """The party's tax registrations: its VAT ID (scheme "VA", BT-31/BT-48) and its tax number
    (scheme "FC", BT-32; the seller's only)."""
    ids = []
    if party.get("vat_id"):
        ids.append(("VA", str(party["vat_id"]).replace(" ", "")))
    if party.get("tax_number"):
        ids.append(("FC", str(party["tax_number"])))
    return ids


def _set_party(element, party: dict, *, with_tax_number: bool) -> None:
    element.name = invoice_figures.party_name(party)
    address = invoice_figures.postal_address(party)
    if address.postcode:
        element.address.postcode = address.postcode
    for field, text in zip(("line_one", "line_two", "line_three"), address.lines, strict=False):
        setattr(element.address, field, text)
    if address.city:
        element.address.city_name = address.city
    element.address.country_id = address.country
    if party.get("email"):
        element.electronic_address.uri_ID = ("EM", str(party["email"]))
    for scheme, value in _vat_ids(party):
        if scheme == "FC" and not with_tax_number:
            continue
        element.tax_registrations.add(TaxRegistration(id=(scheme, value)))


def document(invoice: Invoice, lines: Sequence[InvoiceLine] | None = None) -> Document:
    """The invoice as drafthorse's CII document (EN 16931 profile)."""
    lines = list(invoice.lines.order_by("position")) if lines is None else list(lines)
    places = invoice_figures.places(invoice)
    figures = invoice_figures.invoice_totals(invoice, lines)
    seller, buyer = invoice.seller or {}, invoice.buyer or {}

    doc = Document()
    doc.context.guideline_parameter.id = GUIDELINE
    doc.header.id = invoice.number
    doc.header.type_code = TYPE_CODES[InvoiceKind(invoice.kind)]
    doc.header.issue_date_time = invoice.issue_date
    if invoice.note:
        from drafthorse.models.note import IncludedNote

        note = IncludedNote()
        note.content.add(invoice.note)
        doc.header.notes.add(note)

    agreement = doc.trade.agreement
    buyer_reference = str(buyer.get("buyer_reference") or invoice.buyer_reference or "")
    if buyer_reference:
        agreement.buyer_reference = buyer_reference
    _set_party(agreement.seller, seller, with_tax_number=True)
    _set_party(agreement.buyer, buyer, with_tax_number=False)
    # The services were delivered in the invoiced period (BG-14); without one, on the issue day
    # (BT-72), so that every VAT category's rule on a delivery date is met.
    if not (invoice.period_start and invoice.period_end):
        doc.trade.delivery.event.occurrence = invoice.issue_date

    for line in lines:
        doc.trade.items.add(_line_item(line, places))

    settlement = doc.trade.settlement
    settlement.currency_code = invoice.currency
    if invoice.payment_reference:
        settlement.payment_reference = invoice.payment_reference
    if invoice.kind == InvoiceKind.INVOICE and seller.get("iban"):
        means = PaymentMeans()
        means.type_code = SEPA_CREDIT_TRANSFER
        means.payee_account.iban = str(seller["iban"]).replace(" ", "")
        if seller.get("bic"):
            means.payee_institution.bic = str(seller["bic"]).replace(" ", "")
        settlement.payment_means.add(means)
    for group in figures.breakdown:
        tax = ApplicableTradeTax()
        tax.calculated_amount = _amount(group.vat, places)
        tax.type_code = "VAT"
        tax.basis_amount = _amount(group.taxable, places)
        tax.category_code = group.category
        if group.category in invoice_figures.NOTED_CATEGORIES:
            with translation.override(invoice.language or "en"):
                tax.exemption_reason = invoice_figures.vat_note(invoice, group.category)
            code = invoice_figures.EXEMPTION_CODES.get(VatCategory(group.category))
            if code:
                tax.exemption_reason_code = code
        tax.rate_applicable_percent = _amount(group.rate, 2)
        settlement.trade_tax.add(tax)
    if invoice.period_start and invoice.period_end:
        settlement.period.start = invoice.period_start
        settlement.period.end = invoice.period_end
    if invoice.due_date and invoice.kind == InvoiceKind.INVOICE:
        terms = PaymentTerms()
        terms.due = invoice.due_date
        settlement.terms.add(terms)

    summation = settlement.monetary_summation
    summation.line_total = _amount(figures.net, places)
    summation.charge_total = _amount(Decimal(0), places)
    summation.allowance_total = _amount(Decimal(0), places)
    summation.tax_basis_total = _amount(figures.net, places)
    summation.tax_total = (_amount(figures.vat, places), invoice.currency)
    summation.grand_total = _amount(figures.gross, places)
    summation.due_amount = _amount(figures.gross, places)

    corrected = invoice.corrects if invoice.kind == InvoiceKind.CREDIT_NOTE else None
    if corrected is not None:
        settlement.invoice_referenced_document.issuer_assigned_id = corrected.number
        if corrected.issue_date:
            settlement.invoice_referenced_document.issue_date_time = corrected.issue_date
    return doc


def _line_item(line: InvoiceLine, places: int) -> LineItem:
    item = LineItem()
    item.document.line_id = str(line.position)
    item.product.name = line.description
    item.agreement.net.amount = line.unit_price
    item.delivery.billed_quantity = (line.quantity, line.unit or "HUR")
    item.settlement.trade_tax.type_code = "VAT"
    item.settlement.trade_tax.category_code = line.vat_category
    item.settlement.trade_tax.rate_applicable_percent = _amount(line.vat_rate, 2)
    item.settlement.monetary_summation.total_amount = _amount(line.net, places)
    return item


def xml(invoice: Invoice, lines: Sequence[InvoiceLine] | None = None) -> bytes:
    """The CII XML, validated against the Factur-X EN 16931 XSD (drafthorse raises if not)."""
    return document(invoice, lines).serialize(schema=SCHEMA)


# factur-x stamps the PDF's and the XMP's dates with the time it runs; the stored file must be
# the same bytes whenever it is made, so they are set to the issue day while it runs. The
# replacement is process-wide: one build at a time holds it.
_FIXED_DATES = threading.Lock()


@contextmanager
def _dated(day: datetime.date) -> Iterator[None]:
    moment = datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
    module = facturx.facturx
    with _FIXED_DATES:
        pdf_timestamp, metadata_timestamp = (
            module._get_pdf_timestamp,
            module._get_metadata_timestamp,
        )
        module._get_pdf_timestamp = lambda date=None: pdf_timestamp(date or moment)
        module._get_metadata_timestamp = lambda: moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        try:
            yield
        finally:
            module._get_pdf_timestamp = pdf_timestamp
            module._get_metadata_timestamp = metadata_timestamp


@functools.cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile (LittleCMS, through Pillow), its creation date fixed: the output
    intent PDF/A asks for, the same bytes in every file."""
    from PIL import ImageCms

    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    # ICC header, bytes 24-35: the creation date and time (year, month, day, h, m, s; uint16)
    profile[24:36] = bytes.fromhex("07d000010001000000000000")
    return bytes(profile)


def with_output_intent(pdf_bytes: bytes) -> bytes:
    """The PDF with an sRGB output intent (GTS_PDFA1), which PDF/A requires of a PDF that
    draws in device colours, as reportlab does."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes))
    profile = DecodedStreamObject()
    profile.set_data(srgb_profile())
    profile[NameObject("/N")] = NumberObject(3)
    condition = TextStringObject("sRGB IEC61966-2.1")
    intent = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFA1"),
            NameObject("/OutputConditionIdentifier"): condition,
            NameObject("/Info"): condition,
            NameObject("/DestOutputProfile"): writer._add_object(profile),
        }
    )
    writer._root_object[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def factur_x_pdf(invoice: Invoice, pdf_bytes: bytes, xml_bytes: bytes) -> bytes:
    """The invoice PDF with its XML embedded as factur-x.xml (Factur-X EN 16931, PDF/A-3)."""
    title = invoice_figures.party_name(invoice.seller or {})
    with _dated(invoice.issue_date or datetime.date(2000, 1, 1)):
        return facturx.generate_from_binary(
            with_output_intent(pdf_bytes),
            xml_bytes,
            flavor="factur-x",
            level="en16931",
            check_xsd=False,  # `xml` validated it already
            pdf_metadata={
                "author": title,
                "keywords": "Factur-X, ZUGFeRD, EN 16931",
                "title": f"{title}: {invoice.number}",
                "subject": f"{invoice.number} {invoice.issue_date:%Y-%m-%d}"
                if invoice.issue_date
                else invoice.number,
            },
            lang=invoice.language or "en",
        )

"""The invoice (or credit note) as a PDF, in the invoice's language, from the stored invoice.

What it holds: the co-op's letterhead (legal name, address, VAT ID, tax number, e-mail), the
buyer's address block with VAT ID and buyer reference, the number, the dates and the period, the
lines (hours with the language's decimals), the VAT breakdown per category and rate, the totals,
the VAT notes (reverse charge, exemption, export), and how to pay: IBAN, BIC, the structured
payment reference, the due date and the amount, with an EPC QR code ("GiroCode", EPC069-12) that
a banking app scans to fill in the transfer.

Everything comes from the issued invoice: its lines and the seller and buyer as they were on the
issue day (`Invoice.seller`, `Invoice.buyer`), so the same invoice gives the same bytes
(reportlab's invariant mode), whenever and however often it is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import segno
from babel import numbers as babel_numbers
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle
from segno import helpers as segno_helpers

from billing import invoice_figures
from billing.models import Invoice, InvoiceKind, InvoiceLine, VatCategory
from coop import pdf
from coop.locale_formats import babel_locale, format_day, format_day_range, sentence_start
from coop.money import format_amount, format_money
from payroll.epc_text import epc_text

# EPC069-12: a transfer the QR code may ask for is in euro, of 0.01 to 999,999,999.99.
EPC_MAX_AMOUNT = Decimal("999999999.99")
QR_SIZE = 34 * mm


def build(invoice: Invoice, lines: Sequence[InvoiceLine] | None = None) -> bytes:
    """The PDF in the invoice's language; a draft is marked "DRAFT — not an invoice"."""
    lines = list(invoice.lines.order_by("position")) if lines is None else list(lines)
    with translation.override(invoice.language or "en"):
        return _build(invoice, lines)


def _build(invoice: Invoice, lines: list[InvoiceLine]) -> bytes:
    styles = pdf.styles()
    figures = invoice_figures.invoice_totals(invoice, lines)
    story: list = []
    if invoice.is_draft:
        mark = ParagraphStyle("draft", parent=styles["title"], textColor=colors.red)
        story.append(Paragraph(pdf.escape(_("DRAFT — not an invoice")), mark))
    story += [
        _parties(invoice),
        Spacer(1, 8 * mm),
        Paragraph(pdf.escape(title(invoice)), styles["title"]),
        pdf.key_values(_dates(invoice), widths=(45 * mm, 80 * mm), align_right=False),
        Spacer(1, 5 * mm),
        _lines_table(invoice, lines),
        Spacer(1, 4 * mm),
        _breakdown_table(invoice, figures),
        Spacer(1, 3 * mm),
        _totals_table(invoice, figures),
        Spacer(1, 4 * mm),
    ]
    for note in invoice_figures.vat_notes(invoice, figures.breakdown):
        story.append(Paragraph(pdf.escape(note), styles["body"]))
    if invoice.note:
        story.append(Paragraph(pdf.escape(invoice.note), styles["body"]))
    story.append(Spacer(1, 5 * mm))
    story += _payment(invoice, figures.gross)
    seller = invoice.seller or {}
    footer = " · ".join(
        part
        for part in (
            invoice_figures.party_name(seller),
            _("VAT ID %(id)s") % {"id": seller["vat_id"]} if seller.get("vat_id") else "",
            str(seller.get("email") or ""),
        )
        if part
    )
    return pdf.build_pdf(title(invoice), story, footer)


def title(invoice: Invoice) -> str:
    """ "Invoice 2026-0001", "Credit note 2026-0002"; a draft by its id."""
    number = invoice.number or _("draft %(id)s") % {"id": invoice.pk}
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        return _("Credit note %(number)s") % {"number": number}
    return _("Invoice %(number)s") % {"number": number}


def _party_block(party: dict, heading: str, extra: list[str]) -> list[Paragraph]:
    styles = pdf.styles()
    address = invoice_figures.address_lines(str(party.get("address") or ""))
    country = str(party.get("country") or "")
    if country:
        address.append(_country_name(country))
    block = [
        Paragraph(pdf.escape(heading), styles["small"]),
        Paragraph(pdf.escape(invoice_figures.party_name(party)), styles["bold"]),
    ]
    block += [Paragraph(pdf.escape(text), styles["cell"]) for text in address + extra if text]
    return block


def _country_name(code: str) -> str:
    return babel_locale().territories.get(code.upper(), code.upper())


def _parties(invoice: Invoice) -> Table:
    """The seller's letterhead on the left, the buyer's address on the right."""
    seller, buyer = invoice.seller or {}, invoice.buyer or {}
    seller_extra = [
        _("VAT ID: %(id)s") % {"id": seller["vat_id"]} if seller.get("vat_id") else "",
        _("Tax number: %(number)s") % {"number": seller["tax_number"]}
        if seller.get("tax_number")
        else "",
        str(seller.get("email") or ""),
    ]
    buyer_extra = [
        _("VAT ID: %(id)s") % {"id": buyer["vat_id"]} if buyer.get("vat_id") else "",
        _("Your reference: %(reference)s") % {"reference": _buyer_reference(invoice)}
        if _buyer_reference(invoice)
        else "",
    ]
    table = Table(
        [[_party_block(seller, pgettext("invoice party", "From"), seller_extra),
          _party_block(buyer, pgettext("invoice party", "To"), buyer_extra)]],
        colWidths=(pdf.TEXT_WIDTH / 2, pdf.TEXT_WIDTH / 2),
        hAlign="LEFT",
    )  # fmt: skip
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _buyer_reference(invoice: Invoice) -> str:
    return str((invoice.buyer or {}).get("buyer_reference") or invoice.buyer_reference or "")


def _dates(invoice: Invoice) -> list[tuple[str, str]]:
    language = translation.get_language()
    rows: list[tuple[str, str]] = []
    if invoice.issue_date:
        rows.append((_("Issue date"), format_day(invoice.issue_date, language)))
    if invoice.due_date and invoice.kind == InvoiceKind.INVOICE:
        rows.append((_("Due date"), format_day(invoice.due_date, language)))
    if invoice.period_start and invoice.period_end:
        rows.append(
            (_("Period"), format_day_range(invoice.period_start, invoice.period_end, language))
        )
    corrected = invoice.corrects if invoice.kind == InvoiceKind.CREDIT_NOTE else None
    if corrected is not None:
        text = _("corrects invoice %(number)s") % {"number": corrected.number}
        if corrected.issue_date:
            text += " " + _("of %(day)s") % {"day": format_day(corrected.issue_date, language)}
        rows.append((_("Corrects"), text))
    return rows


def quantity_text(quantity: Decimal, language: str | None = None) -> str:
    """A quantity with the language's decimals: 7.5 hours → "7.50" (en), "7,50" (es, de); a
    quantity finer than hundredths keeps its digits ("0.125")."""
    exponent = quantity.normalize().as_tuple().exponent
    digits = max(2, -exponent) if isinstance(exponent, int) else 2
    return babel_numbers.format_decimal(
        quantity, format="#,##0." + "0" * digits, locale=babel_locale(language)
    )


def _unit_price(price: Decimal, invoice: Invoice, language: str | None) -> str:
    """A price with the currency's decimals, or more when it has more ("0.0125")."""
    places = invoice_figures.places(invoice)
    exponent = price.normalize().as_tuple().exponent
    if not isinstance(exponent, int) or -exponent <= places:
        return format_amount(price, invoice.currency, language)
    return babel_numbers.format_decimal(
        price, format="#,##0." + "0" * -exponent, locale=babel_locale(language)
    )


def _unit_name(unit: str) -> str:
    names = {"HUR": _("hours"), "MIN": _("minutes"), "DAY": _("days"), "C62": _("units")}
    return names.get(unit, unit)


def percent_text(rate: Decimal, language: str | None = None) -> str:
    """A VAT rate in percent (19.00 → "19%", "19 %"; 10.5 → "10.5%", "10,5 %")."""
    return babel_numbers.format_percent(
        (Decimal(rate) / 100).normalize(), locale=babel_locale(language), decimal_quantization=False
    )


def _lines_table(invoice: Invoice, lines: list[InvoiceLine]) -> Table:
    language = translation.get_language()
    currency = invoice.currency
    rows = [
        [
            line.description,
            quantity_text(line.quantity, language),
            _unit_name(line.unit),
            _unit_price(line.unit_price, invoice, language),
            percent_text(line.vat_rate, language),
            format_amount(line.net, currency, language),
        ]
        for line in lines
    ]
    header = [
        _("Description"),
        _("Quantity"),
        _("Unit"),
        _("Price (%(currency)s)") % {"currency": currency},
        _("VAT"),
        _("Net (%(currency)s)") % {"currency": currency},
    ]
    return pdf.fitted_table(header, rows, wrapping={0: 1}, right=(1, 3, 4, 5))


def category_name(category: str) -> str:
    if category not in VatCategory.values:
        return category
    return sentence_start(str(VatCategory(category).label))


def _breakdown_table(invoice: Invoice, figures) -> Table:
    language = translation.get_language()
    currency = invoice.currency
    rows = [
        [
            category_name(group.category),
            percent_text(group.rate, language),
            format_amount(group.taxable, currency, language),
            format_amount(group.vat, currency, language),
        ]
        for group in figures.breakdown
    ]
    header = [
        _("VAT category"),
        _("Rate"),
        _("Taxable (%(currency)s)") % {"currency": currency},
        _("VAT (%(currency)s)") % {"currency": currency},
    ]
    return pdf.fitted_table(header, rows, wrapping={0: 1}, right=(1, 2, 3))


def _totals_table(invoice: Invoice, figures) -> Table:
    language = translation.get_language()
    currency = invoice.currency
    styles = pdf.styles()
    bold_right = ParagraphStyle("total", parent=styles["bold"], alignment=TA_RIGHT)
    rows = [
        (_("Net total"), format_money(figures.net, currency, language)),
        (_("VAT"), format_money(figures.vat, currency, language)),
    ]
    total = (_("Total"), format_money(figures.gross, currency, language))
    cells = [
        [Paragraph(pdf.escape(label), styles["cell"]), Paragraph(pdf.escape(value), styles["num"])]
        for label, value in rows
    ]
    cells.append(
        [Paragraph(pdf.escape(total[0]), styles["bold"]),
         Paragraph(pdf.escape(total[1]), bold_right)]
    )  # fmt: skip
    return pdf.table(cells, (pdf.TEXT_WIDTH - 60 * mm, 60 * mm), header=False)


def qr_payload_allowed(invoice: Invoice, amount: Decimal) -> bool:
    """Whether the invoice gets an EPC QR code: a euro invoice (not a credit note, not a draft)
    with an IBAN to pay to and an amount the EPC allows (0.01 to 999,999,999.99)."""
    iban = str((invoice.seller or {}).get("iban") or "")
    return (
        invoice.kind == InvoiceKind.INVOICE
        and not invoice.is_draft
        and invoice.currency == "EUR"
        and bool(iban)
        and Decimal("0.01") <= amount <= EPC_MAX_AMOUNT
    )


def epc_fields(invoice: Invoice, amount: Decimal) -> dict:
    """What the EPC QR code holds (EPC069-12 version 002, SCT): the seller's name (in the SEPA
    character set) and IBAN, the BIC (optional in the EEA), the amount ("EUR12.34") and, as the
    remittance, the structured RF reference when the invoice has one, else the reference (or
    the number) as text."""
    seller = invoice.seller or {}
    reference = str(invoice.payment_reference or "").replace(" ", "")
    structured = reference.upper().startswith("RF")
    return {
        "name": epc_text(invoice_figures.party_name(seller), 70, fallback="Cooperative"),
        "iban": str(seller["iban"]).replace(" ", ""),
        "amount": amount,
        "reference": reference if structured else None,
        "text": None
        if structured
        else epc_text(invoice.payment_reference or invoice.number, 140, fallback="-"),
        "bic": str(seller.get("bic") or "").replace(" ", "") or None,
    }


def epc_qr(invoice: Invoice, amount: Decimal) -> segno.QRCode:
    """The EPC QR code ("GiroCode") of the transfer that pays the invoice (segno)."""
    return segno_helpers.make_epc_qr(**epc_fields(invoice, amount))


class QrCode(Flowable):
    """A QR code drawn as one filled vector path of its dark modules, with its quiet zone of
    four modules (a path, not one shape per module: ten times quicker to draw)."""

    BORDER = 4

    def __init__(self, qr: segno.QRCode, size: float = QR_SIZE) -> None:
        super().__init__()
        self.matrix = [list(row) for row in qr.matrix]
        self.width = self.height = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        modules = len(self.matrix) + 2 * self.BORDER
        module = self.width / modules
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(colors.black)
        path = canvas.beginPath()
        for row, bits in enumerate(self.matrix):
            y = self.height - (row + self.BORDER + 1) * module
            for column, bit in enumerate(bits):
                if bit & 1:
                    path.rect((column + self.BORDER) * module, y, module, module)
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.restoreState()


def _payment(invoice: Invoice, amount: Decimal) -> list:
    """How to pay: the transfer's details and, where allowed, its QR code beside them."""
    styles = pdf.styles()
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        credited = _("Amount credited: %(amount)s") % {
            "amount": format_money(amount, invoice.currency, translation.get_language())
        }
        return [Paragraph(pdf.escape(credited), styles["bold"])]
    language = translation.get_language()
    seller = invoice.seller or {}
    rows: list[tuple[str, str]] = [
        (_("Amount"), format_money(amount, invoice.currency, language)),
    ]
    if invoice.due_date:
        rows.append((_("Due date"), format_day(invoice.due_date, language)))
    if seller.get("iban"):
        rows.append((_("IBAN"), _grouped(str(seller["iban"]))))
    if seller.get("bic"):
        rows.append((_("BIC"), str(seller["bic"])))
    if invoice.payment_reference:
        rows.append((_("Payment reference"), _grouped(invoice.payment_reference)))
    details: list = [
        Paragraph(pdf.escape(_("Payment")), styles["h2"]),
        pdf.key_values(rows, widths=(40 * mm, 75 * mm), align_right=False),
    ]
    if invoice.payment_reference:
        ask = _("Please transfer the amount by the due date, quoting the payment reference.")
        details.append(Paragraph(pdf.escape(ask), styles["small"]))
    if not qr_payload_allowed(invoice, amount):
        return details
    code = [
        QrCode(epc_qr(invoice, amount)),
        Paragraph(pdf.escape(_("Scan with your banking app to pay.")), styles["small"]),
    ]
    table = Table(
        [[details, code]],
        colWidths=(pdf.TEXT_WIDTH - QR_SIZE - 6 * mm, QR_SIZE + 6 * mm),
        hAlign="LEFT",
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [table]


def _grouped(text: str) -> str:
    """An IBAN or RF reference in groups of four, as printed on paper: "DE89 3704 0044 …"."""
    compact = text.replace(" ", "")
    return pdf.NO_BREAK_SPACE.join(compact[i : i + 4] for i in range(0, len(compact), 4))

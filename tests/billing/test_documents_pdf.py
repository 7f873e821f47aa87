"""The invoice PDF: what it says, in the invoice's language, and its EPC QR code."""

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader
from segno.helpers import _make_epc_qr_data

from billing import invoice_pdf
from billing.models import Invoice
from tests.billing.document_factories import IssuedInvoiceFactory, add_line

pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\xa0", " ").replace("\u202f", " ")


def reverse_charge_invoice(**fields) -> Invoice:
    invoice = IssuedInvoiceFactory(**fields)
    add_line(invoice, description="Backend development", quantity=Decimal("12.25"),
             unit_price=Decimal("90.00"), vat_category="AE", vat_rate=Decimal("0"))  # fmt: skip
    add_line(invoice, description="Hosting October", quantity=Decimal("1"), unit="C62",
             unit_price=Decimal("40.00"), vat_category="AE", vat_rate=Decimal("0"))  # fmt: skip
    return invoice


def test_it_holds_letterhead_buyer_lines_totals_and_payment():
    invoice = IssuedInvoiceFactory()
    add_line(invoice)  # 7.5 h × 80.00 = 600.00, 19 %
    add_line(invoice, description="Rebilled domain", quantity=Decimal("1"), unit="C62",
             unit_price=Decimal("12.34"), vat_category="S", vat_rate=Decimal("19"))  # fmt: skip
    text = text_of(invoice_pdf.build(invoice))
    for expected in (
        "Quelltext eG", "Mariahilfer Straße 1", "1060 Wien", "Austria", "VAT ID: ATU13585627",
        "Tax number: 12 345/6789", "rechnung@quelltext.example",
        "Datos Abiertos S.L.", "28013 Madrid", "Spain", "VAT ID: ESB58378431",
        "Your reference: PO-4711",
        "Invoice 2026-0001", "November 2, 2026", "December 2, 2026", "Oct 1 – 31, 2026",
        "Development of the member portal", "7.50", "hours", "80.00", "19%", "600.00",
        "612.34", "116.34", "€612.34", "€116.34", "€728.68",
        "AT61 1904 3002 3457 3201", "BKAUATWW", "RF31 2026 0001",
        "Scan with your banking app to pay.",
    ):  # fmt: skip
        assert expected in text.replace("\n", " ") or expected in text, expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Invoice 2026-0001", "12.25", "€1,142.50",
                "Reverse charge: the recipient is liable for the VAT"]),
        ("es", ["Factura 2026-0001", "12,25", "1.142,50 €", "Inversión del sujeto pasivo"]),
        ("de", ["Rechnung 2026-0001", "12,25", "1.142,50 €",
                "Steuerschuldnerschaft des Leistungsempfängers"]),
    ],
)  # fmt: skip
def test_it_is_written_in_the_invoices_language(language, expected):
    invoice = reverse_charge_invoice(language=language)
    text = " ".join(text_of(invoice_pdf.build(invoice)).split())
    for words in expected:
        assert words in text, (language, words, text)


def test_the_epc_qr_code_carries_the_transfer():
    invoice = IssuedInvoiceFactory()
    add_line(invoice, quantity=Decimal("1"), unit_price=Decimal("10.37"), vat_rate=Decimal("19"))
    amount = Decimal("12.34")
    fields = invoice_pdf.epc_fields(invoice, amount)
    payload = _make_epc_qr_data(**fields).decode("latin-1").split("\n")
    assert payload[:2] == ["BCD", "002"]
    assert payload[3:] == [
        "SCT", "BKAUATWW", "Quelltext eG", "AT611904300234573201", "EUR12.34", "",
        "RF3120260001",
    ]  # fmt: skip


def test_a_reference_that_is_not_structured_goes_as_text():
    invoice = IssuedInvoiceFactory(payment_reference="Rechnung 2026-0001")
    fields = invoice_pdf.epc_fields(invoice, Decimal("10"))
    assert fields["reference"] is None
    assert fields["text"] == "Rechnung 2026-0001"


@pytest.mark.parametrize(
    ("fields", "amount", "allowed"),
    [
        ({}, Decimal("12.34"), True),
        ({}, Decimal("999999999.99"), True),
        ({}, Decimal("1000000000.00"), False),
        ({}, Decimal("0"), False),
        ({"currency": "USD"}, Decimal("12.34"), False),
        ({"seller": {"legal_name": "Quelltext eG", "iban": ""}}, Decimal("12.34"), False),
        ({"kind": Invoice.Kind.CREDIT_NOTE}, Decimal("12.34"), False),
    ],
)
def test_only_euro_invoices_with_an_iban_and_an_allowed_amount_get_a_qr_code(
    fields, amount, allowed
):
    invoice = IssuedInvoiceFactory.build(**fields)
    assert invoice_pdf.qr_payload_allowed(invoice, amount) is allowed


def test_no_qr_code_on_a_dollar_invoice():
    invoice = IssuedInvoiceFactory(currency="USD")
    add_line(invoice)
    text = text_of(invoice_pdf.build(invoice))
    assert "Scan with your banking app" not in text.replace("\n", " ")
    assert "$714.00" in text


def test_a_credit_note_names_the_invoice_it_corrects():
    corrected = IssuedInvoiceFactory(number="2026-0003")
    note = IssuedInvoiceFactory(
        cooperative=corrected.cooperative, client=corrected.client,
        kind=Invoice.Kind.CREDIT_NOTE, corrects=corrected, number="2026-0004", language="de",
    )  # fmt: skip
    add_line(note, quantity=Decimal("2"))
    text = " ".join(text_of(invoice_pdf.build(note)).split())
    assert "Gutschrift 2026-0004" in text
    assert "korrigiert Rechnung 2026-0003" in text
    assert "Mit dem QR-Code" not in text


def test_a_draft_is_marked_not_an_invoice():
    invoice = IssuedInvoiceFactory(status=Invoice.Status.DRAFT, number="", sequence=None,
                                   issue_date=None, payment_reference="")  # fmt: skip
    add_line(invoice)
    text = " ".join(text_of(invoice_pdf.build(invoice)).split())
    assert "DRAFT — not an invoice" in text
    assert "Scan with your banking app" not in text


def test_long_descriptions_wrap_and_figures_do_not():
    invoice = IssuedInvoiceFactory()
    add_line(invoice, description="Migration of the accounting system " * 8,
             quantity=Decimal("1234.75"), unit_price=Decimal("123.4567"))  # fmt: skip
    lines = text_of(invoice_pdf.build(invoice)).split("\n")
    assert "1,234.75" in lines
    assert "123.4567" in lines

"""The e-invoice: CII XML (EN 16931) valid against the official XSD, parsed back to the same
figures, and embedded in the PDF (Factur-X)."""

import io
from decimal import Decimal

import facturx
import pytest
from drafthorse.models.document import Document
from lxml import etree
from pypdf import PdfReader

from billing import einvoice, invoice_pdf
from billing.models import Invoice
from tests.billing.document_factories import IssuedInvoiceFactory, add_line

pytestmark = pytest.mark.django_db

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}


def mixed_invoice(**fields) -> Invoice:
    """Hours at 19 % and at 7 %, and a reverse-charge line: three VAT groups."""
    invoice = IssuedInvoiceFactory(**fields)
    add_line(invoice, quantity=Decimal("7.5"), unit_price=Decimal("80.00"))  # 600.00 S 19
    add_line(invoice, description="Training", quantity=Decimal("3.3333"),
             unit_price=Decimal("45.00"), net=Decimal("150.00"),
             vat_rate=Decimal("7"))  # fmt: skip
    add_line(invoice, description="Licence", quantity=Decimal("1"), unit="C62",
             unit_price=Decimal("99.99"), vat_category="AE", vat_rate=Decimal("0"))  # fmt: skip
    return invoice


def value(root, path: str) -> str:
    found = root.xpath(path, namespaces=NS)
    assert found, path
    return found[0].text if hasattr(found[0], "text") else str(found[0])


def test_the_xml_is_valid_against_the_factur_x_en16931_xsd():
    xml = einvoice.xml(mixed_invoice())
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    root = etree.fromstring(xml)
    guideline = (
        "//rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
    )
    assert value(root, guideline) == "urn:cen.eu:en16931:2017"


def test_it_parses_back_to_the_same_number_totals_and_vat_breakdown():
    invoice = mixed_invoice()
    parsed = Document.parse(einvoice.xml(invoice))
    assert parsed.header.id._text == "2026-0001"
    assert parsed.header.type_code._text == "380"
    # 600.00 + 150.00 + 99.99; VAT 114.00 + 10.50 + 0
    root = etree.fromstring(einvoice.xml(invoice))
    summation = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    assert value(root, f"{summation}/ram:LineTotalAmount") == "849.99"
    assert value(root, f"{summation}/ram:TaxBasisTotalAmount") == "849.99"
    assert value(root, f"{summation}/ram:TaxTotalAmount[@currencyID='EUR']") == "124.50"
    assert value(root, f"{summation}/ram:GrandTotalAmount") == "974.49"
    assert value(root, f"{summation}/ram:DuePayableAmount") == "974.49"
    groups = {
        (tax.category_code._text, tax.rate_applicable_percent._value): (
            tax.basis_amount._value, tax.calculated_amount._value,
        )
        for tax in parsed.trade.settlement.trade_tax.children
    }  # fmt: skip
    assert groups == {
        ("AE", Decimal("0.00")): (Decimal("99.99"), Decimal("0.00")),
        ("S", Decimal("7.00")): (Decimal("150.00"), Decimal("10.50")),
        ("S", Decimal("19.00")): (Decimal("600.00"), Decimal("114.00")),
    }
    lines = parsed.trade.items.children
    assert [line.delivery.billed_quantity._amount for line in lines] == [
        Decimal("7.5000"), Decimal("3.3333"), Decimal("1.0000"),
    ]  # fmt: skip
    assert [line.delivery.billed_quantity._unit_code for line in lines] == ["HUR", "HUR", "C62"]


def test_parties_payment_and_notes_are_where_en16931_puts_them():
    root = etree.fromstring(einvoice.xml(mixed_invoice(language="de")))
    seller = "//ram:SellerTradeParty"
    assert value(root, f"{seller}/ram:Name") == "Quelltext eG"
    assert value(root, f"{seller}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']") == (
        "ATU13585627"
    )
    assert value(root, f"{seller}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']") == (
        "12 345/6789"
    )
    assert value(root, f"{seller}/ram:PostalTradeAddress/ram:PostcodeCode") == "1060"
    assert value(root, f"{seller}/ram:PostalTradeAddress/ram:CityName") == "Wien"
    assert value(root, f"{seller}/ram:PostalTradeAddress/ram:LineOne") == "Mariahilfer Straße 1"
    assert value(root, f"{seller}/ram:PostalTradeAddress/ram:CountryID") == "AT"
    email = f"{seller}/ram:URIUniversalCommunication/ram:URIID[@schemeID='EM']"
    assert value(root, email) == "rechnung@quelltext.example"
    buyer = "//ram:BuyerTradeParty"
    assert value(root, f"{buyer}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']") == (
        "ESB58378431"
    )
    assert value(root, "//ram:BuyerReference") == "PO-4711"
    means = "//ram:SpecifiedTradeSettlementPaymentMeans"
    assert value(root, f"{means}/ram:TypeCode") == "58"
    assert value(root, f"{means}/ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == (
        "AT611904300234573201"
    )
    assert value(root, "//ram:ApplicableHeaderTradeSettlement/ram:PaymentReference") == (
        "RF3120260001"
    )
    due = "//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString"
    assert value(root, due) == "20261202"
    reverse_charge = (
        "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax[ram:CategoryCode='AE']"
    )
    assert value(root, f"{reverse_charge}/ram:ExemptionReasonCode") == "VATEX-EU-AE"
    assert "Steuerschuldnerschaft des Leistungsempfängers" in value(
        root, f"{reverse_charge}/ram:ExemptionReason"
    )


def test_the_invoices_own_vat_note_is_the_exemption_reason():
    invoice = IssuedInvoiceFactory(vat_notes={"E": "Kleinunternehmer gemäß § 6 Abs. 1 Z 27 UStG"})
    add_line(invoice, vat_category="E", vat_rate=Decimal("0"))
    xml = einvoice.xml(invoice)
    root = etree.fromstring(xml)
    reason = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:ExemptionReason"
    assert value(root, reason) == "Kleinunternehmer gemäß § 6 Abs. 1 Z 27 UStG"
    text = " ".join(
        PdfReader(io.BytesIO(invoice_pdf.build(invoice))).pages[0].extract_text().split()
    )
    assert "Kleinunternehmer gemäß § 6 Abs. 1 Z 27 UStG" in text


def test_a_credit_note_is_type_381_and_refers_to_the_invoice():
    corrected = IssuedInvoiceFactory(number="2026-0003")
    note = IssuedInvoiceFactory(
        cooperative=corrected.cooperative, client=corrected.client,
        kind=Invoice.Kind.CREDIT_NOTE, corrects=corrected, number="2026-0004",
    )  # fmt: skip
    add_line(note, quantity=Decimal("2"))
    xml = einvoice.xml(note)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    root = etree.fromstring(xml)
    assert value(root, "//rsm:ExchangedDocument/ram:TypeCode") == "381"
    reference = "//ram:ApplicableHeaderTradeSettlement/ram:InvoiceReferencedDocument"
    assert value(root, f"{reference}/ram:IssuerAssignedID") == "2026-0003"
    assert value(root, f"{reference}/ram:FormattedIssueDateTime/*") == "20261102"
    assert not root.xpath("//ram:SpecifiedTradeSettlementPaymentMeans", namespaces=NS)


def test_a_yen_invoice_has_no_decimals_in_its_amounts():
    invoice = IssuedInvoiceFactory(currency="JPY")
    add_line(invoice, quantity=Decimal("2"), unit_price=Decimal("15000"), net=Decimal("30000"),
             vat_rate=Decimal("10"))  # fmt: skip
    root = etree.fromstring(einvoice.xml(invoice))
    assert value(root, "//ram:GrandTotalAmount") == "33000"


def test_the_factur_x_pdf_carries_the_xml_and_reads_as_the_invoice():
    invoice = mixed_invoice(language="es")
    lines = list(invoice.lines.all())
    xml = einvoice.xml(invoice, lines)
    content = einvoice.factur_x_pdf(invoice, invoice_pdf.build(invoice, lines), xml)
    filename, embedded = facturx.get_facturx_xml_from_pdf(content)
    assert filename == "factur-x.xml"
    assert embedded == xml
    reader = PdfReader(io.BytesIO(content))
    assert reader.metadata.title == "Quelltext eG: 2026-0001"
    text = " ".join(reader.pages[0].extract_text().replace("\xa0", " ").split())
    for expected in ("Factura 2026-0001", "974,49 €", "AT61 1904 3002 3457 3201",
                     "Inversión del sujeto pasivo"):  # fmt: skip
        assert expected in text, expected


def test_the_pdf_declares_its_srgb_output_intent_for_pdf_a():
    invoice = mixed_invoice()
    content = einvoice.factur_x_pdf(invoice, invoice_pdf.build(invoice), einvoice.xml(invoice))
    reader = PdfReader(io.BytesIO(content))
    (intent,) = [item.get_object() for item in reader.trailer["/Root"]["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFA1"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3
    assert profile.get_data()[36:40] == b"acsp"  # an ICC profile
    assert b"pdfaid:part" in reader.trailer["/Root"]["/Metadata"].get_object().get_data()

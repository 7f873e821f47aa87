"""The camt.053/.054 parser: exact figures from sample files written for these tests after the
ISO 20022 message definitions and real banks' layouts, refusals naming the line, and memory that
stays flat as the file grows (pure: no database)."""

import datetime
import io
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest

from banking.parsing import camt, camt_reader
from banking.parsing.types import StatementFileError

SAMPLES = Path(__file__).parent / "samples" / "camt"


def read(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def parse_bytes(data: bytes):
    return camt.parse(io.BytesIO(data))


def refusal(data: bytes) -> StatementFileError:
    with pytest.raises(StatementFileError) as caught:
        parse_bytes(data)
    return caught.value


def line_of(data: bytes, needle: bytes, occurrence: int = 1) -> int:
    start = -1
    for _ in range(occurrence):
        start = data.index(needle, start + 1)
    return data[:start].count(b"\n") + 1


# --- version detection ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("de_volksbank_053_v02_batch.xml", ("camt.053", "02")),
        ("ch_bank_053_v04_othr.xml", ("camt.053", "04")),
        ("at_raiffeisen_053_v08_rf.xml", ("camt.053", "08")),
        ("ch_bank_054_v08_notification.xml", ("camt.054", "08")),
    ],
)
def test_the_namespace_names_message_and_version(name, expected):
    head = read(name)[:4096]
    assert camt.looks_like(head)
    assert camt.detect(head) == expected


def test_other_files_do_not_look_like_camt():
    assert not camt.looks_like(b":20:STARTUMSE\r\n:25:10020030/1234567\r\n")
    assert not camt.looks_like(b"OFXHEADER:100\nDATA:OFXSGML\n")
    pain = b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">'
    assert not camt.looks_like(pain)


def test_a_version_without_a_vendored_schema_is_refused():
    data = read("at_raiffeisen_053_v08_rf.xml").replace(b"camt.053.001.08", b"camt.053.001.06")
    error = refusal(data)
    assert "camt.053.001.06 is not supported" in error.message
    assert ".001.08" in error.message


def test_every_vendored_schema_loads():
    for message, version in camt.SCHEMAS:
        assert camt.schema_of(message, version) is not None


# --- samples: exact figures --------------------------------------------------------------


def test_german_v02_batch_return_and_fees():
    (statement,) = parse_bytes(read("de_volksbank_053_v02_batch.xml"))
    assert statement.format == "camt.053"
    assert statement.account_iban == "DE89370400440532013000"
    assert statement.account_other_id == ""
    assert statement.currency == "EUR"
    assert statement.statement_id == "0412C5320260302211407"
    # PRCD stands in for the opening balance when there is no OPBD.
    assert statement.opening_balance == Decimal("5000.00")
    assert statement.opening_date == datetime.date(2026, 2, 27)
    assert statement.closing_balance == Decimal("3950.60")
    assert statement.closing_date == datetime.date(2026, 3, 2)
    assert statement.opening_balance + statement.entries_total == statement.closing_balance

    amounts = [entry.amount for entry in statement.entries]
    # The batch of three SEPA credit transfers is split with each one's own amount.
    assert amounts == [
        Decimal("120.00"),
        Decimal("85.50"),
        Decimal("149.50"),
        Decimal("-49.90"),
        Decimal("-1250.00"),
        Decimal("-104.50"),
    ]
    first, second, third, returned, payout, fees = statement.entries

    assert first.bank_reference == "2026030210583450001-1"
    assert first.end_to_end_id == "RE-2026-0042"
    assert first.remittance_information == "Rechnung 2026-0042 vom 12.02.2026 Kundennr. 1187"
    assert first.counterparty_name == "Bäckerei Sonnenschein GmbH"
    assert first.counterparty_iban == "DE02120300000000202051"
    assert first.counterparty_bic == "BYLADEM1001"
    assert first.bank_transaction_code == "PMNT/RCDT/ESCT"
    assert first.booking_date == datetime.date(2026, 3, 2)
    assert first.value_date == datetime.date(2026, 3, 2)
    assert first.where.startswith("Stmt[1]/Ntry[1]/NtryDtls/TxDtls[1] (line ")

    # NOTPROVIDED is no reference; the RF reference is compacted.
    assert second.end_to_end_id == ""
    assert second.creditor_reference == "RF18539007547034"
    assert second.counterparty_name == "Müller, Johanna"
    assert third.where.startswith("Stmt[1]/Ntry[1]/NtryDtls/TxDtls[3]")
    assert third.counterparty_bic == ""

    # A returned direct debit: booked as a debit with RvslInd, its sign kept; the creditor
    # is the account itself, so the counterparty is the debtor.
    assert returned.reversal is True
    assert returned.bank_transaction_code == "PMNT/RDDT/UPDD"
    assert returned.value_date == datetime.date(2026, 2, 27)
    assert returned.counterparty_name == "Peter Schmidt"
    assert returned.counterparty_iban == "DE12500105170648489890"
    assert returned.end_to_end_id == "LS-2026-02-MB-0817"

    assert payout.end_to_end_id == "COOP-D2026-02-L3"
    assert payout.counterparty_name == "Ana Lopez Garcia"
    assert payout.counterparty_iban == "ES9121000418450200051332"
    assert payout.counterparty_bic == "CAIXESBBXXX"

    # Fees: no details, the bank's words on the entry.
    assert fees.bank_transaction_code == "ACMT/MDOP/CHRG"
    assert fees.remittance_information == "Entgelte Kontofuehrung 02/2026"
    assert fees.bank_reference == "2026030210583450004"
    assert fees.counterparty_name == ""
    assert (
        fees.where
        == f"Stmt[1]/Ntry[4] (line {line_of(read('de_volksbank_053_v02_batch.xml'), b'<Ntry>', 4)})"
    )


def test_austrian_v08_structured_references_and_bicfi():
    (statement,) = parse_bytes(read("at_raiffeisen_053_v08_rf.xml"))
    assert statement.account_iban == "AT611904300234573201"
    # A debit balance is negative; CLAV is not the closing balance; DtTm gives its date.
    assert statement.opening_balance == Decimal("-120.35")
    assert statement.closing_balance == Decimal("2079.65")
    assert statement.closing_date == datetime.date(2026, 3, 31)
    # The INFO entry is not booked.
    assert [entry.amount for entry in statement.entries] == [
        Decimal("2400.00"),
        Decimal("-185.00"),
        Decimal("-15.00"),
    ]
    assert statement.opening_balance + statement.entries_total == statement.closing_balance
    invoice, electricity, fee = statement.entries
    assert invoice.creditor_reference == "RF712348231"
    assert invoice.end_to_end_id == "INV-2026-0117"
    assert invoice.bank_reference == "190426090ZA1B2C3D4"
    assert invoice.counterparty_name == "Alpenblick Tischlerei GmbH"
    assert invoice.counterparty_iban == "AT483200000012345864"
    assert invoice.counterparty_bic == "RLNWATWW"
    assert electricity.creditor_reference == "RF45G72UUR"
    assert electricity.remittance_information == "Strom Werkstatt Q1/2026"
    assert electricity.counterparty_name == "Stadtwerke Innsbruck"
    assert electricity.counterparty_bic == "BAWAATWW"
    assert fee.bank_transaction_code == "FEE-KTO"
    assert fee.booking_date == datetime.date(2026, 3, 31)


def test_v04_other_identifier_and_batches_that_are_not_their_parts():
    (statement,) = parse_bytes(read("ch_bank_053_v04_othr.xml"))
    assert statement.account_iban == ""
    assert statement.account_other_id == "0235-4711.01"
    assert statement.currency == "CHF"
    batch, first, second, fee = statement.entries
    # 300.00 + 150.00 is not 500.00: the entry is booked whole, with no one's name on it.
    assert batch.amount == Decimal("500.00")
    assert batch.counterparty_name == ""
    assert batch.remittance_information == "Sammelgutschrift QR-Rechnungen"
    assert batch.where.startswith("Stmt[1]/Ntry[1] (line ")
    # 100.00 + 30.55 is 130.55: split; references of their own from the entry's.
    assert (first.amount, second.amount) == (Decimal("100.00"), Decimal("30.55"))
    assert (first.bank_reference, second.bank_reference) == ("CH26041500002/1", "CH26041500002/2")
    assert first.counterparty_iban == "CH9300762011623852957"
    assert second.counterparty_name == "Huber Martin"
    assert fee.amount == Decimal("-10.00")
    assert statement.opening_balance + statement.entries_total == statement.closing_balance


def test_pending_and_information_entries_are_skipped():
    (statement,) = parse_bytes(read("de_sparkasse_053_v02_pending.xml"))
    # One booked entry; its second TxDtls has no amount, so it stays whole.
    (entry,) = statement.entries
    assert entry.amount == Decimal("200.00")
    assert entry.bank_transaction_code == "NTRF+166+00931"
    assert entry.remittance_information == "SAMMLER-GUTSCHRIFT"
    assert statement.opening_balance + statement.entries_total == statement.closing_balance


def test_camt054_notification():
    (notification,) = parse_bytes(read("ch_bank_054_v08_notification.xml"))
    assert notification.format == "camt.054"
    assert notification.account_iban == "CH9300762011623852957"
    assert notification.opening_balance is None
    assert notification.closing_balance is None
    first, second = notification.entries
    assert (first.amount, second.amount) == (Decimal("440.00"), Decimal("200.00"))
    assert first.creditor_reference == "RF18539007547034"
    assert first.counterparty_bic == "CRESCHZZ80A"
    assert first.where.startswith("Ntfctn[1]/Ntry[1]/NtryDtls/TxDtls[1]")
    assert second.remittance_information == "Kurs Velo-Flicken Juni"


def test_a_non_seekable_source_is_read():
    class Stream(io.RawIOBase):
        def __init__(self, data):
            self.inner = io.BytesIO(data)

        def readable(self):
            return True

        def readinto(self, buffer):
            chunk = self.inner.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    (statement,) = camt.parse(Stream(read("at_raiffeisen_053_v08_rf.xml")))
    assert len(statement.entries) == 3


# --- refusals -----------------------------------------------------------------------------


def test_an_unexpected_element_is_refused_naming_its_line():
    data = read("de_volksbank_053_v02_batch.xml").replace(
        b"<AcctSvcrRef>2026030210583450002</AcctSvcrRef>",
        b"<AcctSvcrRef>2026030210583450002</AcctSvcrRef><Kommentar>x</Kommentar>",
    )
    error = refusal(data)
    assert error.where == f"line {line_of(data, b'<Kommentar>')}"
    assert "XSD" in error.message
    assert "Kommentar" in error.message


def test_a_missing_required_element_is_refused_naming_its_line():
    data = read("at_raiffeisen_053_v08_rf.xml").replace(
        b"        <CdtDbtInd>DBIT</CdtDbtInd>\n        <Sts>", b"        <Sts>", 1
    )
    error = refusal(data)
    # libxml2 reports the element found where CdtDbtInd was expected.
    amount_line = line_of(data, b'<Amt Ccy="EUR">185.00</Amt>')
    assert error.where == f"line {amount_line + 1}"
    assert "CdtDbtInd" in error.message


def test_a_value_outside_the_code_list_is_refused():
    data = read("ch_bank_053_v04_othr.xml").replace(b"<Sts>BOOK</Sts>", b"<Sts>BOOKED</Sts>", 1)
    error = refusal(data)
    assert error.where == f"line {line_of(data, b'BOOKED')}"


def test_a_file_with_a_dtd_is_refused():
    laughs = (
        b'<?xml version="1.0"?>\n<!DOCTYPE Document [\n<!ENTITY a "aaaaaaaaaa">\n'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">\n]>\n'
    )
    body = read("at_raiffeisen_053_v08_rf.xml").split(b"?>", 1)[1]
    data = laughs + body.replace(
        b"<Ownr>\n          <Nm>Kollektiv", b"<Ownr>\n          <Nm>&c;", 1
    )
    error = refusal(data)
    assert "DTD" in error.message or "entity" in error.message.lower()


def test_an_external_entity_is_never_fetched():
    xxe = b'<?xml version="1.0"?>\n<!DOCTYPE Document [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    body = read("at_raiffeisen_053_v08_rf.xml").split(b"?>", 1)[1]
    data = xxe + body.replace(b"Kollektiv Holzwerk eGen", b"&x;")
    error = refusal(data)
    assert "root:" not in str(error)


def test_a_non_xml_file_is_refused():
    error = refusal(b"Buchungstag;Valuta;Betrag\n02.03.2026;02.03.2026;-12,50\n")
    assert "not an ISO 20022 camt" in error.message


def test_a_truncated_file_is_refused_naming_the_line():
    data = read("de_volksbank_053_v02_batch.xml")
    cut = data[: data.index(b"Ana Lopez")]
    error = refusal(cut)
    assert "well-formed" in error.message
    lines = cut.count(b"\n") + 1
    assert error.where == f"line {lines}"


def test_an_entry_in_another_currency_is_refused_naming_the_element():
    data = read("at_raiffeisen_053_v08_rf.xml").replace(
        b'<Amt Ccy="EUR">185.00</Amt>\n        <CdtDbtInd>DBIT',
        b'<Amt Ccy="USD">185.00</Amt>\n        <CdtDbtInd>DBIT',
        1,
    )
    error = refusal(data)
    assert error.where == f"Stmt[1]/Ntry[2]/Amt (line {line_of(data, b'USD')})"
    assert "USD" in error.message
    assert "EUR" in error.message


def test_the_schema_is_heard_before_the_data():
    # A currency mismatch early and a schema error late: the schema error is reported.
    data = (
        read("at_raiffeisen_053_v08_rf.xml")
        .replace(b'<Amt Ccy="EUR">2400.00</Amt>', b'<Amt Ccy="USD">2400.00</Amt>', 1)
        .replace(b"<AddtlNtryInf>Vormerkung", b"<Unbekannt/><AddtlNtryInf>Vormerkung")
    )
    error = refusal(data)
    assert "XSD" in error.message
    assert error.where == f"line {line_of(data, b'<Unbekannt/>')}"


# --- memory -------------------------------------------------------------------------------

ENTRY = """      <Ntry>
        <Amt Ccy="EUR">{amount}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-03-31</Dt></BookgDt>
        <ValDt><Dt>2026-03-31</Dt></ValDt>
        <AcctSvcrRef>REF{number:08d}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
          <TxDtls>
            <Refs><EndToEndId>E2E-{number:08d}</EndToEndId></Refs>
            <Amt Ccy="EUR">{amount}</Amt>
            <CdtDbtInd>CRDT</CdtDbtInd>
            <AmtDtls>
              <InstdAmt><Amt Ccy="EUR">{amount}</Amt></InstdAmt>
              <TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt>
            </AmtDtls>
            <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
            <RltdPties>
              <Dbtr><Pty><Nm>Mitglied {number}</Nm>
                <PstlAdr><Ctry>AT</Ctry><AdrLine>Hauptstrasse {number}</AdrLine>
                  <AdrLine>1010 Wien</AdrLine></PstlAdr>
              </Pty></Dbtr>
              <DbtrAcct><Id><IBAN>AT483200000012345864</IBAN></Id></DbtrAcct>
              <Cdtr><Pty><Nm>Kollektiv Holzwerk eGen</Nm></Pty></Cdtr>
              <CdtrAcct><Id><IBAN>AT611904300234573201</IBAN></Id></CdtrAcct>
            </RltdPties>
            <RltdAgts>
              <DbtrAgt><FinInstnId><BICFI>RLNWATWW</BICFI></FinInstnId></DbtrAgt>
              <CdtrAgt><FinInstnId><BICFI>RLNWATWWXXX</BICFI></FinInstnId></CdtrAgt>
            </RltdAgts>
            <RmtInf><Ustrd>Beitrag {number} Maerz 2026 laut Vereinbarung</Ustrd></RmtInf>
            <AddtlTxInf>SEPA-Gutschrift</AddtlTxInf>
          </TxDtls>
        </NtryDtls>
        <AddtlNtryInf>Gutschrift SEPA</AddtlNtryInf>
      </Ntry>
"""


@pytest.mark.parametrize(
    "count", [2_000, pytest.param(20_000, marks=pytest.mark.slow, id="20000-slow")]
)
def test_a_large_file_is_read_in_flat_memory(tmp_path, count):
    sample = read("at_raiffeisen_053_v08_rf.xml").decode()
    head = sample[: sample.index("      <Ntry>")]
    head = head.replace(
        '<Amt Ccy="EUR">2079.65</Amt>', f'<Amt Ccy="EUR">{count * 1.25 - 120.35:.2f}</Amt>'
    )
    tail = sample[sample.rindex("    </Stmt>") :]
    path = tmp_path / "large.xml"
    with path.open("w", encoding="utf-8") as out:
        out.write(head)
        for number in range(count):
            out.write(ENTRY.format(amount="1.25", number=number))
        out.write(tail)
    size = path.stat().st_size

    # Load the schema and warm the caches first: they are paid once per process, not per file.
    parse_bytes(read("at_raiffeisen_053_v08_rf.xml"))
    tracemalloc.start()
    try:
        with path.open("rb") as source:
            (statement,) = camt.parse(source)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert len(statement.entries) == count
    assert statement.entries_total == Decimal("1.25") * count
    assert statement.entries[-1].end_to_end_id == f"E2E-{count - 1:08d}"
    # The file's tree is dropped as it is read: beyond the entries it returns, the parser
    # holds the same small amount whatever the file's size; in all, well below the file's.
    assert peak - kept < 1024 * 1024, (peak, kept, size)
    assert peak < size * 0.5, (peak, size)


def test_the_parse_reads_the_file_once_validating_it_and_its_entries(monkeypatch):
    # One iterparse both validates against the schema and reads the entries; the entries are
    # read again only when they are iterated.
    passes = []
    events = camt_reader.events

    def counted(source, schema, wanted):
        passes.append(schema is not None)
        return events(source, schema, wanted)

    monkeypatch.setattr(camt_reader, "events", counted)
    (statement,) = parse_bytes(read("at_raiffeisen_053_v08_rf.xml"))
    assert passes == [True]
    assert len(list(statement.entries)) == len(statement.entries) > 0
    assert passes == [True, False]


def test_a_file_cut_short_is_refused_before_its_entries_are_read(monkeypatch):
    # The validating iterparse, which expands no entity, stops quietly at a file cut short: the
    # copy of the file checks that it is well-formed first.
    monkeypatch.setattr(camt_reader, "events", None)  # any read of the entries would fail
    data = read("at_raiffeisen_053_v08_rf.xml")
    cut = data[: data.index(b"</Stmt>")]
    error = refusal(cut)
    assert "well-formed" in error.message
    lines = cut.count(b"\n") + 1
    assert error.where == f"line {lines}"


def test_version_03_reads_like_04():
    # camt.053.001.03 and .001.04 share the entry's layout for what this sample carries.
    data = read("ch_bank_053_v04_othr.xml").replace(b"camt.053.001.04", b"camt.053.001.03")
    assert camt.detect(data[:4096]) == ("camt.053", "03")
    (statement,) = parse_bytes(data)
    assert [entry.amount for entry in statement.entries] == [
        Decimal("500.00"),
        Decimal("100.00"),
        Decimal("30.55"),
        Decimal("-10.00"),
    ]

"""The MT940 parser, on sample files laid out like several banks' (tests/banking/samples/mt940)."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest

from banking.parsing import mt940
from banking.parsing.types import StatementFileError

SAMPLES = Path(__file__).parent / "samples" / "mt940"


def parse_sample(name: str, **options):
    with open(SAMPLES / name, "rb") as source:
        return mt940.parse(source, **options)


def parse_text(text: str, encoding: str = "utf-8"):
    return mt940.parse(io.BytesIO(text.encode(encoding)))


MINIMAL = """:20:REF1
:25:10020030/1234567
:28C:5/1
:60F:C261101EUR100,00
:61:2611021102CR50,00NTRFNONREF//B1
:86:Rechnung 17
:62F:C261102EUR150,00
-
"""


@pytest.mark.parametrize("name", sorted(path.name for path in SAMPLES.iterdir()))
def test_every_sample_is_recognised_and_balances(name):
    assert mt940.looks_like((SAMPLES / name).read_bytes()[:4096])
    for statement in parse_sample(name):
        assert statement.format == "mt940"
        assert statement.opening_balance + statement.entries_total == statement.closing_balance


def test_looks_like_refuses_other_formats():
    assert not mt940.looks_like(
        b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
    )
    assert not mt940.looks_like(b"OFXHEADER:100\r\nDATA:OFXSGML\r\n")
    assert not mt940.looks_like(b"Date;Amount;Purpose\n2026-11-02;50,00;Rechnung 17\n")
    assert not mt940.looks_like(b":20:REF1\n:25:10020030/1234567\n")  # no opening balance
    assert mt940.looks_like(b"\xef\xbb\xbf" + MINIMAL.encode())
    # Banks' own header lines: ING's, Rabobank's.
    assert mt940.looks_like(
        b"0000 01INGBNL2AXXXX00001\r\n0000 01INGBNL2AXXXX00001\r\n940 00\r\n" + MINIMAL.encode()
    )
    assert mt940.looks_like(b":940:\r\n" + MINIMAL.encode())
    assert not mt940.looks_like(b"a\nb\nc\nd\n" + MINIMAL.encode())
    assert not mt940.looks_like(b":21:X\n" + MINIMAL.encode())


def test_bank_header_lines_before_the_first_statement_are_skipped():
    (statement,) = parse_text("0000 01INGBNL2AXXXX00001\n940 00\n" + MINIMAL)
    assert statement.statement_id == "REF1/5/1"


def test_sparkasse_latin1_with_subfields_and_a_balance_only_statement():
    statement, balance_only = parse_sample("sparkasse_latin1.sta")
    assert statement.account_other_id == "37050198/1234567890"
    assert statement.account_iban == ""
    assert statement.statement_id == "STARTUMSE/00042/001"
    assert statement.currency == "EUR"
    assert (statement.opening_balance, statement.opening_date) == (
        Decimal("12345.67"),
        datetime.date(2026, 11, 27),
    )
    assert (statement.closing_balance, statement.closing_date) == (
        Decimal("13478.27"),
        datetime.date(2026, 11, 30),
    )
    credit, direct_debit, fee = statement.entries
    assert credit.amount == Decimal("1190.00")
    assert credit.booking_date == credit.value_date == datetime.date(2026, 11, 27)
    assert credit.bank_reference == "8327000090031789"
    assert credit.end_to_end_id == "INV-2026-0042"
    # The purpose runs on across ?21–?23 (27 characters each) and across the field's lines.
    assert (
        credit.remittance_information
        == "Rechnung INV-2026-0042 Beratung November 2026, RF30COOP2026110042"
    )
    assert credit.creditor_reference == "RF30COOP2026110042"
    assert credit.counterparty_name == "Müller & Söhne Softwareentwicklung GmbH"
    assert credit.counterparty_iban == "DE11120300000098765432"
    assert credit.counterparty_bic == "COBADEFFXXX"
    assert credit.bank_transaction_code == "NTRF/166"
    assert credit.where == "line 5"
    assert direct_debit.amount == Decimal("-49.90")
    assert direct_debit.end_to_end_id == "2026-11-HOSTING-77"
    assert direct_debit.remittance_information == "Hosting November 2026"
    assert direct_debit.counterparty_name == "Rechenzentrum Süd AG"
    assert direct_debit.bank_transaction_code == "NDDT/105"
    # No entry date: booked on the value date. Free text in short ?2x lines keeps its words apart.
    assert fee.booking_date == datetime.date(2026, 11, 30)
    assert fee.remittance_information == "Kontoführung 11/2026 Entgelt Überweisungen"
    assert fee.bank_reference == ""
    assert fee.bank_transaction_code == "NCHG/805"
    assert balance_only.statement_id == "STARTUMSE/00043/001"
    assert balance_only.entries == []
    assert balance_only.opening_balance == balance_only.closing_balance == Decimal("13478.27")
    assert balance_only.where == "line 21"


def test_deutsche_bank_pages_in_swift_blocks():
    first, second = parse_sample("deutschebank_swift_pages.sta")
    assert first.statement_id == "DB261202000001/00150/00001"
    assert second.statement_id == "DB261202000002/00150/00002"
    assert first.account_other_id == second.account_other_id == "50070010/0123456789"
    # A debit opening balance (:60F:D) is negative; the intermediate :62M: is the next page's :60M:.
    assert first.opening_balance == Decimal("-1500.00")
    assert first.closing_balance == second.opening_balance == Decimal("1000.00")
    assert second.closing_balance == Decimal("-250.00")
    (incoming,) = first.entries
    assert incoming.creditor_reference == "RF714711"
    assert incoming.end_to_end_id == "COOP-E2E-0001"
    payout, rent = second.entries
    assert payout.end_to_end_id == "DIST-2026-11-L1"
    assert payout.counterparty_iban == "DE93370501981234567890"
    # Unstructured :86:, cut at 65 characters in the middle of a word, read in UTF-8.
    assert rent.remittance_information == (
        "Dauerauftrag Miete Büro Dezember 2026 an Genossenschaft Hausprojekt eG, Vertrag 2026-12"
    )
    assert rent.bank_transaction_code == "NMSC"
    assert rent.where == "line 19"


def test_year_end_entry_dates_and_reversals():
    (statement,) = parse_sample("volksbank_year_end.sta")
    assert statement.account_iban == "DE11120300000098765432"
    assert statement.account_other_id == ""
    credit, debit, credit_reversed, debit_reversed, interest, charge = statement.entries
    assert (credit.amount, credit.reversal) == (Decimal("300.00"), False)
    assert credit.end_to_end_id == ""  # EREF+NOTPROVIDED
    # Value date 2026-12-31, entry date "0102": booked on 2 January 2027.
    assert (debit.value_date, debit.booking_date) == (
        datetime.date(2026, 12, 31),
        datetime.date(2027, 1, 2),
    )
    # RC reverses a credit: money goes out. RD reverses a debit: money comes back.
    assert (credit_reversed.amount, credit_reversed.reversal) == (Decimal("-300.00"), True)
    assert (debit_reversed.amount, debit_reversed.reversal) == (Decimal("120.00"), True)
    assert debit_reversed.booking_date == datetime.date(2027, 1, 1)
    assert credit_reversed.bank_transaction_code == "NRTI/159"
    # Value date 2027-01-01, entry date "1231": booked on 31 December 2026.
    assert interest.booking_date == charge.booking_date == datetime.date(2026, 12, 31)
    assert (interest.amount, charge.amount) == (Decimal("10.00"), Decimal("-10.00"))


def test_polish_cp852_with_tilde_subfields():
    (statement,) = parse_sample("pko_cp852.sta")
    assert statement.account_iban == "PL61109010140000071219812874"
    assert statement.currency == "PLN"
    assert statement.statement_id == "ST261130/0001/00231"
    incoming, fee = statement.entries
    assert incoming.remittance_information == "Zapłata za fakturę FV/2026/11/0042"
    assert incoming.counterparty_name == "Spółdzielnia Łódź Żółw"
    assert incoming.counterparty_iban == "PL56114020040000330200456789"  # from ~38, ~31 is a BBAN
    assert incoming.counterparty_bic == ""  # ~30 is a sort code, not a BIC
    assert incoming.bank_transaction_code == "S034/034"
    assert fee.remittance_information == "Opłata za prowadzenie rachunku"
    assert fee.amount == Decimal("-150.00")


def test_an_explicit_encoding_wins():
    (statement,) = parse_sample("pko_cp852.sta", encoding="latin-1")
    assert statement.entries[0].counterparty_name != "Spółdzielnia Łódź Żółw"
    with pytest.raises(StatementFileError, match="cannot be read as utf-8"):
        parse_sample("pko_cp852.sta", encoding="utf-8")


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("Müller".encode() + b"\xef\xbb\xbf", "Müller\ufeff"),
        (b"\xef\xbb\xbf:20:M\xc3\xbcller", ":20:Müller"),
        ("Müller Straße Ärger".encode("latin-1"), "Müller Straße Ärger"),
        ("Płatność Łódź".encode("cp852"), "Płatność Łódź"),
        ("Zapłata za fakturę".encode("cp852"), "Zapłata za fakturę"),
        ("Kőbánya út".encode("cp852"), "Kőbánya út"),
    ],
)
def test_decode_chooses_the_code_page(data, text):
    assert mt940.decode(data) == text


@pytest.mark.parametrize(
    ("value_date", "mmdd", "entry_date"),
    [
        (datetime.date(2026, 12, 31), "0102", datetime.date(2027, 1, 2)),
        (datetime.date(2027, 1, 2), "1231", datetime.date(2026, 12, 31)),
        (datetime.date(2026, 6, 30), "0701", datetime.date(2026, 7, 1)),
        (datetime.date(2027, 12, 30), "0229", datetime.date(2028, 2, 29)),
        (datetime.date(2026, 6, 30), "0230", None),
    ],
)
def test_entry_date_takes_the_year_nearest_the_value_date(value_date, mmdd, entry_date):
    assert mt940.entry_date(value_date, mmdd) == entry_date


def test_a_minimal_statement_without_structured_details():
    (statement,) = parse_text(MINIMAL)
    (entry,) = statement.entries
    assert entry.remittance_information == "Rechnung 17"
    assert entry.bank_transaction_code == "NTRF"
    assert entry.end_to_end_id == ""


def test_the_customer_reference_stands_in_for_a_missing_eref():
    (statement,) = parse_text(MINIMAL.replace("NTRFNONREF//B1", "NTRFPAIN-E2E-7//B1"))
    assert statement.entries[0].end_to_end_id == "PAIN-E2E-7"


def test_an_iban_with_the_currency_appended_is_an_iban():
    (statement,) = parse_text(MINIMAL.replace("10020030/1234567", "DE93370501981234567890EUR"))
    assert statement.account_iban == "DE93370501981234567890"


def test_a_file_without_the_final_dash_and_with_blank_lines():
    text = (
        MINIMAL.replace("-\n", "") + "\n\n" + MINIMAL.replace("REF1", "REF2").replace("5/1", "6/1")
    )
    first, second = parse_text(text)
    assert (first.statement_id, second.statement_id) == ("REF1/5/1", "REF2/6/1")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            (":62F:C261102EUR150,00\n", ""),
            "line 1: the statement has no closing balance (:62F: or :62M:)",
        ),
        ((":60F:C261101EUR100,00\n", ""), "line 1: the statement has no opening balance"),
        ((":25:10020030/1234567\n", ""), "line 1: the statement has no account (:25:)"),
        (
            (":61:2611021102CR50,00", ":61:26110CR50,00"),
            "line 5: the :61: field is not valid MT940",
        ),
        (
            (":61:2611021102CR50,00", ":61:2611021102CR5.0,00"),
            "line 5: the :61: entry has no transaction type",
        ),
        (
            (":61:2611021102CR50,00", ":61:2611321102CR50,00"),
            "line 5: date '261132' (YYMMDD) does not exist",
        ),
        (
            (":61:2611021102CR50,00", ":61:2611021302CR50,00"),
            "line 5: entry date '1302' (MMDD) does not exist",
        ),
        (
            (":61:2611021102CR50,00", ":61:2611021102CR50,001"),
            "line 5: amount '50,001' is not an MT940 amount",
        ),
        (
            (":60F:C261101EUR100,00", ":60F:C261101EUR1,0,0"),
            "line 4: amount '1,0,0' is not an MT940 amount",
        ),
        (
            ("EUR150,00", "USD150,00"),
            "line 7: the closing balance is in USD, the opening balance in EUR",
        ),
        (
            (":62F:C261102EUR150,00\n-\n", "-\n:62F:C261102EUR150,00\n"),
            "line 8: field :62F: outside a statement",
        ),
        (
            (":86:Rechnung 17\n:62F:", ":62F:C261102EUR150,00\n:61:2611021102CR1,00NTRF\n:62F:"),
            "line 7: a :61:",
        ),
    ],
)
def test_errors_name_the_line(change, message):
    with pytest.raises(StatementFileError) as raised:
        parse_text(MINIMAL.replace(*change))
    assert str(raised.value).startswith(message)
    assert raised.value.where.startswith("line ")


def test_a_file_without_statements_is_refused():
    with pytest.raises(StatementFileError, match="no statement"):
        parse_text("0000 01INGBNL2AXXXX00001\n940 00\n")


@pytest.mark.parametrize("name", sorted(path.name for path in SAMPLES.iterdir()))
def test_a_damaged_file_is_read_or_refused_never_crashes(name):
    data = (SAMPLES / name).read_bytes()
    damaged = [data[:cut] for cut in range(0, len(data), 7)]
    damaged += [data[:at] + data[at + 5 :] for at in range(0, len(data), 11)]
    for variant in damaged:
        try:
            mt940.parse(io.BytesIO(variant))
        except StatementFileError as error:
            assert error.where

"""The OFX parser, on OFX 1.x SGML and 2.x XML sample files (tests/banking/samples/ofx)."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest

from banking.parsing import ofx
from banking.parsing.types import StatementFileError

SAMPLES = Path(__file__).parent / "samples" / "ofx"


def parse_sample(name: str):
    with open(SAMPLES / name, "rb") as source:
        return ofx.parse(source)


def parse_changed(name: str, old: str, new: str):
    data = (SAMPLES / name).read_bytes()
    assert old.encode() in data
    return ofx.parse(io.BytesIO(data.replace(old.encode(), new.encode())))


@pytest.mark.parametrize("name", sorted(path.name for path in SAMPLES.iterdir()))
def test_every_sample_is_recognised(name):
    assert ofx.looks_like((SAMPLES / name).read_bytes()[:4096])


def test_looks_like_refuses_other_formats():
    assert not ofx.looks_like(b":20:REF1\r\n:25:10020030/1234567\r\n:60F:C261101EUR100,00")
    assert not ofx.looks_like(
        b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
    )
    assert ofx.looks_like(b"\xef\xbb\xbf\r\nOFXHEADER:100\r\nDATA:OFXSGML")
    assert ofx.looks_like(b'<?OFX OFXHEADER="200" VERSION="220"?><OFX>')


def test_us_checking_ofx_102():
    (statement,) = parse_sample("us_checking_102.ofx")
    assert statement.format == "ofx"
    assert statement.currency == "USD"
    assert statement.account_iban == ""
    assert statement.account_other_id == "021000021/000123456789"
    assert statement.statement_id == "2026-11-01/2026-11-30"
    # OFX has no opening balance: the importer derives it from the closing balance and the entries.
    assert statement.opening_balance is None
    assert statement.opening_date is None
    assert (statement.closing_balance, statement.closing_date) == (
        Decimal("3195.83"),
        datetime.date(2026, 11, 30),
    )
    credit, check, utility, fee = statement.entries
    assert credit.amount == Decimal("1500.00")
    assert credit.booking_date == datetime.date(2026, 11, 3)
    assert credit.value_date == datetime.date(2026, 11, 4)  # DTAVAIL
    assert credit.bank_reference == "2026110301"
    assert credit.counterparty_name == "ACME WIDGETS & CO"
    assert credit.remittance_information == "ACH CREDIT INV-2026-0042"
    assert credit.bank_transaction_code == "CREDIT"
    assert check.counterparty_name == "Jane Roe"  # PAYEE/NAME
    assert check.amount == Decimal("-250.00")
    # 23:00 EST on 30 November is 1 December in UTC; the bank posted it on the 30th.
    assert utility.booking_date == datetime.date(2026, 11, 30)
    assert utility.value_date is None  # DTUSER is when the customer acted, not a value date
    assert fee.bank_transaction_code == "SRVCHG"
    assert fee.where == "STMTRS[1]/BANKTRANLIST/STMTTRN[4]"


def test_canadian_chequing_ofx_220_xml():
    (statement,) = parse_sample("ca_chequing_220.ofx")
    assert statement.currency == "CAD"
    assert statement.account_other_id == "0003/00012/1234567"
    deposit, payout = statement.entries
    assert deposit.counterparty_name == "Café Éclair Coopérative"
    assert deposit.booking_date == datetime.date(2026, 11, 2)
    assert payout.amount == Decimal("-800.50")
    assert payout.remittance_information == "Distribution October <L-3>"
    assert statement.closing_balance == Decimal("4199.50")


def test_credit_card_statement():
    (statement,) = parse_sample("us_creditcard_103.ofx")
    assert statement.account_other_id == "4000123412341234"
    assert statement.closing_balance == Decimal("-412.30")
    assert [entry.amount for entry in statement.entries] == [
        Decimal("-89.99"),
        Decimal("-24.50"),
        Decimal("300.00"),
    ]
    assert statement.entries[2].bank_transaction_code == "PAYMENT"
    assert statement.entries[0].where == "CCSTMTRS[1]/BANKTRANLIST/STMTTRN[1]"


@pytest.mark.parametrize(
    "written",
    [
        "20261130",
        "20261130230000",
        "20261130230000.000",
        "20261130230000.000[-5:EST]",
        "20261130230000[-05:00]",
        "20261130230000.000[+5.30:IST]",
        "20261130230000[0:GMT]",
        "20261130230000[-3]",
    ],
)
def test_a_date_is_the_day_as_written(written):
    (statement,) = parse_changed(
        "ca_chequing_220.ofx", "<DTPOSTED>20261120</DTPOSTED>", f"<DTPOSTED>{written}</DTPOSTED>"
    )
    assert statement.entries[1].booking_date == datetime.date(2026, 11, 30)


def test_an_iban_account_id_is_the_iban():
    (statement,) = parse_changed(
        "ca_chequing_220.ofx",
        "<ACCTID>1234567</ACCTID>",
        "<ACCTID>FR13 3000 6000 0112 3456 7890 18</ACCTID>",
    )
    assert statement.account_iban == "FR133000600001123456789018"
    assert statement.account_other_id == ""


def test_an_amount_in_another_currency_is_converted_at_the_files_rate():
    (statement,) = parse_changed(
        "ca_chequing_220.ofx",
        "<TRNAMT>2000.00</TRNAMT>",
        "<TRNAMT>1000.00</TRNAMT><CURRENCY><CURRATE>1.41234</CURRATE><CURSYM>EUR</CURSYM></CURRENCY>",
    )
    assert statement.entries[0].amount == Decimal("1412.34")


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        (
            "us_checking_102.ofx",
            "<TRNAMT>-42.17",
            "<TRNAMT>-42,17x",
            "STMTRS[1]/BANKTRANLIST/STMTTRN[3]/TRNAMT: '-42,17x'",
        ),
        (
            "us_checking_102.ofx",
            "<TRNAMT>-42.17",
            "<TRNAMT>-42.175",
            "STMTRS[1]/BANKTRANLIST/STMTTRN[3]/TRNAMT: '-42.175'",
        ),
        (
            "us_checking_102.ofx",
            "<DTPOSTED>20261115",
            "<DTPOSTED>2026-11-15",
            "STMTRS[1]/BANKTRANLIST/STMTTRN[2]/DTPOSTED:",
        ),
        (
            "us_checking_102.ofx",
            "<DTPOSTED>20261115",
            "<DTPOSTED>20261131",
            "STMTRS[1]/BANKTRANLIST/STMTTRN[2]/DTPOSTED:",
        ),
        (
            "us_checking_102.ofx",
            "<DTPOSTED>20261115",
            "<MEMO>no date",
            "STMTRS[1]/BANKTRANLIST/STMTTRN[2]/DTPOSTED:",
        ),
        ("us_checking_102.ofx", "<CURDEF>USD\r\n", "", "STMTRS[1]/CURDEF: CURDEF is missing"),
        (
            "us_checking_102.ofx",
            "LEDGERBAL>",
            "XLEDGERBAL>",
            "STMTRS[1]: the statement has no ledger balance",
        ),
        (
            "us_checking_102.ofx",
            "BANKACCTFROM>",
            "BANKACCTTO>",
            "STMTRS[1]: the statement names no account",
        ),
        (
            "us_checking_102.ofx",
            "<STMTRS>",
            "<STMTXX>",
            "OFX body: the OFX body is not well formed",
        ),
        (
            "us_checking_102.ofx",
            "DATA:OFXSGML",
            "DATA:XML",
            "OFX header: the OFX header is not valid",
        ),
        ("us_checking_102.ofx", "SECURITY:NONE\r\n", "", "OFX header: the OFX header is not valid"),
        ("ca_chequing_220.ofx", "</OFX>", "", "OFX body: the OFX body is not well formed"),
        (
            "ca_chequing_220.ofx",
            "<ACCTID>1234567</ACCTID>",
            "<ACCTID></ACCTID>",
            "STMTRS[1]/BANKACCTFROM/ACCTID: ACCTID is",
        ),
        (
            "us_creditcard_103.ofx",
            "<ACCTID>4000123412341234",
            "<ACCTID>",
            "OFX body: the OFX body is not well formed",
        ),
        (
            "us_checking_102.ofx",
            "</STMTTRN>\r\n</BANKTRANLIST>",
            "</BANKTRANLIST>",
            "OFX body: the OFX body is not well",
        ),
    ],
)
def test_errors_name_the_element(name, old, new, message):
    with pytest.raises(StatementFileError) as raised:
        parse_changed(name, old, new)
    assert str(raised.value).startswith(message)


def test_a_file_without_statements_is_refused():
    data = (SAMPLES / "us_checking_102.ofx").read_bytes()
    start, end = (
        data.index(b"<BANKMSGSRSV1>"),
        data.index(b"</BANKMSGSRSV1>") + len(b"</BANKMSGSRSV1>"),
    )
    with pytest.raises(StatementFileError, match="no bank or credit card statement"):
        ofx.parse(io.BytesIO(data[:start] + data[end:]))


def test_a_truncated_file_is_refused():
    data = (SAMPLES / "us_checking_102.ofx").read_bytes()
    with pytest.raises(StatementFileError, match="OFX body: .* is not closed"):
        ofx.parse(io.BytesIO(data[: len(data) // 2]))


@pytest.mark.parametrize("name", sorted(path.name for path in SAMPLES.iterdir()))
def test_a_damaged_file_is_read_or_refused_never_crashes(name):
    data = (SAMPLES / name).read_bytes()
    damaged = [data[:cut] for cut in range(0, len(data), 7)]
    damaged += [data[:at] + data[at + 5 :] for at in range(0, len(data), 11)]
    for variant in damaged:
        try:
            ofx.parse(io.BytesIO(variant))
        except StatementFileError as error:
            assert error.where

"""The camt.053 writer of the demo and the bench: valid against the official XSD (the parser
validates every file) and read back as written."""

import datetime
import io
from decimal import Decimal

from banking.camt_writer import Entry, Statement, camt053_bytes, closing_balance
from banking.parsing import camt

DAY = datetime.date(2027, 3, 1)
ENTRIES = [
    Entry(
        Decimal("1210.00"),
        DAY,
        "REF1",
        counterparty_name="Müller & Söhne <GmbH>",
        counterparty_iban="DE02100100109307118603",
        remittance="Invoice 2027-0001",
    ),
    Entry(
        Decimal("-980.55"),
        DAY + datetime.timedelta(days=4),
        "REF2",
        bank_code="PMNT/ICDT/ESCT",
        end_to_end_id="COOP7L42",
        counterparty_name="Ana Torres",
        counterparty_iban="AT611904300234573201",
    ),
    Entry(Decimal("-12.50"), DAY, "REF3", "ACMT/MDOP/CHRG", note="Account fee"),
]


def test_a_statement_is_valid_and_reads_back_as_written():
    opening = Decimal("-100.00")  # an overdrawn account: a DBIT balance
    statement = Statement(
        statement_id="2027-03",
        iban="ES5821000418440200077777",
        currency="EUR",
        opening_balance=opening,
        opening_date=DAY,
        closing_balance=closing_balance(opening, ENTRIES),
        closing_date=DAY + datetime.timedelta(days=30),
        created=datetime.datetime(2027, 4, 1, 6, tzinfo=datetime.UTC),
    )
    (parsed,) = camt.parse(io.BytesIO(camt053_bytes(statement, ENTRIES)))
    assert (parsed.format, parsed.account_iban, parsed.currency) == (
        "camt.053",
        "ES5821000418440200077777",
        "EUR",
    )
    assert parsed.opening_balance == Decimal("-100.00")
    assert parsed.closing_balance == Decimal("116.95")
    paid, payout, fee = parsed.entries
    assert (paid.amount, paid.counterparty_name, paid.counterparty_iban) == (
        Decimal("1210.00"),
        "Müller & Söhne <GmbH>",
        "DE02100100109307118603",
    )
    assert paid.remittance_information == "Invoice 2027-0001"
    assert (paid.bank_reference, paid.bank_transaction_code) == ("REF1", "PMNT/RCDT/ESCT")
    assert (payout.amount, payout.end_to_end_id, payout.counterparty_name) == (
        Decimal("-980.55"),
        "COOP7L42",
        "Ana Torres",
    )
    assert payout.booking_date == payout.value_date == datetime.date(2027, 3, 5)
    assert (fee.amount, fee.bank_transaction_code, fee.remittance_information) == (
        Decimal("-12.50"),
        "ACMT/MDOP/CHRG",
        "Account fee",
    )
    assert fee.counterparty_name == fee.end_to_end_id == ""

"""Reading banks' CSV exports with an account's saved column mapping (banking.parsing.csv_*).

`csv_statement` reads the file, `csv_mapping` checks the mapping, `csv_values` reads a cell's day
or amount.

The samples are written here in the layouts the banks publish: a German savings bank's
"CSV-CAMT V2" export (Windows-1252, `;`, day-first dates with two-digit years, "1.234,56"), a
US bank's export (month-first dates, separate debit and credit columns), a UK bank's (UTF-8
with a byte order mark, a signed amount), and an amount with a Soll/Haben indicator.
"""

import datetime
import io
from decimal import Decimal

import pytest

from banking.parsing import csv_mapping, csv_statement, csv_values
from banking.parsing.registry import parser_of
from banking.parsing.types import StatementFileError

SPARKASSE_HEADER = (
    '"Auftragskonto";"Buchungstag";"Valutadatum";"Buchungstext";"Verwendungszweck";'
    '"Glaeubiger ID";"Mandatsreferenz";"Kundenreferenz (End-to-End)";"Sammlerreferenz";'
    '"Lastschrift Ursprungsbetrag";"Auslagenersatz Ruecklastschrift";'
    '"Beguenstigter/Zahlungspflichtiger";"Kontonummer/IBAN";"BIC (SWIFT-Code)";"Betrag";'
    '"Waehrung";"Info"'
)
SPARKASSE_ROWS = [
    '"DE89370400440532013000";"30.11.26";"30.11.26";"GUTSCHR. UEBERWEISUNG";'
    '"RE 2026-0042 Webentwicklung Oktober";"";"";"NOTPROVIDED";"";"";"";'
    '"Bäckerei Müller GmbH";"DE02120300000000202051";"BYLADEM1001";"1.234,56";"EUR";'
    '"Umsatz gebucht"',
    '"DE89370400440532013000";"28.11.26";"28.11.26";"FOLGELASTSCHRIFT";'
    '"Hosting November; Kundennr. 4711";"DE98ZZZ09999999999";"M-2026-11";"E2E-77";"";"";"";'
    '"Hetzner Online GmbH";"DE88700202700015550004";"HYVEDEMMXXX";"-48,79";"EUR";'
    '"Umsatz gebucht"',
    '"DE89370400440532013000";"27.11.26";"27.11.26";"ENTGELTABSCHLUSS";"Kontoführung";"";"";'
    '"";"";"";"";"";"";"";"-12.000,00";"EUR";"Umsatz gebucht"',
]
SPARKASSE_MAPPING = {
    "encoding": "cp1252",
    "delimiter": ";",
    "date_format": "day-first",
    "decimal_separator": ",",
    "thousands_separator": ".",
    "columns": {
        "booking_date": "Buchungstag",
        "value_date": "Valutadatum",
        "amount": "Betrag",
        "counterparty_name": "Beguenstigter/Zahlungspflichtiger",
        "counterparty_iban": "Kontonummer/IBAN",
        "remittance": "Verwendungszweck",
        "bank_transaction_code": "Buchungstext",
    },
}

US_EXPORT = (
    "Bank of Example - Business Checking\r\n"
    "Account ****6789\r\n"
    "Date,Description,Check Number,Debit,Credit,Balance\r\n"
    '12/01/2026,"ACH CREDIT ACME CORP, INV 2026-0042",,,"2,500.00","12,500.00"\r\n'
    '12/02/2026,"CHECK 1043",1043,"1,200.50",,"11,299.50"\r\n'
    "12/03/2026,MONTHLY SERVICE FEE,,15.00,,11284.50\r\n"
)
US_MAPPING = {
    "delimiter": ",",
    "skip_rows": 2,
    "date_format": "month-first",
    "decimal_separator": ".",
    "thousands_separator": ",",
    "columns": {
        "booking_date": "Date",
        "debit": "Debit",
        "credit": "Credit",
        "remittance": ["Description", "Check Number"],
        "bank_reference": "Check Number",
    },
}

UK_EXPORT = (
    "\ufeffDate,Type,Description,Value,Balance,Account Name,Account Number\n"
    "03/12/2026,FPI,WORKER COOP LTD INV-7 ,450.00,3450.00,Business,'20-00-00 12345678\n"
    "04/12/2026,DD,BRITISH GAS,-89.99,3360.01,Business,'20-00-00 12345678\n"
).encode()
UK_MAPPING = {
    "encoding": "utf-8-sig",
    "delimiter": ",",
    "date_format": "%d/%m/%Y",
    "columns": {"booking_date": 1, "amount": "Value", "remittance": 3, "bank_transaction_code": 2},
}


def _parse(data: bytes, mapping, **options):
    return csv_statement.parse(io.BytesIO(data), mapping=mapping, currency="EUR", **options)


def test_a_german_savings_bank_export_in_windows_1252():
    data = "\r\n".join([SPARKASSE_HEADER, *SPARKASSE_ROWS]).encode("cp1252")
    [statement] = _parse(data, SPARKASSE_MAPPING, account_iban="DE89370400440532013000")
    assert statement.format == "csv"
    assert statement.account_iban == "DE89370400440532013000"
    income, direct_debit, fee = statement.entries
    assert income.amount == Decimal("1234.56")
    assert income.booking_date == datetime.date(2026, 11, 30)
    assert income.counterparty_name == "Bäckerei Müller GmbH"
    assert income.counterparty_iban == "DE02120300000000202051"
    assert income.remittance_information == "RE 2026-0042 Webentwicklung Oktober"
    assert income.bank_transaction_code == "GUTSCHR. UEBERWEISUNG"
    assert income.where == "line 2"
    assert direct_debit.amount == Decimal("-48.79")
    assert direct_debit.remittance_information == "Hosting November; Kundennr. 4711"
    assert fee.amount == Decimal("-12000.00")
    assert fee.remittance_information == "Kontoführung"
    assert statement.entries_total == Decimal("-10814.23")


def test_a_us_bank_export_with_debit_and_credit_columns_and_month_first_dates():
    [statement] = _parse(US_EXPORT.encode(), US_MAPPING)
    credit, check, fee = statement.entries
    assert credit.amount == Decimal("2500.00")
    assert credit.booking_date == datetime.date(2026, 12, 1)
    assert credit.remittance_information == "ACH CREDIT ACME CORP, INV 2026-0042"
    assert check.amount == Decimal("-1200.50")
    assert check.bank_reference == "1043"
    assert check.remittance_information == "CHECK 1043 1043"
    assert fee.amount == Decimal("-15.00")
    assert fee.where == "line 6"


def test_a_uk_bank_export_with_a_byte_order_mark_and_positions():
    [statement] = _parse(UK_EXPORT, UK_MAPPING, opening_balance=Decimal("3000.00"))
    assert [e.amount for e in statement.entries] == [Decimal("450.00"), Decimal("-89.99")]
    assert statement.entries[0].booking_date == datetime.date(2026, 12, 3)
    assert statement.entries[0].remittance_information == "WORKER COOP LTD INV-7"
    assert statement.opening_balance == Decimal("3000.00")
    assert statement.opening_date == datetime.date(2026, 12, 3)
    assert statement.closing_balance is None


def test_the_default_utf8_skips_a_bom_too():
    mapping = {**UK_MAPPING, "encoding": "utf-8"}
    assert len(_parse(UK_EXPORT, mapping)[0].entries) == 2


def test_an_amount_with_a_soll_haben_indicator_and_a_tab():
    data = "Datum\tBetrag\tS/H\tText\n01.12.2026\t100,00\tS\tMiete\n02.12.2026\t5,00\tH\tZins\n"
    mapping = {
        "delimiter": "\t",
        "date_format": "day-first",
        "decimal_separator": ",",
        "columns": {"booking_date": "datum", "amount": "Betrag", "indicator": "S/H"},
    }
    amounts = [e.amount for e in _parse(data.encode("latin-1"), mapping)[0].entries]
    assert amounts == [Decimal("-100.00"), Decimal("5.00")]


def test_a_file_without_a_header_row():
    data = b"2026-12-01;-10,50;Fee\n"
    mapping = {
        "header": False,
        "decimal_separator": ",",
        "columns": {"booking_date": 1, "amount": 2, "remittance": 3},
    }
    [entry] = _parse(data, mapping)[0].entries
    assert entry.amount == Decimal("-10.50")
    assert entry.where == "line 1"


@pytest.mark.parametrize(
    ("text", "decimal", "thousands", "expected"),
    [
        ("1.234,56", ",", ".", "1234.56"),
        ("-1.234,56", ",", ".", "-1234.56"),
        ("1 234,56", ",", " ", "1234.56"),
        ("1,234.56", ".", ",", "1234.56"),
        ("(12.34)", ".", "", "-12.34"),
        ("12,34-", ",", "", "-12.34"),
        ("+5", ".", "", "5.00"),
        ("EUR 5.10", ".", "", "5.10"),
        ("1.2345", ".", "", None),
        ("12.34.56", ",", ".", None),
        ("1,23,456.00", ".", ",", None),
        ("abc", ".", "", None),
        ("", ".", "", None),
    ],
)
def test_amounts(text, decimal, thousands, expected):
    value = csv_values.parse_amount(text, decimal, thousands)
    assert value == (Decimal(expected) if expected is not None else None)


@pytest.mark.parametrize(
    ("text", "style", "expected"),
    [
        ("31.12.2026", "day-first", datetime.date(2026, 12, 31)),
        ("31/12/26", "day-first", datetime.date(2026, 12, 31)),
        ("12/31/2026", "month-first", datetime.date(2026, 12, 31)),
        ("2026-12-31", "iso", datetime.date(2026, 12, 31)),
        ("2026-12-31T00:00:00", "iso", datetime.date(2026, 12, 31)),
        ("31 Dec 2026", "%d %b %Y", datetime.date(2026, 12, 31)),
        ("12/31/2026", "day-first", None),
        ("31.02.2026", "day-first", None),
    ],
)
def test_dates(text, style, expected):
    assert csv_values.parse_date(text, style) == expected


def _error(data: bytes, mapping) -> str:
    with pytest.raises(StatementFileError) as caught:
        _parse(data, mapping)
    return str(caught.value)


def test_a_bad_amount_names_its_line():
    data = "\r\n".join(
        [SPARKASSE_HEADER, SPARKASSE_ROWS[0], SPARKASSE_ROWS[1].replace("-48,79", "x")]
    )
    message = _error(data.encode("cp1252"), SPARKASSE_MAPPING)
    assert message.startswith("line 3: ")
    assert "“x” in column amount" in message


def test_a_bad_date_names_its_line():
    message = _error(US_EXPORT.replace("12/03/2026", "13/03/2026").encode(), US_MAPPING)
    assert message.startswith("line 6: ")
    assert "13/03/2026" in message


def test_the_wrong_encoding_names_its_line():
    data = "\r\n".join([SPARKASSE_HEADER, *SPARKASSE_ROWS]).encode("cp1252")
    message = _error(data, {**SPARKASSE_MAPPING, "encoding": "utf-8"})
    assert message.startswith("line 2: ")
    assert "utf-8" in message


def test_a_missing_header_column_is_named():
    message = _error(US_EXPORT.encode(), {**US_MAPPING, "skip_rows": 1})
    assert message.startswith("line 2: ")
    assert "“Date”" in message


def test_a_short_row_names_its_line():
    data = b"Date,Amount\n2026-12-01\n"
    message = _error(data, {"delimiter": ",", "columns": {"booking_date": 1, "amount": 2}})
    assert message.startswith("line 2: ")


def test_a_row_with_debit_and_credit():
    data = US_EXPORT.replace(",,15.00,,", ",,15.00,3.00,").encode()
    assert _error(data, US_MAPPING).startswith("line 6: the row has both")


def test_an_unknown_indicator():
    data = b"Date;Amount;DC\n2026-12-01;5;X\n"
    mapping = {"columns": {"booking_date": "Date", "amount": "Amount", "indicator": "DC"}}
    assert "“X” in column indicator" in _error(data, mapping)


def test_an_unusable_mapping_is_refused_before_reading():
    assert "columns.booking_date" in _error(b"x", {"columns": {"amount": 1}})


def test_csv_is_never_sniffed():
    assert csv_statement.looks_like(b"Date,Amount\n") is False
    assert parser_of("csv") is csv_statement


@pytest.mark.parametrize(
    ("mapping", "key"),
    [
        ([], "mapping"),
        ({"columns": {"booking_date": 1, "amount": 2}, "colour": "red"}, "colour"),
        ({"columns": {"booking_date": 1, "amount": 2}, "encoding": "utf-16"}, "encoding"),
        ({"columns": {"booking_date": 1, "amount": 2}, "delimiter": "|"}, "delimiter"),
        ({"columns": {"booking_date": 1, "amount": 2}, "skip_rows": -1}, "skip_rows"),
        ({"columns": {"booking_date": 1, "amount": 2}, "skip_rows": True}, "skip_rows"),
        ({"columns": {"booking_date": 1, "amount": 2}, "header": "yes"}, "header"),
        ({"columns": {"booking_date": 1, "amount": 2}, "date_format": "dd.mm"}, "date_format"),
        (
            {"columns": {"booking_date": 1, "amount": 2}, "decimal_separator": ";"},
            "decimal_separator",
        ),
        (
            {"columns": {"booking_date": 1, "amount": 2}, "thousands_separator": "."},
            "thousands_separator",
        ),
        ({"columns": {"booking_date": 1, "amount": 2}, "debit_marks": "D"}, "debit_marks"),
        ({}, "columns"),
        ({"columns": {"amount": 2}}, "columns.booking_date"),
        ({"columns": {"booking_date": 1}}, "columns.amount"),
        ({"columns": {"booking_date": 1, "debit": 2}}, "columns.credit"),
        ({"columns": {"booking_date": 1, "amount": 2, "debit": 3}}, "columns.amount"),
        (
            {"columns": {"booking_date": 1, "debit": 2, "credit": 3, "indicator": 4}},
            "columns.indicator",
        ),
        ({"columns": {"booking_date": 0, "amount": 2}}, "columns.booking_date"),
        ({"columns": {"booking_date": 1.5, "amount": 2}}, "columns.booking_date"),
        ({"columns": {"booking_date": 1, "amount": 2, "saldo": 3}}, "columns.saldo"),
        (
            {"header": False, "columns": {"booking_date": "Date", "amount": 2}},
            "columns.booking_date",
        ),
        ({"columns": {"booking_date": 1, "amount": 2, "remittance": []}}, "columns.remittance"),
    ],
)
def test_validate_mapping_names_the_key(mapping, key):
    problems = csv_mapping.validate_mapping(mapping)
    assert problems
    assert any(problem.startswith(f"{key}: ") for problem in problems), problems


def test_the_sample_mappings_are_valid():
    for mapping in (SPARKASSE_MAPPING, US_MAPPING, UK_MAPPING):
        assert csv_mapping.validate_mapping(mapping) == []

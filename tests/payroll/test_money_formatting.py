"""Money from maintained libraries: currencies and their decimals (Babel's CLDR data), amounts
written as the reader's language writes them on pages and payslips alike, IBANs and BICs
(schwifty)."""

import datetime
import html
import io
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation
from pypdf import PdfReader

from coop import money
from coop.validators import validate_bic, validate_currency, validate_iban
from payroll import allocation, distributing, documents, mails
from tests.conftest import as_member
from tests.payroll.books import SEPTEMBER

# Currencies --------------------------------------------------------------------------------------


def test_currencies_in_use_come_from_cldr():
    assert {"EUR", "USD", "JPY", "ARS", "CHF", "KWD", "XCG"} <= money.currencies()
    # Funds, metals, test codes, replaced currencies and typos are not currencies in use.
    for code in ("XAU", "XXX", "CHW", "DEM", "BGN", "EURO", "eur", "", None, 978):
        assert not money.is_currency(code), code


def test_the_currencies_in_use_follow_the_clock():
    # Bulgaria took the euro on 1 January 2026; the lev stayed legal tender through January.
    assert "BGN" in money.currencies(datetime.date(2025, 12, 31))
    assert "BGN" not in money.currencies(datetime.date(2026, 3, 1))


@pytest.mark.parametrize(
    ("code", "decimals"),
    [("EUR", 2), ("USD", 2), ("JPY", 0), ("KRW", 0), ("CLP", 0), ("KWD", 3), ("BHD", 3),
     # CLDR departs from ISO 4217 where the minor unit is no longer used (ISO: 2, 2, 2, 3).
     ("HUF", 0), ("COP", 0), ("IDR", 0), ("IQD", 0)],
)  # fmt: skip
def test_minor_units_are_cldrs(code, decimals):
    assert money.minor_units(code) == decimals
    assert allocation.minor_units(code) == decimals


def test_an_unknown_code_has_no_minor_units():
    with pytest.raises(ValueError, match="not a currency code in use"):
        money.minor_units("XYZ")
    with pytest.raises(allocation.DistributionError, match="not an ISO 4217 currency code"):
        allocation.minor_units("XYZ")


def test_a_coops_currency_fits_the_books():
    validate_currency("EUR")
    validate_currency("JPY")
    with pytest.raises(ValidationError) as error:
        validate_currency("KWD")
    assert error.value.code == "currency_decimals"
    assert "KWD amounts have 3 decimals" in error.value.messages[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "fragment"),
    [("KWD", "cannot hold them exactly"), ("BGN", "not an ISO 4217 currency")],
)
def test_the_api_refuses_a_currency_the_books_cannot_hold(api, admin_member, code, fragment):
    cooperative = admin_member.cooperative
    response = as_member(api, admin_member).patch(
        f"/api/v1/coops/{cooperative.slug}/", {"currency": code}, format="json"
    )
    assert response.status_code == 400
    assert fragment in response.json()["errors"]["currency"][0]
    assert response.json()["detail"].startswith("currency: ")
    cooperative.refresh_from_db()
    assert cooperative.currency == "EUR"


@pytest.mark.django_db
def test_the_api_takes_a_zero_decimal_currency(api, admin_member):
    response = as_member(api, admin_member).patch(
        f"/api/v1/coops/{admin_member.cooperative.slug}/", {"currency": "JPY"}, format="json"
    )
    assert response.status_code == 200, response.json()


def test_the_simulator_still_takes_three_decimals():
    # It stores nothing: a BHD month splits to the fils.
    assert (
        allocation.input_problems(
            currency="BHD",
            revenue=Decimal("10.000"),
            expenses=Decimal("0"),
            losses_carried=Decimal("0"),
            revenue_by_project={},
            members=[],
        )
        == {}
    )


# Amounts: one formatter for pages, PDFs and e-mails ------------------------------------------

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "value", "currency", "shown"),
    [
        ("en", "1234.56", "EUR", "€1,234.56"),
        ("es", "1234.56", "EUR", f"1.234,56{NBSP}€"),
        ("de", "1234.56", "EUR", f"1.234,56{NBSP}€"),
        ("en", "1234.5", "JPY", "¥1,235"),  # no decimals, rounded half up
        ("de", "1234", "JPY", f"1.234{NBSP}¥"),
        ("es", "1234", "JPY", f"1.234{NBSP}JPY"),
        ("de", "1234.56", "USD", f"1.234,56{NBSP}$"),
        ("en", "1000", "COP", f"COP{NBSP}1,000"),  # CLDR: no centavos
        ("en", "-0.001", "EUR", "€0.00"),
    ],
)
def test_format_money_writes_the_languages_pattern(language, value, currency, shown):
    assert money.format_money(Decimal(value), currency, language) == shown


def test_format_money_takes_the_active_language():
    with translation.override("de"):
        assert money.format_money(Decimal("12000"), "EUR") == f"12.000,00{NBSP}€"
        assert money.format_max() == "999.999.999.999,99"
    assert money.format_money(Decimal("1"), "EUR", "xx") == "€1.00"  # unknown: English


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def _payslip(distribution, line, language: str) -> str:
    with translation.override(language):
        data = documents.payslip_pdf(
            distribution,
            line,
            capital_balance=line.retained,
            year_to_date=documents.YearToDate(line.minutes, line.share, line.cash, line.retained),
        )
    return _pdf_text(data).replace(NBSP, " ")


def _dashboard(client, member, language: str) -> str:
    client.force_login(member.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(f"/c/{member.cooperative.slug}/")
    assert response.status_code == 200
    return html.unescape(response.content.decode()).replace(NBSP, " ")


@pytest.fixture
def yen(cooperative):
    cooperative.currency = "JPY"
    cooperative.save()
    return cooperative


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "currency"),
    [("en", "EUR"), ("es", "EUR"), ("de", "EUR"), ("en", "JPY"), ("de", "JPY")],
)
def test_the_page_and_the_payslip_write_a_share_alike(
    client, request, cooperative, treasurer, language, currency
):
    if currency == "JPY":
        request.getfixturevalue("yen")
    workers = request.getfixturevalue("books")
    draft = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    run = distributing.approve_distribution(actor=treasurer, distribution=draft)
    worker = workers[1]
    worker.language = language  # the payslip is written in its member's language
    worker.save()
    line = run.lines.select_related("member").get(member=worker)
    shown = {
        money.format_money(amount, currency, language).replace(NBSP, " ")
        for amount in (line.share, line.cash, line.retained)
    }
    page = _dashboard(client, worker, language)
    payslip = _payslip(run, line, language)
    for figure in shown:
        assert figure in page, figure
        assert figure in payslip, figure
    if currency == "JPY":
        # Whole yen: no decimal separator after the figure on either side.
        assert line.share == line.share.to_integral_value()
        assert re.search(r"\d[.,]\d\d\b", money.format_money(line.share, "JPY", language)) is None
        assert "¥" in payslip


@pytest.mark.django_db
def test_the_treasurers_email_writes_the_surplus_as_a_reader_does(cooperative, treasurer, books):
    draft = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    mails.draft_ready(draft)
    assert "surplus €10,500.00." in mail.outbox[-1].body


# IBANs and BICs (schwifty) -------------------------------------------------------------------


@pytest.mark.parametrize(
    "iban",
    ["DE89370400440532013000", "de89 3704 0044 0532 0130 00", "FR1420041010050500013M02606",
     "ES9121000418450200051332", "IT60X0542811101000000123456", "BE68539007547034",
     "XK051212012345678906", "PT50000201231234567890154"],
)  # fmt: skip
def test_valid_ibans(iban):
    validate_iban(iban)


@pytest.mark.parametrize(
    ("iban", "message"),
    [
        ("not an iban", "“not an iban” is not an IBAN"),
        ("ZZ89370400440532013000", "IBAN country “ZZ” is not in the IBAN registry"),
        ("DE8937040044053201300", "An IBAN from DE has 22 characters, this one has 21"),
        ("DE89370400440532013001", "check digits of IBAN “DE89370400440532013001” are wrong"),
        # Right mod-97 check digits, wrong national ones (Spain's and France's control digits,
        # Italy's CIN): a typo the old check let through.
        ("ES6421000418450200051333", "not an account number of ES"),
        ("FR8420041010050500013M02607", "not an account number of FR"),
        ("IT64Y0542811101000000123456", "not an account number of IT"),
        # Letters where Germany's account number has digits.
        ("DE75A7040044053201300O", "not an account number of DE"),
    ],
)
def test_invalid_ibans_say_why(iban, message):
    with pytest.raises(ValidationError) as error:
        validate_iban(iban)
    assert error.value.code == "invalid_iban"
    assert message in error.value.messages[0]


@pytest.mark.parametrize(
    "bic", ["GENODEM1GLS", "BYLADEM1001", "CAIXESBBXXX", "deutdeff", "DEUTDEFF500"]
)
def test_valid_bics(bic):
    validate_bic(bic)


@pytest.mark.parametrize(
    ("bic", "message"),
    [
        ("GENODEM1GL", "A BIC has 8 or 11 letters and digits"),
        ("DEUT", "A BIC has 8 or 11 letters and digits"),
        ("DEUT-EFF", "A BIC has 8 or 11 letters and digits"),
        ("DEUTZZFF", "The BIC “DEUTZZFF” names no country: “ZZ” is not a country code"),
    ],
)
def test_invalid_bics_say_why(bic, message):
    with pytest.raises(ValidationError) as error:
        validate_bic(bic)
    assert error.value.code == "invalid_bic"
    assert message in error.value.messages[0]


@pytest.mark.django_db
def test_the_api_names_the_bank_field_it_refuses(api, admin_member):
    cooperative = admin_member.cooperative
    client = as_member(api, admin_member)
    response = client.patch(
        f"/api/v1/coops/{cooperative.slug}/", {"bic": "DEUTZZFF"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("bic: ")
    response = client.patch(
        f"/api/v1/coops/{cooperative.slug}/", {"iban": "ES6421000418450200051333"}, format="json"
    )
    assert response.status_code == 400
    assert "not an account number of ES" in response.json()["errors"]["iban"][0]
    response = client.patch(
        f"/api/v1/coops/{cooperative.slug}/",
        {"iban": "de02 1203 0000 0000 2020 51", "bic": "byla dem1 001"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    cooperative.refresh_from_db()
    assert (cooperative.iban, cooperative.bic) == ("DE02120300000000202051", "BYLADEM1001")


@pytest.mark.django_db
def test_the_model_refuses_a_bad_bic(cooperative):
    cooperative.bic = "DEUTZZFF"
    with pytest.raises(ValidationError) as error:
        cooperative.full_clean()
    assert "bic" in error.value.message_dict


def test_the_iban_messages_are_translated():
    with pytest.raises(ValidationError) as error:
        validate_iban("ES6421000418450200051333")
    with translation.override("es"):
        assert error.value.messages[0] == (
            "El IBAN «ES6421000418450200051333» no es un número de cuenta de ES: revisa si hay "
            "una errata."
        )
    with pytest.raises(ValidationError) as error:
        validate_bic("DEUTZZFF")
    with translation.override("de"):
        assert error.value.messages[0] == (
            "Die BIC „DEUTZZFF“ nennt kein Land: „ZZ“ ist kein Ländercode."
        )

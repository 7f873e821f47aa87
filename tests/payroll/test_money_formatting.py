"""Money from maintained libraries: currencies and their decimals (Babel's CLDR data), amounts
written as the reader's language writes them on pages and payslips alike, IBANs and BICs
(schwifty)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from coop import money
from coop.validators import validate_currency
from payroll import allocation
from tests.conftest import as_member

# Currencies --------------------------------------------------------------------------------------


def test_currencies_in_use_come_from_cldr():
    assert {"EUR", "USD", "JPY", "ARS", "CHF", "KWD", "XCG"} <= money.currencies()
    # Funds, metals, test codes, replaced currencies and typos are not currencies in use.
    for code in ("XAU", "XXX", "CHW", "DEM", "BGN", "EURO", "eur", "", None, 978):
        assert not money.is_currency(code), code


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

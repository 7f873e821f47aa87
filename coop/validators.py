"""Validators for the values a co-op enters: currency codes, time zones and IBANs."""

import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from coop import money

# IBAN length per country (SWIFT IBAN registry).
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
    "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip

_IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")


def validate_currency(value: str) -> None:
    """A co-op's currency: an ISO 4217 code in use today (`coop.money.is_currency`), whose
    amounts the books (DECIMAL with 2 places) hold exactly: not BHD, KWD, … (3 decimals)."""
    if not money.is_currency(value):
        raise ValidationError(
            _("“%(value)s” is not an ISO 4217 currency code (for example EUR, USD, ARS)."),
            code="invalid_currency",
            params={"value": value},
        )
    if not money.fits_the_books(value):
        raise ValidationError(
            _(
                "%(value)s amounts have %(decimals)d decimals; Cooperage keeps amounts to "
                "%(places)d decimals and cannot hold them exactly. Choose another currency."
            ),
            code="currency_decimals",
            params={
                "value": value,
                "decimals": money.minor_units(value),
                "places": money.DECIMAL_PLACES,
            },
        )


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone of the IANA database (for example Europe/Vienna)."),
            code="invalid_time_zone",
            params={"value": value},
        )


def normalize_iban(value: str) -> str:
    """Strip spaces and upper-case, as IBANs are printed in groups of four."""
    return re.sub(r"\s+", "", value or "").upper()


def validate_iban(value: str) -> None:
    """Check an IBAN's country length and its ISO 13616 mod-97 check digits."""
    iban = normalize_iban(value)
    if not _IBAN_SHAPE.match(iban):
        raise ValidationError(
            _("“%(value)s” is not an IBAN: two letters, two check digits, then the account."),
            code="invalid_iban",
            params={"value": value},
        )
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is None:
        raise ValidationError(
            _("IBAN country “%(country)s” is not in the IBAN registry."),
            code="invalid_iban",
            params={"country": iban[:2]},
        )
    if len(iban) != expected:
        raise ValidationError(
            _("An IBAN from %(country)s has %(expected)d characters, this one has %(length)d."),
            code="invalid_iban",
            params={"country": iban[:2], "expected": expected, "length": len(iban)},
        )
    digits = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
    if int(digits) % 97 != 1:
        raise ValidationError(
            _("The check digits of IBAN “%(value)s” are wrong: please check for a typo."),
            code="invalid_iban",
            params={"value": value},
        )

"""Validators for the values a co-op enters: currencies, countries, time zones, IBANs, BICs,
VAT IDs.

Reference data comes from maintained libraries: currencies and countries from Babel (CLDR;
`coop.money`), IBANs and BICs from schwifty (the IBAN registry and ISO 9362), VAT IDs' check
digits from python-stdnum, time zones from the IANA database.
"""

import re
import zoneinfo
from typing import Any

from babel import Locale
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from schwifty import BIC, IBAN, exceptions, registry
from stdnum import exceptions as stdnum_exceptions
from stdnum import get_cc_module
from stdnum.eu import vat as eu_vat

from coop import money

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


def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes of countries and territories, as CLDR (Babel) lists them."""
    return _COUNTRY_CODES


_COUNTRY_CODES = frozenset(
    code
    for code in Locale("en").territories
    if isinstance(code, str)
    and len(code) == 2
    and code.isalpha()
    and code not in {"EU", "EZ", "UN", "QO", "ZZ"}
)


def validate_country(value: str) -> None:
    if value not in _COUNTRY_CODES:
        raise ValidationError(
            _("“%(value)s” is not an ISO 3166 country code (for example DE, ES, AR)."),
            code="invalid_country",
            params={"value": value},
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
    """An IBAN as schwifty checks it: its country's length and form (the IBAN registry), the
    ISO 13616 mod-97 check digits and, where the country has them, the national check digits
    (Spain, France, Italy, Belgium…). The bank code is not looked up: a new bank is no typo."""
    iban = normalize_iban(value)
    if not _IBAN_SHAPE.match(iban):
        raise ValidationError(
            _("“%(value)s” is not an IBAN: two letters, two check digits, then the account."),
            code="invalid_iban",
            params={"value": value},
        )
    country = iban[:2]
    try:
        IBAN(iban, validate_bban=True)
    except exceptions.InvalidCountryCode:
        raise ValidationError(
            _("IBAN country “%(country)s” is not in the IBAN registry."),
            code="invalid_iban",
            params={"country": country},
        ) from None
    except exceptions.InvalidLength:
        raise ValidationError(
            _("An IBAN from %(country)s has %(expected)d characters, this one has %(length)d."),
            code="invalid_iban",
            params={
                "country": country,
                "expected": registry.get_iban_spec(country).iban_length,
                "length": len(iban),
            },
        ) from None
    except exceptions.InvalidChecksumDigits:
        raise ValidationError(
            _("The check digits of IBAN “%(value)s” are wrong: please check for a typo."),
            code="invalid_iban",
            params={"value": value},
        ) from None
    except exceptions.SchwiftyException:  # the account part's form or national check digits
        raise ValidationError(
            _("IBAN “%(value)s” is not an account number of %(country)s: please check for a typo."),
            code="invalid_iban",
            params={"value": value, "country": country},
        ) from None


def normalize_bic(value: str) -> str:
    """Strip spaces and upper-case: "byla dem1 001" → "BYLADEM1001"."""
    return re.sub(r"\s+", "", value or "").upper()


def validate_bic(value: str) -> None:
    """A BIC (ISO 9362) as schwifty checks it: 8 or 11 letters and digits, a known country."""
    bic = normalize_bic(value)
    try:
        BIC(bic)
    except exceptions.InvalidCountryCode:
        raise ValidationError(
            _("The BIC “%(value)s” names no country: “%(country)s” is not a country code."),
            code="invalid_bic",
            params={"value": value, "country": bic[4:6]},
        ) from None
    except exceptions.SchwiftyException:
        raise ValidationError(
            _("A BIC has 8 or 11 letters and digits, such as GENODEM1GLS."), code="invalid_bic"
        ) from None


def _vat_module(country: str) -> Any:
    """python-stdnum's checker of VAT IDs for a country: EU VAT (`stdnum.eu.vat`, which knows
    every member state, Greece as EL) for EU countries, the country's own module elsewhere
    (`stdnum.ch.vat`, `stdnum.no.mva`, …), or None where stdnum knows none."""
    if country in EU_COUNTRIES:
        return eu_vat
    try:
        return get_cc_module(country.lower(), "vat")
    except (ImportError, ValueError):
        return None


EU_COUNTRIES = frozenset(
    code.upper().replace("EL", "GR") for code in eu_vat.MEMBER_STATES if code != "xi"
)


def normalize_vat_id(value: str, country: str) -> str:
    """A VAT ID in its compact form ("DE 136 695 976" → "DE136695976"); an EU VAT ID keeps (or
    gets) its country prefix, as invoices and the VIES service write it."""
    text = re.sub(r"[\s.\-/,]", "", value or "").upper()
    if not text:
        return ""
    module = _vat_module(country)
    if module is eu_vat:
        prefix = "EL" if country == "GR" else country
        if not text[:2].isalpha():
            text = prefix + text
        try:
            return eu_vat.compact(text)
        except stdnum_exceptions.ValidationError:
            return text
    if module is not None:
        try:
            return module.compact(text)
        except stdnum_exceptions.ValidationError:
            return text
    return text


def vat_id_problem(value: str, country: str) -> str | None:
    """What is wrong with a VAT ID for a country (check digits, length, form), as a sentence for
    the reader, or None. A country whose VAT IDs python-stdnum does not know accepts any ID of
    letters and digits; an empty ID is no problem (whether one is needed is the VAT rules')."""
    vat_id = normalize_vat_id(value, country)
    if not vat_id:
        return None
    if not country:
        return str(_("Choose the country first: a VAT ID is checked by its country's rules."))
    module = _vat_module(country)
    if module is eu_vat:
        prefix = "EL" if country == "GR" else country
        if not vat_id.startswith(prefix) and vat_id[:2].isalpha():
            return str(
                _("A VAT ID from %(country)s starts with %(prefix)s, not %(given)s.")
                % {"country": country, "prefix": prefix, "given": vat_id[:2]}
            )
    if module is None:
        if not re.fullmatch(r"[A-Z0-9]{2,20}", vat_id):
            return str(_("A VAT ID is made of letters and digits only."))
        return None
    try:
        module.validate(vat_id)
    except stdnum_exceptions.InvalidChecksum:
        return str(
            _("The check digits of VAT ID “%(value)s” are wrong: please check for a typo.")
            % {"value": value}
        )
    except stdnum_exceptions.InvalidLength:
        return str(
            _("VAT ID “%(value)s” has the wrong length for %(country)s.")
            % {"value": value, "country": country}
        )
    except stdnum_exceptions.ValidationError:
        return str(
            _("“%(value)s” is not a VAT ID of %(country)s.") % {"value": value, "country": country}
        )
    return None


def validate_vat_id(value: str, country: str) -> None:
    """`vat_id_problem` as a ValidationError, for forms and serializers."""
    problem = vat_id_problem(value, country)
    if problem:
        raise ValidationError(problem, code="invalid_vat_id")

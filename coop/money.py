"""Money as the project reads, stores, checks and shows it.

Amounts: ASCII digits only, and a largest amount. Money is stored as DECIMAL(14, 2)
(`coop.models.fields.money_field`), so no stored figure, single amount or sum (a month's revenue, a
capital balance), may exceed `MAX_AMOUNT`; a write that would make one exceed it is refused before
it reaches the database (`exceeds_max`). Python's `Decimal` reads any Unicode decimal digit ("١٠٠"
and "１００" are both 100): a treasurer's typo, or a way to make an amount look different on the
page than in the file. An amount is written with ASCII digits, an optional sign and a decimal
point (`ASCII_AMOUNT`).

Currencies: which codes are currencies, and how many decimals each has, come from the Unicode
CLDR data that Babel ships (`is_currency`, `minor_units`); no table is kept here. CLDR's decimals
are the ones in use for accounts and transfers: they follow ISO 4217 except where a currency's
minor unit is no longer used (COP, HUF, IDR, IQD, IRR… have 0 decimals in CLDR, 2 or 3 in ISO
4217). The co-op's money follows CLDR, so that the computation, the pages and the payslips all use
one number of decimals, and nobody is paid a fraction of a unit that no bank or till handles.
A currency with more decimals than the books keep (3: BHD, KWD, JOD, LYD, OMR, TND) cannot be a
co-op's currency (`fits_the_books`); the pure computation and the simulator still handle it.

Showing: `format_money` writes an amount with its currency as the reader's language does
(Babel's `format_currency`: "€1,234.56", "1.234,56 €"), rounded half up to the currency's
decimals. Pages, PDFs and e-mails use it; machine formats (SEPA XML, CSV exports, the API) keep
plain decimals.
"""

from __future__ import annotations

import datetime
import functools
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeGuard

from babel import Locale, UnknownLocaleError
from babel import numbers as babel_numbers
from babel.core import get_global

MAX_DIGITS = 14
DECIMAL_PLACES = 2
MAX_AMOUNT = Decimal("999999999999.99")  # DECIMAL(14, 2)
ASCII_DIGITS = frozenset("0123456789")
NBSP = "\u00a0"
DEFAULT_LOCALE = "en"


def has_only_ascii_digits(text: str) -> bool:
    """Whether every digit of `text` is one of 0-9 (no Arabic-Indic, fullwidth, … digits)."""
    return not any(
        character not in ASCII_DIGITS
        and (character.isdigit() or unicodedata.category(character) == "Nd")
        for character in text
    )


def exceeds_max(*amounts: Decimal) -> bool:
    """Whether any of these amounts (or sums) is beyond what the books can store."""
    return any(abs(amount) > MAX_AMOUNT for amount in amounts)


def format_max(locale: str | None = None) -> str:
    """The largest amount the books hold, in the reader's language: 999,999,999,999.99."""
    return babel_numbers.format_decimal(
        MAX_AMOUNT, format="#,##0.00", locale=_locale(locale), decimal_quantization=False
    )


# Currencies ----------------------------------------------------------------------------------


@functools.cache
def _currencies_in_use(day: datetime.date) -> frozenset[str]:
    codes: set[str] = set()
    for territory in get_global("territory_currencies"):
        codes.update(
            babel_numbers.get_territory_currencies(
                territory, start_date=day, tender=True, non_tender=False
            )
        )
    return frozenset(codes)


def currencies(day: datetime.date | None = None) -> frozenset[str]:
    """The ISO 4217 codes that are legal tender in some country on `day`, today (the project's
    clock) when left out, as CLDR's territory data says.

    Funds, precious metals, test codes and replaced currencies (BGN since Bulgaria took the euro,
    ANG since the Caribbean guilder XCG) are not among them.
    """
    if day is None:
        from coop import clock  # here: the computation imports no Django

        day = clock.now().date()
    return _currencies_in_use(day)


def is_currency(code: object) -> TypeGuard[str]:
    """Whether `code` is a currency in use today: "EUR", "JPY"; not "EURO", "eur", "XAU"."""
    return isinstance(code, str) and code in currencies()


def minor_units(code: str) -> int:
    """How many decimals an amount in this currency has: 2, or 0 (JPY, COP…), or 3 (KWD…).

    CLDR's figure (see the module's docstring for where it departs from ISO 4217). Raises
    `ValueError` for a code that is not a currency in use.
    """
    if not is_currency(code):
        raise ValueError(f"“{code}” is not a currency code in use (for example EUR, USD, JPY).")
    return babel_numbers.get_currency_precision(code)


def fits_the_books(code: str) -> bool:
    """Whether the books (DECIMAL with 2 places) hold every amount of this currency exactly."""
    return minor_units(code) <= DECIMAL_PLACES


# Showing amounts -----------------------------------------------------------------------------


def _locale(language: str | None) -> Locale:
    """Babel's locale for a Django language code ("es", "de", "en-us"); the active language
    when none is given, English for one Babel does not know."""
    if language is None:
        from django.utils.translation import get_language  # here: the computation imports no Django

        language = get_language() or DEFAULT_LOCALE
    try:
        return Locale.parse(language, sep="-" if "-" in language else "_")
    except (ValueError, UnknownLocaleError):
        return Locale.parse(DEFAULT_LOCALE)


def _rounded(amount: Decimal, places: int) -> Decimal:
    rounded = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded  # no "-0.00"


def _places(currency: str) -> int:
    return minor_units(currency) if is_currency(currency) else DECIMAL_PLACES


def _spaced(text: str, symbol: str) -> str:
    """CLDR's currency spacing, which Babel leaves out: a symbol made of letters is kept apart
    from the figure by a non-breaking space ("CHF 2,000.00", not "CHF2,000.00")."""
    at = text.find(symbol)
    if at < 0 or not symbol:
        return text
    end = at + len(symbol)
    if end < len(text) and text[end].isdigit() and not _is_sign(symbol[-1]):
        return f"{text[:end]}{NBSP}{text[end:]}"
    if at > 0 and text[at - 1].isdigit() and not _is_sign(symbol[0]):
        return f"{text[:at]}{NBSP}{text[at:]}"
    return text


def _is_sign(character: str) -> bool:
    return unicodedata.category(character).startswith("S")


def format_money(amount: Decimal, currency: str, locale: str | None = None) -> str:
    """An amount with its currency as the reader's language writes it, with the currency's
    decimals: "€1,234.56" (en), "1.234,56 €" (es, de), "¥1,235" (JPY). `locale` is a Django
    language code; the active language when left out. Rounds half up; never goes through float.
    """
    where = _locale(locale)
    places = _places(currency)
    # A fresh copy of the language's currency pattern, told the currency's decimals.
    pattern = babel_numbers.parse_pattern(where.currency_formats["standard"].pattern)
    pattern.frac_prec = (places, places)
    text = pattern.apply(
        _rounded(Decimal(amount), places), where, currency=currency, currency_digits=False
    )
    return _spaced(text, babel_numbers.get_currency_symbol(currency, where))


def format_amount(amount: Decimal, currency: str, locale: str | None = None) -> str:
    """The figure alone, with the currency's decimals, for a column whose heading names the
    currency: "1,234.56" (en), "1.234,56" (es, de), "12,000" (JPY)."""
    places = _places(currency)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return babel_numbers.format_decimal(
        _rounded(Decimal(amount), places), format=pattern, locale=_locale(locale)
    )

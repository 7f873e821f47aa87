"""The journal as a DATEV "Buchungsstapel" (EXTF, header version 700, format category 21,
format version 13), for the tax adviser's DATEV Rechnungswesen (docs/books.md, "Exports").

Source: DATEV eG, "DATEV-Format", developer.datev.de/datev/platform/de/dtvf (the header,
.../formate/header, and the Buchungsstapel, .../formate/buchungsstapel). A file is a header row
(31 fields), a row of the 125 column names and one row per booking; fields are separated by
semicolons, rows end in CR LF, text is quoted (quotes doubled), amounts have a decimal comma,
no thousands separator and no sign, and the file is in Windows-1252 (a character it cannot hold
becomes "?"). Each entry of the journal becomes one booking per (account, counter-account) pair
(`books.datev_pairs`). DATEV takes 99,999 bookings a file at most, and a batch lies within
one fiscal year; the co-op's fiscal year is the calendar year.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from decimal import Decimal

from django.utils.translation import gettext as _

from books import datev_pairs
from books.exports.period import Period, Row, entries_in, lines_in, rows
from books.exports.streaming import encoded
from books.models import BooksSettings
from coop import clock
from coop.errors import InvalidInput, StateConflict
from coop.models import Cooperative
from coop.spreadsheet import neutralize

CHARTS = {"skr03": "03", "skr04": "04"}  # header field 27, Sachkontenrahmen
MAX_BOOKINGS = 99_999
TEXT_LENGTH = 60  # Buchungstext

COLUMNS = (
    "Umsatz (ohne Soll/Haben-Kz)", "Soll/Haben-Kennzeichen", "WKZ Umsatz", "Kurs",
    "Basis-Umsatz", "WKZ Basis-Umsatz", "Konto", "Gegenkonto (ohne BU-Schlüssel)",
    "BU-Schlüssel", "Belegdatum", "Belegfeld 1", "Belegfeld 2", "Skonto", "Buchungstext",
    "Postensperre", "Diverse Adressnummer", "Geschäftspartnerbank", "Sachverhalt",
    "Zinssperre", "Beleglink",
    *itertools.chain.from_iterable(
        (f"Beleginfo - Art {n}", f"Beleginfo - Inhalt {n}") for n in range(1, 9)
    ),
    "KOST1 - Kostenstelle", "KOST2 - Kostenstelle", "Kost-Menge",
    "EU-Land u. UStID (Bestimmung)", "EU-Steuersatz (Bestimmung)", "Abw. Versteuerungsart",
    "Sachverhalt L+L", "Funktionsergänzung L+L", "BU 49 Hauptfunktionstyp",
    "BU 49 Hauptfunktionsnummer", "BU 49 Funktionsergänzung",
    *itertools.chain.from_iterable(
        (f"Zusatzinformation - Art {n}", f"Zusatzinformation- Inhalt {n}") for n in range(1, 21)
    ),
    "Stück", "Gewicht", "Zahlweise", "Forderungsart", "Veranlagungsjahr",
    "Zugeordnete Fälligkeit", "Skontotyp", "Auftragsnummer", "Buchungstyp",
    "USt-Schlüssel (Anzahlungen)", "EU-Land (Anzahlungen)", "Sachverhalt L+L (Anzahlungen)",
    "EU-Steuersatz (Anzahlungen)", "Erlöskonto (Anzahlungen)", "Herkunft-Kz", "Buchungs GUID",
    "KOST-Datum", "SEPA-Mandatsreferenz", "Skontosperre", "Gesellschaftername",
    "Beteiligtennummer", "Identifikationsnummer", "Zeichnernummer", "Postensperre bis",
    "Bezeichnung SoBil-Sachverhalt", "Kennzeichen SoBil-Buchung", "Festschreibung",
    "Leistungsdatum", "Datum Zuord. Steuerperiode", "Fälligkeit", "Generalumkehr (GU)",
    "Steuersatz", "Land", "Abrechnungsreferenz", "BVV-Position", "EU-Land u. UStID (Ursprung)",
    "EU-Steuersatz (Ursprung)", "Abw. Skontokonto",
)  # fmt: skip
# The columns a booking fills (0-based); the others stay empty.
UMSATZ, SOLL_HABEN, WKZ, KONTO, GEGENKONTO, BELEGDATUM, BELEGFELD_1, BUCHUNGSTEXT = (
    0, 1, 2, 6, 7, 9, 10, 13,
)  # fmt: skip


def text(value: str) -> str:
    """A DATEV text field: quoted, its quotes doubled."""
    return '"' + value.replace('"', '""') + '"'


def amount(value: Decimal) -> str:
    """1234.5 → 1234,50: a decimal comma, no thousands separator, no sign."""
    return f"{abs(value):.2f}".replace(".", ",")


def settings_for(cooperative: Cooperative) -> BooksSettings:
    """The co-op's books settings if DATEV can read its books (409 naming what is missing)."""
    settings = BooksSettings.objects.filter(cooperative=cooperative).first()
    if settings is None or settings.chart not in CHARTS:
        raise StateConflict(
            _(
                "The DATEV export needs the books on DATEV's chart of accounts, SKR03 or SKR04; "
                "this co-op's chart is “%(chart)s”."
            )
            % {"chart": settings.chart if settings else _("none yet")},
            field="format",
            code="datev_needs_skr",
        )
    for field, label in (
        ("datev_consultant_number", _("consultant number (Beraternummer)")),
        ("datev_client_number", _("client number (Mandantennummer)")),
    ):
        if getattr(settings, field) is None:
            raise StateConflict(
                _("Enter the DATEV %(number)s in the export settings first.") % {"number": label},
                field=field,
                code="datev_numbers_missing",
            )
    return settings


def account_length(cooperative: Cooperative, period: Period) -> int:
    """Header field 14, Sachkontenlänge: the longest account number the period uses, 4 to 8
    digits (409 naming an account whose number DATEV cannot read)."""
    numbers = set(lines_in(cooperative, period).values_list("account__number", flat=True))
    for number in sorted(numbers):
        if not number.isdigit() or len(number) > 8:
            raise StateConflict(
                _("DATEV reads account numbers of up to 8 digits, not “%(number)s”.")
                % {"number": number},
                field="format",
                code="datev_account_number",
            )
    return max([4, *(len(number) for number in numbers)])


def check(cooperative: Cooperative, period: Period) -> tuple[BooksSettings, int]:
    """Everything that would make the file unreadable for DATEV, refused before a byte."""
    settings = settings_for(cooperative)
    if period.start.year != period.end.year:
        raise InvalidInput(
            _("A DATEV file covers one fiscal year: end the period in %(year)s.")
            % {"year": period.start.year},
            field="to",
        )
    lines = lines_in(cooperative, period).count()
    if lines - entries_in(cooperative, period).count() > MAX_BOOKINGS:
        raise StateConflict(
            _(
                "DATEV takes %(max)s bookings a file at most, and %(period)s has more: "
                "export it a month at a time."
            )
            % {"max": f"{MAX_BOOKINGS:,}", "period": period},
            field="period",
            code="datev_too_many_bookings",
        )
    return settings, account_length(cooperative, period)


def header(cooperative: Cooperative, period: Period, settings: BooksSettings, length: int):
    """The 31 fields of the header row (DATEV-Format, Header, version 700)."""
    created = clock.now()
    return [
        text("EXTF"), "700", "21", text("Buchungsstapel"), "13",
        created.strftime("%Y%m%d%H%M%S") + f"{created.microsecond // 1000:03d}",
        "", text("CO"), text(""), text(""),
        str(settings.datev_consultant_number), str(settings.datev_client_number),
        period.start.replace(month=1, day=1).strftime("%Y%m%d"), str(length),
        period.start.strftime("%Y%m%d"), period.end.strftime("%Y%m%d"),
        text(f"Cooperage {period.start:%Y%m%d}-{period.end:%Y%m%d}"), text(""),
        "1", "0", "0", text(cooperative.currency), "", text(""), "", "",
        text(CHARTS[settings.chart]), "", "", text(""), text(""),
    ]  # fmt: skip


def booking_row(first: Row, booking: datev_pairs.Booking, currency: str) -> str:
    cells = [""] * len(COLUMNS)
    cells[UMSATZ] = amount(booking.amount)
    cells[SOLL_HABEN] = text(booking.side)
    cells[WKZ] = text(currency)
    cells[KONTO], cells[GEGENKONTO] = booking.account, booking.counter
    cells[BELEGDATUM] = first.date.strftime("%d%m")
    cells[BELEGFELD_1] = text(str(first.entry_id))
    cells[BUCHUNGSTEXT] = text(str(neutralize(first.description))[:TEXT_LENGTH])
    return ";".join(cells) + "\r\n"


def _rows(cooperative: Cooperative, period: Period, head: list[str]) -> Iterator[str]:
    yield ";".join(head) + "\r\n"
    yield ";".join(COLUMNS) + "\r\n"
    for _entry, lines in itertools.groupby(rows(cooperative, period), key=lambda r: r.entry_id):
        entry = list(lines)
        pairs = datev_pairs.bookings([(line.number, line.amount) for line in entry])
        for booking in pairs:
            yield booking_row(entry[0], booking, cooperative.currency)


def chunks(cooperative: Cooperative, period: Period) -> Iterator[bytes]:
    """The checks run now; the file is written as it is read."""
    settings, length = check(cooperative, period)
    return stream(cooperative, period, settings, length)


def stream(
    cooperative: Cooperative, period: Period, settings: BooksSettings, length: int
) -> Iterator[bytes]:
    """The file without the checks (the benchmark writes a year past DATEV's limit)."""
    head = header(cooperative, period, settings, length)
    return encoded(_rows(cooperative, period, head), "cp1252", "replace")

"""Days, months and moments written the reader's way, with the Unicode CLDR patterns that Babel
ships: "4 de diciembre de 2026", "octubre de 2026", "Mo., 30. Nov.".

The one place that writes a date for a person: the template filters (`coop/templatetags/
locale_dates.py`), `coop.months.month_label`, the messages of the services, the PDFs and the
e-mails call it, so that a page, its PDF and its e-mail write a date alike. No format string is
kept per language here; machine formats (ISO dates in forms, CSV, the API) do not come here.
`locale` is a Django language code ("es", "de", "en-us"); the active language when left out.
"""

import datetime

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates

DEFAULT_LOCALE = "en"


def babel_locale(language: str | None = None) -> Locale:
    """Babel's locale for a Django language code; the active language when none is given,
    English for a language Babel does not know."""
    if language is None:
        from django.utils.translation import get_language

        language = get_language() or DEFAULT_LOCALE
    try:
        return Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse(DEFAULT_LOCALE)


def sentence_start(text: str) -> str:
    """The first letter in capitals, for a sentence that starts with a date: "Octubre de 2026
    está cerrado" (Spanish writes month names in lower case elsewhere)."""
    return text[:1].upper() + text[1:]


def format_day(day: datetime.date, locale: str | None = None) -> str:
    """A day in full words: "December 4, 2026", "4 de diciembre de 2026", "4. Dezember 2026"."""
    return babel_dates.format_date(day, "long", locale=babel_locale(locale))


def format_weekday_day(day: datetime.date, locale: str | None = None) -> str:
    """A day with its weekday: "Friday, December 4, 2026", "viernes, 4 de diciembre de 2026"."""
    return babel_dates.format_date(day, "full", locale=babel_locale(locale))


def format_medium_day(day: datetime.date, locale: str | None = None) -> str:
    """A day in a table: "Dec 4, 2026", "4 dic 2026", "4. Dez. 2026"."""
    return babel_dates.format_skeleton("yMMMd", day, locale=babel_locale(locale))


def format_month(month: datetime.date, locale: str | None = None) -> str:
    """A month and its year: "October 2026", "octubre de 2026", "Oktober 2026"."""
    return babel_dates.format_skeleton("yMMMM", month, locale=babel_locale(locale))


def format_short_day(day: datetime.date, locale: str | None = None) -> str:
    """A day of this week or month, with its weekday: "Mon, Nov 30", "lun, 30 nov",
    "Mo., 30. Nov."."""
    return babel_dates.format_skeleton("MMMEd", day, locale=babel_locale(locale))


def format_day_month(day: datetime.date, locale: str | None = None) -> str:
    """A day of a month shown nearby: "Nov 30", "30 nov", "30. Nov."."""
    return babel_dates.format_skeleton("MMMd", day, locale=babel_locale(locale))


def format_day_and_month_name(day: datetime.date, locale: str | None = None) -> str:
    """A day and the month's full name, without the year: "April 3", "3 de abril", "3. April"."""
    return babel_dates.format_skeleton("MMMMd", day, locale=babel_locale(locale))


def format_weekday(day: datetime.date, locale: str | None = None) -> str:
    """The weekday's short name: "Mon", "lun", "Mo"."""
    return babel_dates.format_skeleton("E", day, locale=babel_locale(locale))


def format_day_range(first: datetime.date, last: datetime.date, locale: str | None = None) -> str:
    """A span of days, as CLDR joins them: "Dec 7 – 13, 2026", "7–13 dic 2026",
    "7.–13. Dez. 2026"."""
    return babel_dates.format_interval(first, last, "yMMMd", locale=babel_locale(locale))


def format_moment(moment: datetime.datetime, locale: str | None = None) -> str:
    """A moment, already in the reader's time zone: "Dec 4, 2026, 10:30 AM",
    "4 dic 2026, 10:30", "4. Dez. 2026, 10:30"."""
    where = babel_locale(locale)
    pattern = where.datetime_formats["medium"]
    return pattern.format(
        babel_dates.format_time(moment, "short", locale=where),
        format_medium_day(moment.date(), locale),
    )


def format_moment_with_zone(moment: datetime.datetime, locale: str | None = None) -> str:
    """A moment and the name of its time zone, in the reader's words, for a deadline read from
    elsewhere: "Dec 4, 2026, 10:30 AM CET", "4 dic 2026, 10:30 CET", "4. Dez. 2026, 10:30 MEZ",
    "Dec 4, 2026, 10:30 AM -0300" (Buenos Aires has no abbreviation).
    The moment must be aware and already in the zone to name."""
    zone = babel_dates.format_time(moment, "z", locale=babel_locale(locale))
    if zone[:1] in "+-" and (moment.tzname() or "").isalpha():
        # The locale has no short name for the zone (English CLDR writes "+0100" for Vienna):
        # the zone database's abbreviation ("CET", "CEST") is what such readers know it by.
        zone = moment.tzname() or zone
    return f"{format_moment(moment, locale)} {zone}"

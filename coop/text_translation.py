"""`coop.texts.Text` written in the active language: the template through gettext, each value
the reader's way (a nested `Text` translated, a `DayOfMonth` with CLDR's day-and-month
pattern, a moment with `coop.locale_formats`, a `Number` in the locale's notation)."""

import datetime

from babel.numbers import format_decimal
from django.utils.translation import gettext

from coop.locale_formats import babel_locale, format_day_and_month_name, format_moment
from coop.texts import DayOfMonth, Number, Text


def translate(text: Text) -> str:
    """The text in the active language."""
    template = gettext(text.template)
    if not text.values:
        return template
    return template % {key: _value(value) for key, value in text.values.items()}


def translate_all(texts: "tuple[Text, ...] | list[Text]", separator: str = "; ") -> str:
    """Several texts in the active language, as one line."""
    return separator.join(translate(text) for text in texts)


def _value(value: object) -> str:
    if isinstance(value, tuple):
        return "; ".join(_value(item) for item in value)
    if isinstance(value, Text):
        return translate(value)
    if isinstance(value, DayOfMonth):
        return format_day_and_month_name(value.as_date())
    if isinstance(value, datetime.datetime):
        return format_moment(value)
    if isinstance(value, Number) and value.value.is_finite():
        return format_decimal(
            value.value.normalize(), locale=babel_locale(), decimal_quantization=False
        )
    return str(value)

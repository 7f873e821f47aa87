"""Messages written where no language is active (pure modules), translated when a person reads them.

A pure module (the CSV import's parser, the payroll computation) imports no Django, so it cannot
call gettext. It writes a `Text` instead: an English template marked with `gettext_noop`, so
that `make messages` collects it, and the values that go in it. `str(text)` is the English
sentence (logs, the pure modules' own tests; a moment written as 2026-11-23 14:00);
`coop.text_translation.translate(text)` writes it in the reader's language, values included:
a nested `Text` is translated too, a `DayOfMonth` is written with the locale's own pattern.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def gettext_noop(message: str) -> str:
    """Mark an English template for translation (xgettext's `gettext_noop` keyword, which
    `make messages` collects); it is translated when the `Text` is shown."""
    return message


@dataclass(frozen=True)
class DayOfMonth:
    """A day and month without a year, as one reading of an ambiguous date: "3 April" when the
    day was written first, "March 4" when the month was."""

    day: int
    month: int
    day_first: bool = True

    def __str__(self) -> str:
        month = ENGLISH_MONTHS[self.month - 1]
        return f"{self.day} {month}" if self.day_first else f"{month} {self.day}"

    def as_date(self) -> datetime.date:
        return datetime.date(2000, self.month, self.day)  # a leap year: 29 February exists


@dataclass(frozen=True)
class Number:
    """A decimal figure in a message: "1.05" in English, "1,05" in Spanish and German."""

    value: Decimal

    def __str__(self) -> str:
        return format(self.value.normalize(), "f") if self.value.is_finite() else str(self.value)


@dataclass(frozen=True)
class Text:
    """A message and its values, translated only when shown. `values` fill the template's
    `%(name)s` placeholders (a tuple of values is written as a list, "a; b"); a template with
    values writes a literal percent sign as `%%`."""

    template: str
    values: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        if not self.values:
            return self.template
        return self.template % {key: _english(value) for key, value in self.values.items()}


def _english(value: object) -> str:
    if isinstance(value, tuple):
        return "; ".join(_english(item) for item in value)
    if isinstance(value, datetime.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    return str(value)


def joined(texts: "tuple[Text, ...] | list[Text]", separator: str = "; ") -> str:
    """Several texts in English, as one line."""
    return separator.join(str(text) for text in texts)

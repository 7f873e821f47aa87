"""Reading time-tracker CSV exports (Toggl Track, Harvest, Kimai, Clockify). No Django here."""

from coop.timesheet_csv.parsing import (
    SOURCES,
    ImportedEntry,
    ParseResult,
    RowError,
    UnknownFormat,
    detect_format,
    parse_hours_csv,
)

__all__ = [
    "SOURCES",
    "ImportedEntry",
    "ParseResult",
    "RowError",
    "UnknownFormat",
    "detect_format",
    "parse_hours_csv",
]

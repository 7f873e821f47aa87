"""Reading the CSV exports of Toggl Track, Harvest, Kimai and Clockify into time entries.

Pure Python, no Django: the caller (coop.hours.importing) maps people and projects and writes.
docs/hours-import-formats.md describes every column and variant accepted, and the sources.
"""

import codecs
import csv
import datetime
import hashlib
import io
import re
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field

from coop.durations import HOURS_PER_DAY, MINUTES_PER_DAY, format_minutes
from coop.texts import Text, gettext_noop, joined
from coop.timesheet_csv.formats import (
    CLOCKIFY,
    HARVEST,
    KIMAI,
    SOURCES,
    TOGGL,
    Layout,
    UnknownFormat,
    detect_format,
    detect_layout,
)
from coop.timesheet_csv.values import (
    DATE_ORDERS,
    ValueProblem,
    decide_date_order,
    duration_minutes,
    parse_date,
    parse_time,
)

__all__ = [
    "CLOCKIFY",
    "HARVEST",
    "KIMAI",
    "SOURCES",
    "TOGGL",
    "ImportedEntry",
    "ParseResult",
    "RowError",
    "UnknownFormat",
    "detect_format",
    "parse_hours_csv",
]

_DELIMITERS = (",", ";", "\t")
_EXCEL_SEPARATOR_LINE = re.compile(r"^sep=(.)\r?\n", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
# Kimai puts "' " before a description that a spreadsheet could run as a formula (its
# StringHelper::sanitizeDDE): one starting with = - @ + tab or a line break, or containing "DDE".
_KIMAI_DDE_GUARD = re.compile(r"^' (?=[=\-@+\t\r\n]|.*dde)", re.IGNORECASE | re.DOTALL)
_FINGERPRINT_MAX = 128


@dataclass(frozen=True)
class ImportedEntry:
    """One row of an export, read and checked, ready for the caller to map and log."""

    line: int  # 1-based line of the file where the row starts (the header is line 1)
    source: str  # "toggl" | "harvest" | "kimai" | "clockify"
    email: str | None  # lower-cased
    person_name: str | None  # Harvest has no e-mail column: "First Name Last Name"
    client: str | None
    project: str  # as exported, possibly empty: the caller decides what a row without one means
    date: datetime.date  # the day the work started, as exported (the tracker's time zone)
    minutes: int  # 1..1440; seconds round half up to the minute (29 s → 0, 30 s → 1)
    description: str
    fingerprint: str  # the same each time the same row is imported; see _fingerprints
    task: str | None = None  # Toggl/Clockify/Harvest "Task", Kimai "Activity"


@dataclass(frozen=True)
class RowError:
    """Why a row cannot be imported. `texts` say it for the person who uploaded the file (each
    a `coop.texts.Text`, translated when shown); `message` is the same in English."""

    line: int
    message: str
    texts: tuple[Text, ...] = dataclass_field(default=(), compare=False, repr=False)

    @classmethod
    def of(cls, line: int, *texts: Text) -> "RowError":
        return cls(line, joined(texts), texts)


@dataclass(frozen=True)
class ParseResult:
    source: str
    entries: list[ImportedEntry]
    errors: list[RowError]


def parse_hours_csv(data: bytes | str, *, date_order: str | None = None) -> ParseResult:
    """Read a Toggl Track, Harvest, Kimai or Clockify CSV export.

    Encoding: bytes are read as UTF-8 (a byte-order mark is dropped); UTF-16 when the file starts
    with a UTF-16 byte-order mark (Excel's "Unicode text"); failing UTF-8, as Windows-1252, the
    usual encoding of a CSV saved by Excel in Western Europe and the Americas; and, failing that,
    as Latin-1, which reads any bytes.

    Delimiter: comma, semicolon (Excel in many European locales) or tab, whichever makes the first
    row a header we know; an Excel `sep=;` first line is honoured.

    `date_order` ("DMY" or "MDY") says how to read dates like 03/04/2026. Without it the file
    decides: a date whose first number is above 12 means day first, one whose second number is
    above 12 means month first; dates written with dots are day first. Dates that still read two
    ways are row errors asking for the order. ISO dates (2026-11-23) are always read as such.

    Raises UnknownFormat when the header is not one of the four trackers' (or the file is empty).
    Every other problem is a RowError for its row; rows without problems are entries. Blank rows
    are skipped; a file with only a header gives no entries and no errors.
    """
    if date_order is not None:
        date_order = date_order.strip().upper()
        if date_order not in DATE_ORDERS:
            raise ValueError(f'date_order must be "DMY", "MDY" or None, not {date_order!r}')
    text = _decode(data)
    first_line = 1
    delimiter = None
    if match := _EXCEL_SEPARATOR_LINE.match(text):
        delimiter = match[1]
        text = text[match.end() :]
        first_line = 2
    if delimiter is None:
        delimiter = _choose_delimiter(text)
    rows, read_error = _read_rows(text, delimiter, first_line)
    if not rows:
        raise UnknownFormat(Text(gettext_noop("The file is empty: it has no header row.")))
    header = rows[0][1]
    layout = detect_layout(header)
    body = rows[1:]
    order = date_order or _file_date_order(layout, body)
    read: list[_Row] = []
    errors: list[RowError] = []
    for line, fields in body:
        outcome = _read_entry(layout, len(header), line, fields, order)
        if isinstance(outcome, RowError):
            errors.append(outcome)
        else:
            read.append(outcome)
    if read_error is not None:
        errors.append(read_error)
    return ParseResult(source=layout.source, entries=_fingerprints(read), errors=errors)


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _first_row(text: str, delimiter: str) -> list[str]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for fields in reader:
            if any(field.strip() for field in fields):
                return fields
    except csv.Error:
        pass
    return []


def _choose_delimiter(text: str) -> str:
    """The delimiter that makes the first row a known header; else the one splitting it most."""
    widest, widest_count = ",", 0
    for delimiter in _DELIMITERS:
        header = _first_row(text, delimiter)
        try:
            detect_layout(header)
        except UnknownFormat:
            if len(header) > widest_count:
                widest, widest_count = delimiter, len(header)
            continue
        return delimiter
    return widest


def _read_rows(
    text: str, delimiter: str, first_line: int
) -> tuple[list[tuple[int, list[str]]], RowError | None]:
    """Non-blank rows with the line each starts on, counting the lines inside quoted fields."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    lines_read = 0
    try:
        for fields in reader:
            line = first_line + lines_read
            lines_read = reader.line_num
            if any(field.strip() for field in fields):
                rows.append((line, fields))
    except csv.Error as error:
        line = first_line + lines_read
        return rows, RowError.of(
            line,
            Text(
                gettext_noop(
                    "The file cannot be read from this line on (%(error)s): is a quote opened "
                    "in a field and never closed?"
                ),
                {"error": error},
            ),
        )
    return rows, None


def _file_date_order(layout: Layout, rows: list[tuple[int, list[str]]]) -> str | None:
    cells: list[str] = []
    for field in ("date", "end_date"):
        index = layout.columns.get(field)
        if index is not None:
            cells.extend(fields[index] for _, fields in rows if index < len(fields))
    return decide_date_order(cells)


class _Cells:
    """One row's cells by field name, blank for a column the file lacks or the row cuts short."""

    def __init__(self, layout: Layout, fields: list[str]):
        self.layout, self.fields = layout, fields

    def __call__(self, name: str) -> str:
        index = self.layout.columns.get(name)
        return self.fields[index].strip() if index is not None and index < len(self.fields) else ""


@dataclass(frozen=True)
class _Row:
    """A row read without problems, before it gets its fingerprint."""

    entry: ImportedEntry  # fingerprint still blank
    vendor_id: str
    content: str  # what identifies the row when there is no vendor id


def _read_entry(
    layout: Layout, width: int, line: int, fields: list[str], order: str | None
) -> _Row | RowError:
    if len(fields) > width:
        # Both counts are at least 2 (a header names a date, a project and a duration), so
        # "fields" is plural in every language the co-ops use.
        return RowError.of(
            line,
            Text(
                gettext_noop(
                    "The row has %(fields)s fields but the header has %(width)s: a field "
                    "containing the delimiter may have lost its quotes"
                ),
                {"fields": len(fields), "width": width},
            ),
        )
    cell = _Cells(layout, fields)
    problems: list[Text] = []
    email = cell("email").lower() or None
    if email is not None and ("@" not in email or _SPACES.search(email)):
        problems.append(
            Text(
                gettext_noop('E-mail "%(email)s" is not an e-mail address'),
                {"email": cell("email")},
            )
        )
    if layout.source == HARVEST:
        person_name = _collapse(f"{cell('first_name')} {cell('last_name')}") or None
    else:
        person_name = _collapse(cell("user")) or _collapse(cell("username")) or None
    if email is None and person_name is None:
        problems.append(
            Text(gettext_noop("The row names no person (no e-mail address and no name)"))
        )

    day: datetime.date | None = None
    start: datetime.time | None = None
    minutes: int | None = None
    try:
        day = parse_date(cell("date"), order)
    except ValueProblem as problem:
        problems.append(problem.text)
    try:
        start = parse_time(cell("start_time"))
    except ValueProblem as problem:
        problems.append(problem.text)
    try:
        minutes = _minutes(layout, cell, day, start, order)
    except ValueProblem as problem:
        problems.append(problem.text)
    if problems or day is None or minutes is None:
        return RowError.of(line, *problems)

    description = cell("description").replace("\r\n", "\n").replace("\r", "\n")
    if layout.source == KIMAI:
        description = _KIMAI_DDE_GUARD.sub("", description)
    description = description.strip()
    client = _collapse(cell("client")) or None
    project = _collapse(cell("project"))
    content = "\x1f".join(
        [
            layout.source,
            email or (person_name or "").casefold(),
            project.casefold(),
            (client or "").casefold(),
            day.isoformat(),
            start.isoformat() if start is not None else "",
            str(minutes),
            _collapse(description),
        ]
    )
    entry = ImportedEntry(
        line=line,
        source=layout.source,
        email=email,
        person_name=person_name,
        client=client,
        project=project,
        date=day,
        minutes=minutes,
        description=description,
        fingerprint="",
        task=_collapse(cell("task")) or None,
    )
    return _Row(entry=entry, vendor_id=cell("id"), content=content)


def _minutes(
    layout: Layout,
    cell: _Cells,
    day: datetime.date | None,
    start: datetime.time | None,
    order: str | None,
) -> int | None:
    """Minutes from the duration column when the row has a value there, else from start to end.

    None when they can only come from start and end, and the date is wrong (reported already).
    """
    raw = cell("duration")
    seconds_above = HOURS_PER_DAY if layout.source == KIMAI else None
    minutes = duration_minutes(raw, bare_integer_seconds_above=seconds_above)
    if minutes is None and layout.source == CLOCKIFY:
        raw = cell("duration_decimal")
        minutes = duration_minutes(raw)
    if minutes is None:
        if day is None:
            return None
        raw = ""
        minutes = _minutes_between(cell, day, start, order)
    if minutes == 0:
        if re.search(r"[1-9]", raw):
            raise ValueProblem(
                gettext_noop('The duration is zero once rounded to whole minutes ("%(raw)s")'),
                raw=raw,
            )
        raise ValueProblem(gettext_noop("The duration is zero"))
    if minutes > MINUTES_PER_DAY:
        # more than a day: every count here is plural
        raise ValueProblem(
            gettext_noop(
                "The duration %(duration)s is more than %(hours)s hours (%(minutes)s minutes; "
                "a day holds %(day)s)"
            ),
            duration=f'"{raw}"' if raw else format_minutes(minutes),
            hours=HOURS_PER_DAY,
            minutes=minutes,
            day=MINUTES_PER_DAY,
        )
    return minutes


def _minutes_between(
    cell: _Cells, day: datetime.date, start: datetime.time | None, order: str | None
) -> int:
    end = parse_time(cell("end_time"))
    if start is None or end is None:
        raise ValueProblem(
            gettext_noop("The row has no duration, and no start and end time to count it from")
        )
    end_day = parse_date(cell("end_date"), order) if cell("end_date") else day
    began = datetime.datetime.combine(day, start)
    ended = datetime.datetime.combine(end_day, end)
    if ended < began:
        raise ValueProblem(
            gettext_noop("The end (%(end)s) is before the start (%(start)s)"),
            end=ended,
            start=began,
        )
    seconds = int((ended - began).total_seconds())
    return (seconds + 30) // 60  # half a minute rounds up


def _collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _fingerprints(rows: list[_Row]) -> list[ImportedEntry]:
    """Give each row its fingerprint, the same every time the same row is imported.

    With a vendor id column (Kimai export templates may include "ID"): `kimai:id:<id>`. Otherwise
    `<source>:<SHA-256 hex>` of the source, e-mail (or case-folded name), case-folded project and
    client, date, start time, minutes and description, whitespace collapsed. Identical rows in one
    file (Harvest has no start times: two equal entries on one day) are told apart by their rank
    among their twins, "#2" hashed along with the second and so on, so that re-importing the same
    file matches row for row.
    """
    twins: dict[str, int] = {}
    entries = []
    for row in rows:
        if row.vendor_id:
            fingerprint = f"{row.entry.source}:id:{row.vendor_id}"
            if len(fingerprint) > _FINGERPRINT_MAX:
                digest = hashlib.sha256(row.vendor_id.encode()).hexdigest()
                fingerprint = f"{row.entry.source}:id-sha256:{digest}"
        else:
            twins[row.content] = twins.get(row.content, 0) + 1
            rank = twins[row.content]
            key = row.content if rank == 1 else f"{row.content}\x1f#{rank}"
            fingerprint = f"{row.entry.source}:{hashlib.sha256(key.encode()).hexdigest()}"
        entries.append(replace(row.entry, fingerprint=fingerprint))
    return entries

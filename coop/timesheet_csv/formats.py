"""Which tracker wrote a CSV file, told from its header row, and which column holds what.

The column names come from each vendor's own export; docs/hours-import-formats.md lists them with
the sources they were checked against.
"""

import re
from dataclasses import dataclass, field

from coop.texts import Text, gettext_noop
from coop.timesheet_csv.kimai_headers import kimai_headers

TOGGL = "toggl"
HARVEST = "harvest"
KIMAI = "kimai"
CLOCKIFY = "clockify"
SOURCES = (TOGGL, HARVEST, KIMAI, CLOCKIFY)

LABELS = {
    TOGGL: Text(gettext_noop("Toggl Track (detailed report)")),
    HARVEST: Text(gettext_noop("Harvest (detailed time report)")),
    KIMAI: Text(gettext_noop("Kimai (CSV export, in any of its languages)")),
    CLOCKIFY: Text(gettext_noop("Clockify (detailed report)")),
}

# The fields a row can give, whatever the tracker calls the column:
#   user, first_name, last_name, username, email, client, project, task, description,
#   date (the day the entry starts), start_time, end_date, end_time,
#   duration, duration_decimal, id (the tracker's own id of the entry)

# Spelled as the trackers write them; matched without regard to case or extra spaces.
_TOGGL_COLUMNS = {
    "User": "user",
    "Email": "email",
    "Client": "client",
    "Project": "project",
    "Task": "task",
    "Description": "description",
    "Start date": "date",
    "Start time": "start_time",
    "End date": "end_date",
    "End time": "end_time",
    "Duration": "duration",
}

_CLOCKIFY_COLUMNS = {
    "User": "user",
    "Email": "email",
    "Client": "client",
    "Project": "project",
    "Task": "task",
    "Activity": "task",  # some Clockify exports name the task column "Activity"
    "Description": "description",
    "Start Date": "date",
    "Start Time": "start_time",
    "End Date": "end_date",
    "End Time": "end_time",
    "Duration (h)": "duration",
    "Duration (decimal)": "duration_decimal",
}

_HARVEST_COLUMNS = {
    "Date": "date",
    "Client": "client",
    "Project": "project",
    "Task": "task",
    "Notes": "description",
    "Hours": "duration",  # not "Hours Rounded": we import the time as tracked
    "First Name": "first_name",
    "Last Name": "last_name",
    "Email": "email",
}

_KIMAI_FIELDS = {
    "date": "date",
    "begin": "start_time",
    "end": "end_time",
    "duration": "duration",
    "alias": "user",
    "username": "username",
    "email": "email",
    "customer": "client",
    "project": "project",
    "activity": "task",
    "description": "description",
    "id": "id",
}

_SPACES = re.compile(r"\s+")


class UnknownFormat(ValueError):
    """The file is not an export this importer reads: `text` says what it saw and accepts (a
    `coop.texts.Text`, translated when shown; `str()` is the English)."""

    def __init__(self, text: Text):
        self.text = text
        super().__init__(str(text))


@dataclass(frozen=True)
class Layout:
    """Where a file keeps each field: `columns` maps a field to its column index."""

    source: str
    columns: dict[str, int] = field(default_factory=dict)
    language: str | None = None  # Kimai only: the language of its headers


def normalize_header(cell: str) -> str:
    """A header cell compared loosely: no byte-order mark, quotes or case, one space at most."""
    cleaned = cell.replace("\ufeff", "").strip().strip('"').strip()
    return _SPACES.sub(" ", cleaned).casefold()


def _normalized(columns: dict[str, str]) -> dict[str, str]:
    return {normalize_header(name): key for name, key in columns.items()}


_MATCH = {
    TOGGL: _normalized(_TOGGL_COLUMNS),
    CLOCKIFY: _normalized(_CLOCKIFY_COLUMNS),
    HARVEST: _normalized(_HARVEST_COLUMNS),
}
_KIMAI_LANGUAGES = {
    language: _normalized({words[key]: name for key, name in _KIMAI_FIELDS.items()})
    for language, words in kimai_headers().items()
}


def detect_layout(header: list[str]) -> Layout:
    """The tracker that wrote this header row and where its columns are, or UnknownFormat."""
    names = [normalize_header(cell) for cell in header]
    present = set(names)
    if {"duration (h)", "duration (decimal)", "group"} & present or (
        "start date" in present and any(cell.strip() == "Start Date" for cell in header)
    ):
        layout = _layout(CLOCKIFY, names, _MATCH[CLOCKIFY])
    elif "start date" in present:
        layout = _layout(TOGGL, names, _MATCH[TOGGL])
    elif {"hours", "first name", "last name"} <= present or {"date", "hours", "notes"} <= present:
        layout = _layout(HARVEST, names, _MATCH[HARVEST])
    else:
        kimai = _kimai_layout(names)
        if kimai is None:
            raise UnknownFormat(_unknown_message(header))
        layout = kimai
    _check_required(layout, header)
    return layout


def _layout(
    source: str, names: list[str], columns: dict[str, str], language: str | None = None
) -> Layout:
    found: dict[str, int] = {}
    for index, name in enumerate(names):
        key = columns.get(name)
        if key is not None and key not in found:  # the first of two same-named columns wins
            found[key] = index
    return Layout(source=source, columns=found, language=language)


def _kimai_layout(names: list[str]) -> Layout | None:
    best: Layout | None = None
    for language, columns in _KIMAI_LANGUAGES.items():
        candidate = _layout(KIMAI, names, columns, language)
        found = candidate.columns
        timed = "duration" in found or {"start_time", "end_time"} <= found.keys()
        fits = "date" in found and "project" in found and timed
        if fits and (best is None or len(found) > len(best.columns)):
            best = candidate
    return best


_REQUIRED: dict[str, list[tuple[str, ...]]] = {
    # each tuple: at least one of these fields must have a column
    TOGGL: [("date",), ("project",), ("email", "user"), ("duration", "end_time")],
    CLOCKIFY: [
        ("date",),
        ("project",),
        ("email", "user"),
        ("duration", "duration_decimal", "end_time"),
    ],
    HARVEST: [("date",), ("project",), ("duration",), ("email", "last_name", "first_name")],
    KIMAI: [("date",), ("project",), ("email", "user", "username"), ("duration", "end_time")],
}

_FIELD_HEADERS = {
    TOGGL: {v: k for k, v in reversed(_TOGGL_COLUMNS.items())},
    CLOCKIFY: {v: k for k, v in reversed(_CLOCKIFY_COLUMNS.items())},
    HARVEST: {v: k for k, v in reversed(_HARVEST_COLUMNS.items())},
}


def _check_required(layout: Layout, header: list[str]) -> None:
    for options in _REQUIRED[layout.source]:
        if not any(option in layout.columns for option in options):
            if layout.source == KIMAI:
                words = kimai_headers()[layout.language or "en"]
                reverse = {v: k for k, v in _KIMAI_FIELDS.items()}
                wanted = [words[reverse[option]] for option in options]
            else:
                wanted = [_FIELD_HEADERS[layout.source][option] for option in options]
            quoted = _either(wanted)
            raise UnknownFormat(
                Text(
                    gettext_noop(
                        "This looks like a %(tracker)s export, but it has no %(wanted)s column. "
                        "The columns it has: %(columns)s."
                    ),
                    {
                        "tracker": LABELS[layout.source],
                        "wanted": quoted,
                        "columns": _listing(header),
                    },
                )
            )
    if layout.source in (TOGGL, CLOCKIFY) and "duration" not in layout.columns:
        needed = {"start_time", "end_time"} - layout.columns.keys()
        if needed and "duration_decimal" not in layout.columns:
            raise UnknownFormat(
                Text(
                    gettext_noop(
                        'This looks like a %(tracker)s export, but it has neither a "Duration" '
                        'column nor both "Start time" and "End time". The columns it has: '
                        "%(columns)s."
                    ),
                    {"tracker": LABELS[layout.source], "columns": _listing(header)},
                )
            )


def _either(names: list[str]) -> Text | str:
    """ "A" or "B" or "C": the header names, as the file would write them, quoted."""
    shown: Text | str = f'"{names[0]}"'
    for name in names[1:]:
        shown = Text(gettext_noop("%(these)s or %(that)s"), {"these": shown, "that": f'"{name}"'})
    return shown


def _listing(header: list[str]) -> Text | str:
    cells = [cell.replace("\ufeff", "").strip() for cell in header]
    shown = ", ".join(f'"{cell}"' for cell in cells[:30])
    if len(cells) <= 30:
        return shown
    # "and 1 more": no noun follows the count, so no plural form is needed
    return Text(
        gettext_noop("%(shown)s and %(more)s more"), {"shown": shown, "more": len(cells) - 30}
    )


def _unknown_message(header: list[str]) -> Text:
    return Text(
        gettext_noop(
            "This file is not a time export this importer can read. Its header has the columns "
            "%(columns)s. Accepted: %(accepted)s."
        ),
        {
            "columns": _listing(header),
            "accepted": tuple(LABELS[source] for source in SOURCES),
        },
    )


def detect_format(header: list[str]) -> str:
    """The tracker that wrote this header row: "toggl", "harvest", "kimai" or "clockify".

    Raises UnknownFormat, naming the columns seen and the formats accepted, for anything else.
    """
    return detect_layout(header).source

"""Reading Toggl Track, Harvest, Kimai and Clockify CSV exports (coop.timesheet_csv, no DB)."""

import codecs
import dataclasses
import datetime
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coop.timesheet_csv import (
    ImportedEntry,
    ParseResult,
    RowError,
    UnknownFormat,
    detect_format,
    parse_hours_csv,
)
from coop.timesheet_csv.values import (
    ValueProblem,
    decide_date_order,
    duration_minutes,
    parse_date,
    parse_time,
)

SAMPLES = Path(__file__).parent / "samples"

TOGGL_HEADER = (
    "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,"
    "End time,Duration,Tags,Amount ()"
)
HARVEST_HEADER = (
    "Date,Client,Project,Project Code,Task,Notes,Hours,Hours Rounded,Billable?,Invoiced?,"
    "Approved?,First Name,Last Name,Roles,Employee?,Billable Rate,Billable Amount,Cost Rate,"
    "Cost Amount,Currency,External Reference URL"
)
KIMAI_HEADER = (
    "Date,From,To,Duration,Currency,Price,Internal price,Hourly price,Fixed price,Name,User,"
    "E-mail,Staff number,Customer,Project,Activity,Description,Billable,Tags,Type,category,"
    "Account,Project number,VAT-ID,Order number"
)
CLOCKIFY_HEADER = (
    "Project,Client,Description,Task,User,Group,Email,Tags,Billable,Start Date,Start Time,"
    "End Date,End Time,Duration (h),Duration (decimal),Billable Rate (USD),Billable Amount (USD)"
)


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def parse(name: str, **kwargs) -> ParseResult:
    return parse_hours_csv(sample(name), **kwargs)


def toggl_row(
    *,
    user="Ana Souza",
    email="ana@example.coop",
    client="Municipality of Rosario",
    project="Open data portal",
    description="Review",
    start_date="2026-11-23",
    start_time="09:00:00",
    end_date="2026-11-23",
    end_time="10:30:00",
    duration="01:30:00",
) -> str:
    cells = [user, email, client, project, "", description, "No", start_date, start_time]
    cells += [end_date, end_time, duration, "", ""]
    return ",".join(f'"{cell}"' for cell in cells)


def toggl(*rows: str) -> ParseResult:
    return parse_hours_csv("\n".join([TOGGL_HEADER, *rows]) + "\n")


def only_entry(result: ParseResult) -> ImportedEntry:
    assert result.errors == []
    assert len(result.entries) == 1
    return result.entries[0]


def only_error(result: ParseResult) -> RowError:
    assert result.entries == []
    assert len(result.errors) == 1
    return result.errors[0]


class TestDetection:
    @pytest.mark.parametrize(
        ("name", "source"),
        [
            ("toggl_detailed.csv", "toggl"),
            ("toggl_detailed_bom_crlf.csv", "toggl"),
            ("toggl_bad_rows.csv", "toggl"),
            ("harvest_detailed.csv", "harvest"),
            ("kimai_en.csv", "kimai"),
            ("kimai_de_semicolon.csv", "kimai"),
            ("clockify_detailed_us.csv", "clockify"),
            ("clockify_detailed_eu.csv", "clockify"),
        ],
    )
    def test_every_sample(self, name, source):
        assert parse(name).source == source

    @pytest.mark.parametrize(
        ("header", "source"),
        [
            (TOGGL_HEADER, "toggl"),
            # Toggl's time entries export without the amount column (solidtime's test file)
            (TOGGL_HEADER.removesuffix(",Amount ()"), "toggl"),
            # a byte-order mark, spaces and case are not held against a header
            ("\ufeffuser , EMAIL,Project,start DATE,Start time,Duration", "toggl"),
            (HARVEST_HEADER, "harvest"),
            # the shorter Harvest export without "Hours Rounded", with "Department"
            (
                "Date,Client,Project,Project Code,Task,Notes,Hours,Billable?,Invoiced?,Approved?,"
                "First Name,Last Name,Department,Employee?",
                "harvest",
            ),
            (KIMAI_HEADER, "kimai"),
            (
                "Datum,Von,Bis,Dauer,Name,Benutzer,E-Mail,Kunde,Projekt,Tätigkeit,Beschreibung",
                "kimai",
            ),
            (
                "Date,De,À,Durée,Nom,Nom d'utilisateur,Courriel,Client,Projet,Activité,Description",
                "kimai",
            ),
            (
                "Fecha,De,Para,Duración,Nombre,Usuario,Correo electrónico,Cliente,Proyecto,"
                "Actividad,Descripción",
                "kimai",
            ),
            (
                "Datum,Van,Tot,Duur,Naam,Gebruikersnaam,E-mail,Klant,Project,Activiteit,"
                "Beschrijving",
                "kimai",
            ),
            # a Kimai template with only some columns
            ("Datum,Dauer,E-Mail,Projekt", "kimai"),
            (CLOCKIFY_HEADER, "clockify"),
            # Clockify without duration columns still has "Group" and its capitalised dates
            (
                "Project,Description,Task,User,Group,Email,Tags,Billable,Start Date,Start Time,"
                "End Date,End Time,Client",
                "clockify",
            ),
            ("Project,Description,User,Email,Start Date,Start Time,End Date,End Time", "clockify"),
        ],
    )
    def test_headers(self, header, source):
        assert detect_format(header.split(",")) == source

    def test_unknown_header_lists_columns_and_formats(self):
        with pytest.raises(UnknownFormat) as caught:
            detect_format(["Day", "Worker", "Hours worked"])
        message = str(caught.value)
        assert '"Day", "Worker", "Hours worked"' in message
        for label in ("Toggl Track", "Harvest", "Kimai", "Clockify"):
            assert label in message

    def test_unknown_file(self):
        with pytest.raises(UnknownFormat, match='"Datum", "Stunden"'):
            parse_hours_csv("Datum;Stunden\n2026-11-23;1,5\n")

    def test_is_a_value_error(self):
        assert issubclass(UnknownFormat, ValueError)

    def test_empty_file(self):
        with pytest.raises(UnknownFormat, match="empty"):
            parse_hours_csv(b"")
        with pytest.raises(UnknownFormat, match="empty"):
            parse_hours_csv("\n\n  \n")

    def test_missing_required_column(self):
        with pytest.raises(UnknownFormat) as caught:
            detect_format(["User", "Email", "Start date", "Start time", "Duration"])
        assert 'Toggl Track (detailed report) export, but it has no "Project" column' in str(
            caught.value
        )
        with pytest.raises(UnknownFormat, match='no "Email" or "Last Name" or "First Name"'):
            detect_format(["Date", "Project", "Notes", "Hours"])

    def test_toggl_without_duration_needs_start_and_end(self):
        with pytest.raises(UnknownFormat, match='neither a "Duration" column'):
            detect_format(["User", "Project", "Start date", "End time"])
        detect_format(["User", "Project", "Start date", "Start time", "End time"])


class TestToggl:
    def test_detailed_report(self):
        result = parse("toggl_detailed.csv")
        assert result.errors == []
        first, review, night, short, quoted = result.entries
        assert first == ImportedEntry(
            line=2,
            source="toggl",
            email="ana@example.coop",
            person_name="Ana Souza",
            client="Municipality of Rosario",
            project="Open data portal",
            date=datetime.date(2026, 11, 23),
            minutes=90,
            description="Importer for the budget datasets, first pass",
            fingerprint=first.fingerprint,
            task="Backend",
        )
        assert review.line == 3
        assert review.description == (
            "Review with the city's data team:\n- dataset licences\n- publishing calendar"
        )
        assert review.minutes == 46  # 45:30 rounds half up
        # crosses midnight: the day it started, the duration as exported
        assert (night.line, night.date, night.minutes) == (6, datetime.date(2026, 11, 24), 150)
        assert night.email == "bruno.diaz@example.coop"  # lower-cased
        assert (short.line, short.client, short.description, short.minutes) == (7, None, "", 20)
        assert (quoted.line, quoted.minutes) == (8, 210)
        assert quoted.description == 'Onboarding screens "v2"'

    def test_bom_crlf_classic_durations(self):
        data = sample("toggl_detailed_bom_crlf.csv")
        assert data.startswith(codecs.BOM_UTF8)
        assert b"\r\n" in data
        result = parse_hours_csv(data)
        assert result.errors == []
        assert [(e.line, e.minutes, e.description) for e in result.entries] == [
            (2, 15, "Stand-up"),  # "15:00 min"
            (3, 105, "Minutes of the assembly:\nbudget, roadmap"),  # CRLF inside the quotes
            (5, 1, "Hotfix deploy"),  # "45 sec" rounds up to a minute
        ]

    def test_decimal_duration_format(self):
        assert only_entry(toggl(toggl_row(duration="1.50 h"))).minutes == 90

    def test_minutes_from_start_and_end_when_no_duration(self):
        entry = only_entry(toggl(toggl_row(duration="", end_time="10:45:29")))
        assert entry.minutes == 105
        entry = only_entry(toggl(toggl_row(duration="", end_time="10:45:30")))
        assert entry.minutes == 106
        overnight = toggl_row(
            duration="", start_time="23:00:00", end_date="2026-11-24", end_time="01:00:00"
        )
        assert only_entry(toggl(overnight)).minutes == 120

    def test_extra_amount_currency_and_no_amount(self):
        header = TOGGL_HEADER.replace("Amount ()", "Amount (EUR)")
        result = parse_hours_csv(f"{header}\n{toggl_row()}\n")
        assert only_entry(result).minutes == 90
        header = TOGGL_HEADER.removesuffix(",Amount ()")
        row = toggl_row().removesuffix(',""')
        assert only_entry(parse_hours_csv(f"{header}\n{row}\n")).minutes == 90

    def test_user_without_email(self):
        entry = only_entry(toggl(toggl_row(email="")))
        assert (entry.email, entry.person_name) == (None, "Ana Souza")


class TestHarvest:
    def test_detailed_time_report(self):
        result = parse("harvest_detailed.csv")
        assert result.errors == []
        assert [
            (e.line, e.email, e.person_name, e.client, e.project, e.task, e.minutes)
            for e in result.entries
        ] == [
            (
                2,
                None,
                "Ana Souza",
                "Municipality of Rosario",
                "Open data portal",
                "Development",
                90,
            ),
            (3, None, "Ana Souza", "Municipality of Rosario", "Open data portal", "Meetings", 45),
            (5, None, "Carla Pereira", "Food Co-op Network", "Member app", "Design", 140),
            (6, None, "Carla Pereira", "Food Co-op Network", "Member app", "Design", 140),
            (7, None, "Bruno Díaz", None, "Internal", "Admin", 15),
        ]
        assert result.entries[1].description == "Call with the city:\nlicences, publishing calendar"

    def test_identical_rows_get_different_fingerprints(self):
        entries = parse("harvest_detailed.csv").entries
        twin, other_twin = entries[2], entries[3]
        assert dataclasses.replace(twin, line=6, fingerprint="") == dataclasses.replace(
            other_twin, fingerprint=""
        )
        assert twin.fingerprint != other_twin.fingerprint
        again = parse("harvest_detailed.csv").entries
        assert [e.fingerprint for e in again] == [e.fingerprint for e in entries]

    def test_european_account_settings(self):
        data = (
            "Date,Client,Project,Project Code,Task,Notes,Hours,Billable?,Invoiced?,Approved?,"
            "First Name,Last Name,Department,Employee?\n"
            '23.11.2026,Food Co-op Network,Member app,"",Design,Wireframes,"7,5",No,No,No,'
            'Carla,Pereira,"",Yes\n'
        )
        entry = only_entry(parse_hours_csv(data))
        assert (entry.date, entry.minutes) == (datetime.date(2026, 11, 23), 450)

    def test_hours_as_hours_and_minutes(self):
        data = f"{HARVEST_HEADER}\n2026-11-23,,Internal,,Admin,,1:15,1:15,No,No,No,Ana,Souza\n"
        assert only_entry(parse_hours_csv(data)).minutes == 75

    def test_email_column_when_there_is_one(self):
        data = "Date,Project,Notes,Hours,First Name,Last Name,Email\n"
        data += "2026-11-23,Internal,Admin,1,Ana,Souza,Ana@Example.coop\n"
        entry = only_entry(parse_hours_csv(data))
        assert (entry.email, entry.person_name) == ("ana@example.coop", "Ana Souza")


class TestKimai:
    def test_english_default_template(self):
        result = parse("kimai_en.csv")
        assert result.errors == []
        ana, review, bruno, carla = result.entries
        assert (ana.line, ana.email, ana.person_name, ana.client, ana.project, ana.task) == (
            2,
            "ana@example.coop",
            "Ana Souza",
            "Municipality of Rosario",
            "Open data portal",
            "Development",
        )
        assert (ana.minutes, ana.description) == (90, "Budget importer, datasets 1-3")
        assert review.line == 3
        assert review.description == "Review with the city:\n- licences\n- publishing calendar"
        # 22:30 to 00:15: the Duration column counts, the date is the day it began
        assert (bruno.line, bruno.date, bruno.minutes) == (6, datetime.date(2026, 11, 24), 105)
        # Kimai's guard against spreadsheet formulas ("' " before = - + @) is taken off
        assert bruno.description == "-fix rounding of totals"
        assert carla.description == "=SUM(A1:A3) in the report template"
        assert carla.person_name == "carla"  # no display name: the user name

    def test_german_semicolon_template_with_ids(self):
        result = parse("kimai_de_semicolon.csv")
        assert result.errors == []
        assert [(e.line, e.minutes, e.fingerprint) for e in result.entries] == [
            (2, 90, "kimai:id:1041"),
            (3, 45, "kimai:id:1042"),
            (5, 135, "kimai:id:1043"),
        ]
        first = result.entries[0]
        assert first.description == "Import der Haushaltsdaten; erster Teil"
        assert (first.task, first.person_name) == ("Entwicklung", "Ana Souza")
        second = result.entries[1]
        assert second.description == "Abstimmung mit der Stadt:\nLizenzen, Veröffentlichung"

    def test_windows_1252_and_decimal_comma(self):
        text = sample("kimai_de_semicolon.csv").decode("utf-8").replace(";1.5;", ";1,5;")
        result = parse_hours_csv(text.replace("\n", "\r\n").encode("cp1252"))
        assert [e.minutes for e in result.entries] == [90, 45, 135]
        assert result.entries[2].person_name == "Bruno Díaz"
        assert result.entries[0].task == "Entwicklung"
        assert result.entries[1].description.endswith("Veröffentlichung")

    def test_latin_1_when_not_windows_1252(self):
        # 0x81 is undefined in Windows-1252: Latin-1 reads it
        text = "Datum;Dauer;E-Mail;Projekt;Beschreibung\n"
        text += "2026-11-23;1:00;ana@example.coop;P;a\x81b\n"
        entry = only_entry(parse_hours_csv(text.encode("latin-1")))
        assert entry.description == "a\x81b"

    @pytest.mark.parametrize(
        ("duration", "minutes"),
        [("1:30", 90), ("1:30:29", 90), ("1:30:30", 91), ("1.5", 90), ("0.11", 7), ("5400", 90)],
    )
    def test_duration_formats(self, duration, minutes):
        # h:mm (default), h:mm:ss, decimal, and seconds as Kimai 1.x wrote them
        data = f"Date,From,To,Duration,User,Project\n2026-11-23,09:00,,{duration},ana,P\n"
        assert only_entry(parse_hours_csv(data)).minutes == minutes

    def test_from_and_to_without_duration(self):
        data = "Date,From,To,User,Project\n2026-11-23,09:00,10:15,ana,P\n"
        assert only_entry(parse_hours_csv(data)).minutes == 75
        data = "Date,From,To,User,Project\n2026-11-23,22:00,01:00,ana,P\n"
        assert only_error(parse_hours_csv(data)).message == (
            "The end (2026-11-23 01:00) is before the start (2026-11-23 22:00)"
        )


class TestClockify:
    def test_us_twelve_hour_clock_month_first(self):
        result = parse("clockify_detailed_us.csv")
        assert result.errors == []
        assert [(e.line, e.date, e.minutes, e.task) for e in result.entries] == [
            (2, datetime.date(2026, 11, 23), 90, "Backend"),
            (3, datetime.date(2026, 11, 23), 45, "Backend"),
            # 12/03/2026 alone could be 12 March; 11/23/2026 elsewhere says month first
            (5, datetime.date(2026, 12, 3), 45, None),
        ]
        assert result.entries[1].description == "Review with the city:\nlicences, calendar"

    def test_eu_day_first_activity_column(self):
        result = parse("clockify_detailed_eu.csv")
        assert result.errors == []
        assert [(e.line, e.date, e.minutes, e.task) for e in result.entries] == [
            (2, datetime.date(2026, 11, 23), 90, "Backend"),
            (3, datetime.date(2026, 12, 3), 140, None),
        ]
        assert result.entries[1].description == "Checkout: rounding,\ntotals and receipts"

    def test_decimal_duration_when_no_h_duration(self):
        data = f"{CLOCKIFY_HEADER}\n"
        data += "Site,,Work,,Ana,,ana@example.coop,,No,2026-11-23,09:00,2026-11-23,10:00,,0.25,,\n"
        assert only_entry(parse_hours_csv(data)).minutes == 15

    def test_start_and_end_when_no_duration_column(self):
        data = "Project,Description,User,Group,Email,Start Date,Start Time,End Date,End Time\n"
        data += "Site,Work,Ana,,ana@example.coop,11/23/2026,11:45 PM,11/24/2026,12:15 AM\n"
        entry = only_entry(parse_hours_csv(data))
        assert (entry.date, entry.minutes) == (datetime.date(2026, 11, 23), 30)

    def test_semicolons_from_excel(self):
        text = sample("clockify_detailed_eu.csv").decode().replace('","', '";"')
        result = parse_hours_csv(text)
        assert [e.minutes for e in result.entries] == [90, 140]
        assert result.entries[1].description == "Checkout: rounding,\ntotals and receipts"


class TestDateOrder:
    US_AMBIGUOUS = (
        "Project,Client,Description,Task,User,Group,Email,Start Date,Start Time,End Date,"
        "End Time,Duration (h)\n"
        "Site,,Work,,Ana,,ana@example.coop,03/04/2026,09:00 AM,03/04/2026,10:00 AM,01:00:00\n"
    )

    def test_ambiguous_without_order_is_a_row_error(self):
        assert only_error(parse_hours_csv(self.US_AMBIGUOUS)) == RowError(
            2,
            'Date "03/04/2026" is ambiguous: it could be 3 April or March 4, and no date in the '
            "file has a day above 12; import it again choosing whether the day or the month "
            "comes first",
        )

    @pytest.mark.parametrize(
        ("order", "day"),
        [
            ("MDY", datetime.date(2026, 3, 4)),
            ("DMY", datetime.date(2026, 4, 3)),
            ("dmy", datetime.date(2026, 4, 3)),
        ],
    )
    def test_explicit_order(self, order, day):
        assert only_entry(parse_hours_csv(self.US_AMBIGUOUS, date_order=order)).date == day

    def test_explicit_order_beats_the_file(self):
        text = self.US_AMBIGUOUS.replace("03/04/2026", "23/04/2026")
        assert only_entry(parse_hours_csv(text)).date == datetime.date(2026, 4, 23)
        assert only_error(parse_hours_csv(text, date_order="MDY")).message == (
            'Date "23/04/2026" is not a valid month/day/year date'
        )

    def test_unknown_order(self):
        with pytest.raises(ValueError, match="date_order"):
            parse_hours_csv(self.US_AMBIGUOUS, date_order="YMD")

    def test_dots_are_day_first(self):
        text = self.US_AMBIGUOUS.replace("03/04/2026", "03.04.2026")
        assert only_entry(parse_hours_csv(text)).date == datetime.date(2026, 4, 3)

    def test_end_dates_count_as_evidence(self):
        # only the end date, the day after 03/12/2026, shows that the month comes first
        text = self.US_AMBIGUOUS.replace(
            "03/04/2026,09:00 AM,03/04/2026,10:00 AM,01:00:00",
            "03/12/2026,11:00 PM,03/13/2026,12:30 AM,",
        )
        entry = only_entry(parse_hours_csv(text))
        assert (entry.date, entry.minutes) == (datetime.date(2026, 3, 12), 90)

    @pytest.mark.parametrize(
        ("cells", "order"),
        [
            (["23/11/2026", "03/04/2026"], "DMY"),
            (["11/23/2026", "03/04/2026"], "MDY"),
            (["03/04/2026"], None),
            (["03.04.2026"], "DMY"),
            (["23/11/2026", "11/23/2026"], None),
            (["2026-11-23"], None),
            ([], None),
        ],
    )
    def test_file_decides(self, cells, order):
        assert decide_date_order(cells) == order

    @pytest.mark.parametrize(
        ("text", "order", "day"),
        [
            ("2026-11-23", None, datetime.date(2026, 11, 23)),
            ("2026/11/23", "MDY", datetime.date(2026, 11, 23)),
            ("23.11.2026", None, datetime.date(2026, 11, 23)),
            ("23/11/2026", None, datetime.date(2026, 11, 23)),
            ("11/23/2026", None, datetime.date(2026, 11, 23)),
            ("5/5/2026", None, datetime.date(2026, 5, 5)),
            ("3-4-26", "DMY", datetime.date(2026, 4, 3)),
        ],
    )
    def test_date_forms(self, text, order, day):
        assert parse_date(text, order) == day

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("", "The date is empty"),
            (
                "Nov 23",
                'Date "Nov 23" is not a date (expected e.g. 2026-11-23, 23.11.2026, '
                "23/11/2026 or 11/23/2026)",
            ),
            ("2026-02-29", 'Date "2026-02-29" does not exist'),
            ("31/31/2026", 'Date "31/31/2026" does not exist'),
        ],
    )
    def test_bad_dates(self, text, message):
        with pytest.raises(ValueProblem) as caught:
            parse_date(text, None)
        assert str(caught.value) == message


class TestValues:
    @pytest.mark.parametrize(
        ("text", "minutes"),
        [
            ("1:30:00", 90),
            ("01:30:00", 90),
            ("1:30", 90),
            ("1.5", 90),
            ("1,5", 90),
            (",5", 30),
            ("0.11", 7),  # 6.6 minutes
            ("2.33", 140),  # 139.8 minutes
            ("45:00 min", 45),
            ("18:25 min", 18),
            ("35 sec", 1),
            ("1.50 h", 90),
            ("0:00:29", 0),
            ("0:00:30", 1),
            ("0:01:29", 1),
            ("0:01:30", 2),
            ("24:00:00", 1440),
            ("  2 ", 120),
            ("", None),
        ],
    )
    def test_durations(self, text, minutes):
        assert duration_minutes(text) == minutes

    def test_bare_integers_as_seconds_only_when_asked(self):
        assert duration_minutes("5400") == 5400 * 60
        assert duration_minutes("5400", bare_integer_seconds_above=24) == 90
        assert duration_minutes("8", bare_integer_seconds_above=24) == 480

    @pytest.mark.parametrize("text", ["abc", "1:75", "1:3", "1.5.2", "1h30", "1:30:00:00"])
    def test_bad_durations(self, text):
        with pytest.raises(ValueProblem) as caught:
            duration_minutes(text)
        assert str(caught.value) == (
            f'Duration "{text}" is not a duration (expected h:mm:ss, h:mm or decimal hours)'
        )

    @pytest.mark.parametrize(
        ("text", "time"),
        [
            ("09:30", datetime.time(9, 30)),
            ("9:30:15", datetime.time(9, 30, 15)),
            ("13.30", datetime.time(13, 30)),
            ("01:30:00 PM", datetime.time(13, 30)),
            ("1:30 pm", datetime.time(13, 30)),
            ("12:15 AM", datetime.time(0, 15)),
            ("12:00:00 PM", datetime.time(12, 0)),
            ("11:45 p.m.", datetime.time(23, 45)),
            ("", None),
        ],
    )
    def test_times(self, text, time):
        assert parse_time(text) == time

    @pytest.mark.parametrize("text", ["24:00", "13:00 PM", "0:30 AM", "9h", "09:60"])
    def test_bad_times(self, text):
        with pytest.raises(ValueProblem, match=f'Time "{text}" is not a time of day'):
            parse_time(text)

    @given(hours=st.integers(0, 48), minutes=st.integers(0, 59))
    def test_h_mm_round_trips(self, hours, minutes):
        assert duration_minutes(f"{hours}:{minutes:02d}") == hours * 60 + minutes
        assert duration_minutes(f"{hours}:{minutes:02d}:00") == hours * 60 + minutes

    @given(total=st.integers(1, 1440))
    def test_h_mm_round_trips_through_a_file(self, total):
        duration = f"{total // 60}:{total % 60:02d}"
        data = f"Datum;Dauer;E-Mail;Projekt\n2026-11-23;{duration};ana@example.coop;P\n"
        assert only_entry(parse_hours_csv(data)).minutes == total


class TestErrors:
    def test_every_row_error_with_its_line(self):
        result = parse("toggl_bad_rows.csv")
        assert [(e.line, e.description) for e in result.entries] == [
            (2, "A good row\nover two lines"),
            (17, "Another good row"),
        ]
        assert result.errors == [
            RowError(
                4, 'Duration "abc" is not a duration (expected h:mm:ss, h:mm or decimal hours)'
            ),
            RowError(5, "The duration is zero"),
            RowError(
                6, 'The duration "25:00:00" is more than 24 hours (1500 minutes; a day holds 1440)'
            ),
            RowError(7, 'Date "2026-13-45" does not exist'),
            RowError(8, "The end (2026-11-23 14:00) is before the start (2026-11-23 15:00)"),
            RowError(9, "The row names no person (no e-mail address and no name)"),
            RowError(
                10, 'Time "9h" is not a time of day (expected e.g. 09:30, 09:30:00 or 9:30 AM)'
            ),
            RowError(11, 'E-mail "ana.example.coop" is not an e-mail address'),
            RowError(12, 'The duration is zero once rounded to whole minutes ("00:00:20")'),
            RowError(13, "The row has no duration, and no start and end time to count it from"),
            RowError(
                14,
                "The row has 15 fields but the header has 14: a field containing the "
                "delimiter may have lost its quotes",
            ),
            RowError(15, 'Duration "-01:00:00" is negative'),
            RowError(
                16,
                'Date "31/31/2026" does not exist; Duration "1:75" is not a duration '
                "(expected h:mm:ss, h:mm or decimal hours)",
            ),
        ]

    def test_over_a_day_from_start_and_end(self):
        row = toggl_row(duration="", end_date="2026-11-24", end_time="09:01:00")
        assert only_error(toggl(row)).message == (
            "The duration 24:01 is more than 24 hours (1441 minutes; a day holds 1440)"
        )

    def test_exactly_a_day(self):
        row = toggl_row(duration="24:00:00")
        assert only_entry(toggl(row)).minutes == 1440

    def test_empty_date(self):
        assert only_error(toggl(toggl_row(start_date=""))).message == "The date is empty"

    def test_unclosed_quote(self):
        text = f'{TOGGL_HEADER}\n{toggl_row()}\n"Ana,ana@example.coop,,Site,,"oops\n'
        result = parse_hours_csv(text)
        assert len(result.entries) == 1
        [error] = result.errors
        assert error.line == 3
        assert error.message.startswith("The file cannot be read from this line on")

    def test_short_rows_read_missing_cells_as_blank(self):
        header = "Project,Description,Task,User,Group,Email,Tags,Billable,Start Date,Start Time,"
        header += "End Date,End Time,Client"
        row = "Site,Work,,Ana,,ana@example.coop,,Yes,03/04/2026,10:23 AM,03/04/2026,11:23:01 AM"
        entry = only_entry(parse_hours_csv(f"{header}\n{row}\n", date_order="MDY"))
        assert (entry.client, entry.minutes) == (None, 60)


class TestFileShapes:
    def test_header_only(self):
        assert parse_hours_csv(TOGGL_HEADER + "\n") == ParseResult("toggl", [], [])
        assert parse_hours_csv(TOGGL_HEADER) == ParseResult("toggl", [], [])

    def test_blank_lines_and_empty_rows_are_skipped(self):
        text = f"{TOGGL_HEADER}\r\n\r\n{toggl_row()}\r\n,,,,,,,,,,,,,\r\n\r\n   \r\n"
        entry = only_entry(parse_hours_csv(text))
        assert entry.line == 3

    def test_line_numbers_count_lines_inside_quotes(self):
        rows = [
            toggl_row(description="one"),
            toggl_row(description="two\nlines"),
            toggl_row(description="three\r\nlines\r\nhere"),
            toggl_row(description="last", duration="oops"),
        ]
        result = toggl(*rows)
        assert [e.line for e in result.entries] == [2, 3, 5]
        assert result.errors[0].line == 8

    def test_excel_separator_line(self):
        text = "sep=;\n" + sample("kimai_de_semicolon.csv").decode()
        result = parse_hours_csv(text)
        assert [e.line for e in result.entries] == [3, 4, 6]

    def test_utf16_tab_separated(self):
        # Excel's "Unicode text": UTF-16 with a byte-order mark, tabs between the cells
        header = TOGGL_HEADER.replace(",", "\t")
        row = "Ana Souza\tana@example.coop\t\tSite\t\t\tNo\t2026-11-23\t09:00:00\t2026-11-23\t"
        row += "10:00:00\t01:00:00\t\t"
        entry = only_entry(parse_hours_csv(f"{header}\r\n{row}\r\n".encode("utf-16")))
        assert (entry.project, entry.minutes) == ("Site", 60)

    def test_str_with_bom(self):
        text = "\ufeff" + sample("toggl_detailed.csv").decode()
        assert len(parse_hours_csv(text).entries) == 5

    def test_no_django_import(self):
        blocker = (
            "import sys\n"
            "class Block:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name.split('.')[0] == 'django':\n"
            "            raise ImportError('no Django here')\n"
            "sys.meta_path.insert(0, Block())\n"
            "import coop.timesheet_csv, coop.timesheet_csv.parsing\n"
            "print(coop.timesheet_csv.parse_hours_csv('Datum;Dauer;E-Mail;Projekt').source)\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", blocker], capture_output=True, text=True, check=False
        )
        assert (done.returncode, done.stdout.strip()) == (0, "kimai"), done.stderr


class TestFingerprints:
    @pytest.mark.parametrize(
        "name",
        ["toggl_detailed.csv", "harvest_detailed.csv", "kimai_en.csv", "clockify_detailed_us.csv"],
    )
    def test_stable_across_parses(self, name):
        first = [e.fingerprint for e in parse(name).entries]
        assert first == [e.fingerprint for e in parse(name).entries]
        assert len(set(first)) == len(first)
        assert all(len(f) <= 128 and f.startswith(parse(name).source + ":") for f in first)

    def test_stable_across_encoding_line_endings_and_delimiter(self):
        text = sample("toggl_detailed.csv").decode()
        other = "\ufeff" + text.replace("\n", "\r\n")
        first = [e.fingerprint for e in parse_hours_csv(text).entries]
        assert first == [e.fingerprint for e in parse_hours_csv(other.encode()).entries]

    def test_same_as_the_documented_recipe(self):
        import hashlib

        entry = only_entry(toggl(toggl_row(description="Review  with\n the city")))
        key = "\x1f".join(
            [
                "toggl",
                "ana@example.coop",
                "open data portal",
                "municipality of rosario",
                "2026-11-23",
                "09:00:00",
                "90",
                "Review with the city",
            ]
        )
        assert entry.fingerprint == "toggl:" + hashlib.sha256(key.encode()).hexdigest()

    @pytest.mark.parametrize(
        "change",
        [
            {"description": "Review!"},
            {"duration": "01:31:00"},
            {"start_date": "2026-11-24", "end_date": "2026-11-24"},
            {"start_time": "09:01:00"},
            {"email": "bruno.diaz@example.coop"},
            {"project": "Member app"},
            {"client": "Food Co-op Network"},
        ],
    )
    def test_differs_when_the_row_differs(self, change):
        before = only_entry(toggl(toggl_row())).fingerprint
        assert only_entry(toggl(toggl_row(**change))).fingerprint != before

    def test_ignores_case_and_spacing_of_names(self):
        before = only_entry(toggl(toggl_row())).fingerprint
        after = only_entry(toggl(toggl_row(project="open  data portal", email="ANA@example.coop")))
        assert after.fingerprint == before

    def test_name_when_no_email(self):
        ana = only_entry(toggl(toggl_row(email=""))).fingerprint
        carla = only_entry(toggl(toggl_row(email="", user="Carla Pereira"))).fingerprint
        assert ana != carla

    def test_vendor_id_wins(self):
        data = "ID,Date,Duration,User,Project,Description\n7,2026-11-23,1:00,ana,P,a\n"
        first = only_entry(parse_hours_csv(data)).fingerprint
        assert first == "kimai:id:7"
        changed = data.replace(",a\n", ",b\n")
        assert only_entry(parse_hours_csv(changed)).fingerprint == first

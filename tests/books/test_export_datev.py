"""The DATEV Buchungsstapel: its header and columns match DATEV's format description (the
fixture datev_buchungsstapel_700_13.json, written from developer.datev.de), its rows parse
back with the csv module in Windows-1252, and every account moves as in the journal."""

import csv
import datetime
import io
import json
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from books.exports import datev
from books.exports.files import export
from books.exports.period import Period
from books.models import BooksSettings
from coop.errors import InvalidInput, StateConflict
from tests.books.export_factories import a_month, a_year, german_coop, treasurer_of
from tests.factories import CooperativeFactory, MemberFactory

REFERENCE = json.loads(
    (Path(__file__).parent / "datev_buchungsstapel_700_13.json").read_text(encoding="utf-8")
)
YEAR = {"year": "2026"}


def the_file(treasurer, params=YEAR) -> bytes:
    return b"".join(export(actor=treasurer, format="datev", params=params).chunks)


@pytest.fixture
def books(db, clock):
    clock.set(datetime.datetime(2027, 1, 15, 9, 30, 5, 123000, tzinfo=datetime.UTC))
    cooperative = german_coop()
    a_year(cooperative)
    return cooperative


def _fields(line: str) -> list[str]:
    """The cells of a row as written, quotes kept: a semicolon inside quotes is text."""
    cells, cell, quoted = [], "", False
    for char in line:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            cells.append(cell)
            cell = ""
        else:
            cell += char
    return [*cells, cell]


@pytest.mark.django_db
def test_the_header_follows_datevs_description(books):
    content = the_file(treasurer_of(books))
    header = _fields(content.decode("cp1252").split("\r\n")[0])
    example = _fields(REFERENCE["example_header"])
    assert len(header) == len(example) == len(REFERENCE["header"]) == 31
    for field in REFERENCE["header"]:
        value = header[field["position"] - 1]
        if "value" in field:
            assert value.strip('"') == field["value"], field["name"]
        if "pattern" in field:
            assert re.match(field["pattern"], value), (field["name"], value)
        # a text field of DATEV's example is a text field here too, and a number a number
        assert value.startswith('"') == example[field["position"] - 1].startswith('"'), field
    by_name = {field["name"]: header[field["position"] - 1] for field in REFERENCE["header"]}
    assert by_name["Erzeugt am"] == "20270115093005123"
    assert by_name["Beraternummer"] == "29098"
    assert by_name["Mandantennummer"] == "55003"
    assert by_name["WJ-Beginn"] == "20260101"
    assert by_name["Sachkontenlänge"] == "4"
    assert (by_name["Datum vom"], by_name["Datum bis"]) == ("20260101", "20261231")
    assert by_name["Sachkontenrahmen"] == '"03"'
    assert by_name["WKZ"] == '"EUR"'


@pytest.mark.django_db
def test_the_columns_are_datevs_in_datevs_order(books):
    content = the_file(treasurer_of(books)).decode("cp1252")
    columns = content.split("\r\n")[1].split(";")
    assert columns == [column["name"] for column in REFERENCE["columns"]]
    assert [c["position"] for c in REFERENCE["columns"]] == list(range(1, 126))
    assert list(datev.COLUMNS) == columns


@pytest.mark.django_db
def test_the_rows_parse_back_and_move_each_account_as_the_journal_does(books):
    content = the_file(treasurer_of(books))
    assert content.count(b"\r\n") == len(content.split(b"\n")) - 1  # every line ends in CR LF
    rows = list(csv.reader(io.StringIO(content.decode("cp1252"), newline=""), delimiter=";"))
    bookings = rows[2:]
    assert all(len(row) == 125 for row in bookings)
    moves: dict[str, Decimal] = defaultdict(Decimal)
    raw_lines = content.decode("cp1252").split("\r\n")[2:-1]
    for row, raw in zip(bookings, raw_lines, strict=True):
        cells = _fields(raw)
        for position, pattern in REFERENCE["booking_patterns"].items():
            assert re.match(pattern, cells[int(position) - 1]), (position, cells[int(position) - 1])
        amount = Decimal(row[0].replace(",", "."))
        sign = 1 if row[1] == "S" else -1
        moves[row[6]] += sign * amount
        moves[row[7]] -= sign * amount
    journal = defaultdict(Decimal)
    for number, total in _sums(books):
        journal[number] = total
    assert {k: v for k, v in moves.items() if v} == {k: v for k, v in journal.items() if v}
    # the text is DATEV's: Windows-1252 kept its umlauts, quotes doubled, cut at 60 characters
    texts = {row[13] for row in bookings}
    assert 'Invoice 2026-01-1 "Größe"; Ärger' in texts
    assert "'=Hosting" in texts  # a spreadsheet would run it: guarded
    assert {row[9] for row in bookings} >= {"1001", "2801"}  # Belegdatum TTMM


def _sums(cooperative):
    from django.db.models import Sum

    from books.models import JournalLine

    return (
        JournalLine.objects.filter(entry__cooperative=cooperative)
        .values_list("account__number")
        .annotate(total=Sum("amount"))
    )


@pytest.mark.django_db
def test_a_distribution_is_split_against_its_largest_lines(books):
    content = the_file(treasurer_of(books), {"month": "2026-03"}).decode("cp1252")
    rows = [_fields(row) for row in content.split("\r\n")[2:-1]]
    distribution = [row for row in rows if row[13].startswith('"Distribution')]
    # 3 members × 2 lines + the reserve against the surplus: 6 member rows and the rest
    assert len(distribution) == 7
    assert {row[7] for row in distribution if row[6] in ("0755", "0810")} == {"0860"}


@pytest.mark.django_db
def test_only_skr03_and_skr04_books_export_to_datev(db):
    cooperative = german_coop(chart="generic")
    a_month(cooperative, datetime.date(2026, 5, 1), [MemberFactory(cooperative=cooperative)])
    with pytest.raises(StateConflict, match="SKR03 or SKR04") as refused:
        the_file(treasurer_of(cooperative))
    assert refused.value.code == "datev_needs_skr"


@pytest.mark.django_db
def test_the_numbers_from_the_tax_adviser_are_needed(db):
    cooperative = german_coop(chart="skr04")
    a_month(cooperative, datetime.date(2026, 5, 1), [MemberFactory(cooperative=cooperative)])
    BooksSettings.objects.filter(cooperative=cooperative).update(datev_client_number=None)
    with pytest.raises(StateConflict, match="Mandantennummer") as refused:
        the_file(treasurer_of(cooperative))
    assert refused.value.field == "datev_client_number"


@pytest.mark.django_db
def test_a_file_covers_one_fiscal_year(books):
    with pytest.raises(InvalidInput, match="one fiscal year") as refused:
        the_file(treasurer_of(books), {"from": "2026-12-01", "to": "2027-01-31"})
    assert refused.value.field == "to"


@pytest.mark.django_db
def test_more_bookings_than_datev_takes_are_refused(books, monkeypatch):
    monkeypatch.setattr(datev, "MAX_BOOKINGS", 10)
    with pytest.raises(StateConflict, match="a month at a time") as refused:
        the_file(treasurer_of(books))
    assert refused.value.code == "datev_too_many_bookings"
    assert datev.check(books, Period(datetime.date(2026, 1, 1), datetime.date(2026, 1, 5)))


@pytest.mark.django_db
def test_an_account_number_datev_cannot_read_is_named(books):
    from books.models import LedgerAccount

    LedgerAccount.objects.filter(cooperative=books, number="1200").update(number="BANK1")
    with pytest.raises(StateConflict, match="BANK1"):
        the_file(treasurer_of(books))


@pytest.mark.django_db
def test_the_other_co_ops_books_stay_out(books):
    other = german_coop()
    a_month(other, datetime.date(2026, 2, 1), [MemberFactory(cooperative=other)])
    mine = the_file(treasurer_of(books), {"month": "2026-02"})
    theirs = the_file(treasurer_of(other), {"month": "2026-02"})
    assert len(mine.split(b"\r\n")) > len(theirs.split(b"\r\n"))
    assert CooperativeFactory  # the factories make distinct co-ops

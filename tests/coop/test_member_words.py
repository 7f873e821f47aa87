"""Messages a member reads say things in the co-op's words, not the code's or the API's."""

import datetime
import pathlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coop.hours.services import lock_period
from tests.factories import ClientFactory, ProjectFactory, TimeEntryFactory
from tests.web import signed_in

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 9)
LOCKED_DAY = datetime.date(2026, 10, 20)
LOCALE = pathlib.Path(__file__).resolve().parents[2] / "locale"
HEADER = "User,Email,Client,Project,Description,Start date,Start time,Duration\n"


@pytest.fixture(autouse=True)
def today(clock):
    clock.set(TODAY)


@pytest.fixture
def project(cooperative):
    return ProjectFactory(
        client=ClientFactory(cooperative=cooperative, name="Municipality of Rosario"),
        name="Open data portal",
    )


def csv_file(*rows: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("toggl.csv", (HEADER + "".join(rows)).encode(), "text/csv")


def row(member, day: datetime.date, description: str = "Work") -> str:
    return (
        f"Ana,{member.user.email},Municipality of Rosario,Open data portal,"
        f'"{description}",{day:%Y-%m-%d},09:00:00,01:00:00\n'
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "press “Adjust” next to it in the list of entries"),
        ("es", "pulsa «Ajustar» a su lado en la lista de registros"),
        ("de", "klicken Sie in der Liste der Einträge daneben auf „Korrigieren“"),
    ],
)
def test_a_locked_month_says_how_to_correct_in_the_pages_words(
    client, member, project, language, expected
):
    lock_period(cooperative=member.cooperative, month=LOCKED_DAY)
    entry = TimeEntryFactory(member=member, project=project, date=LOCKED_DAY, minutes=90)
    client.cookies["django_language"] = language
    url = reverse("hours-entry-edit", args=[member.cooperative.slug, entry.pk])
    html = signed_in(client, member).post(
        url, {"project": project.pk, "date": "2026-10-20", "duration": "3"}
    )
    html = html.content.decode()
    assert expected in html
    assert "adjusts" not in html.lower().replace("adjusts entry", "")
    assert "`" not in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "The description: "), ("es", "La descripción: "), ("de", "Die Beschreibung: ")],
)
def test_the_import_report_names_a_column_as_the_member_knows_it(
    client, member, project, language, expected
):
    client.cookies["django_language"] = language
    url = reverse("hours-import", args=[member.cooperative.slug])
    upload = csv_file(row(member, datetime.date(2026, 12, 1), "fix \u202egnp.exe"))
    html = signed_in(client, member).post(url, {"file": upload}).content.decode()
    reasons = re.findall(r'<tr><td class="num">\d+</td><td>([^<]*)</td></tr>', html)
    assert len(reasons) == 1
    assert reasons[0].startswith(expected)
    assert not reasons[0].startswith("description:")


def test_the_import_report_of_a_locked_month_says_how_to_correct(client, member, project):
    lock_period(cooperative=member.cooperative, month=LOCKED_DAY)
    url = reverse("hours-import", args=[member.cooperative.slug])
    html = signed_in(client, member).post(url, {"file": csv_file(row(member, LOCKED_DAY))})
    html = html.content.decode()
    assert "October 2026 is locked" in html
    assert "“Adjust”" in html
    assert "`" not in html


def message_ids(language: str) -> list[str]:
    catalog = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text()
    ids = []
    for block in catalog.split("\n\n"):
        found = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if found:
            ids.append("".join(re.findall(r'"(.*)"', found.group(1))))
    return ids


def test_no_message_names_a_field_in_backticks():
    """A `field` in a sentence is the API's way to speak; the pages say it in words."""
    named = [text for text in message_ids("es") if re.search(r"`[a-z_]+`", text)]
    assert named == []

"""The exports' API: the treasurer's files streamed, the refusals named, nothing written; the
DATEV numbers read by every member and set by the treasurer in DATEV's ranges."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from books.exports import journal_csv
from books.models import BooksSettings, JournalEntry
from coop.models import AuditEvent
from tests.books.export_factories import a_month, a_year, german_coop, treasurer_of
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def books():
    cooperative = german_coop()
    a_month(cooperative, datetime.date(2026, 4, 1), [MemberFactory(cooperative=cooperative)])
    return cooperative


def client_of(member) -> APIClient:
    client = APIClient()
    client.force_authenticate(member.user)
    return client


def url(cooperative, format):
    return f"/api/v1/coops/{cooperative.slug}/books/exports/{format}/"


@pytest.mark.parametrize(
    "format, content_type, filename",
    [
        ("csv", "text/csv; charset=utf-8", "journal-2026-04.csv"),
        ("datev", "text/csv; charset=windows-1252", "EXTF_Buchungsstapel_"),
        ("beancount", "text/plain; charset=utf-8", "journal-2026-04.beancount"),
    ],
)
def test_it_works(books, format, content_type, filename):
    response = client_of(treasurer_of(books)).get(url(books, format), {"month": "2026-04"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == content_type
    assert filename in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert b"Payout" in body


def test_the_csv_has_a_row_per_line(books):
    response = client_of(treasurer_of(books)).get(url(books, "csv"), {"year": "2026"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert list(rows[0]) == list(journal_csv.COLUMNS)
    assert len(rows) == 3 + 2 + 2 + 4 + 2
    invoice = [row for row in rows if row["kind"] == "invoice_issued"]
    assert [(r["account_number"], r["debit"], r["credit"]) for r in invoice] == [
        ("1400", "1190.00", ""), ("8400", "", "1000.00"), ("1776", "", "190.00"),
    ]  # fmt: skip
    assert invoice[0]["source"] == "billing.invoice:4"
    assert {row["description"] for row in rows} >= {"'=Hosting"}  # no formula runs
    assert {row["memo"] for row in rows if row["member"]} == {"cash", "capital"}


def test_a_period_without_entries_is_refused_naming_it(books):
    events = AuditEvent.objects.count()
    response = client_of(treasurer_of(books)).get(url(books, "beancount"), {"month": "2026-05"})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "no_entries_in_period"
    assert "05/01/2026 to 05/31/2026" in body["detail"]
    assert AuditEvent.objects.count() == events
    assert JournalEntry.objects.filter(cooperative=books).count() == 5


@pytest.mark.parametrize(
    "params, field",
    [
        ({}, "year"),
        ({"year": "26"}, "year"),
        ({"month": "2026-13"}, "month"),
        ({"from": "2026-02-30", "to": "2026-03-01"}, "from"),
        ({"from": "2026-02-01"}, "to"),
        ({"from": "2026-03-01", "to": "2026-02-01"}, "to"),
    ],
)
def test_bad_dates_are_named(books, params, field):
    response = client_of(treasurer_of(books)).get(url(books, "csv"), params)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_only_the_treasurer_exports(books):
    member = MemberFactory(cooperative=books, is_admin=True)
    response = client_of(member).get(url(books, "datev"), {"year": "2026"})
    assert response.status_code == 403
    outsider = treasurer_of(german_coop())
    assert client_of(outsider).get(url(books, "datev"), {"year": "2026"}).status_code == 404


def test_datev_refusal_names_the_chart(db):
    cooperative = german_coop(chart="pgc")
    a_month(cooperative, datetime.date(2026, 4, 1), [MemberFactory(cooperative=cooperative)])
    response = client_of(treasurer_of(cooperative)).get(url(cooperative, "datev"), {"year": "2026"})
    assert response.status_code == 409
    assert response.json()["code"] == "datev_needs_skr"
    assert "“pgc”" in response.json()["detail"]


def test_the_datev_numbers(books):
    address = reverse("api:books-datev-numbers", args=[books.slug])
    member = MemberFactory(cooperative=books)
    assert client_of(member).get(address).json() == {
        "chart": "skr03", "datev_consultant_number": 29098, "datev_client_number": 55003,
    }  # fmt: skip
    assert client_of(member).patch(address, {"datev_client_number": 7}).status_code == 403
    treasurer = client_of(treasurer_of(books))
    response = treasurer.patch(address, {"datev_client_number": 7}, format="json")
    assert response.status_code == 200
    assert response.json()["datev_client_number"] == 7
    assert BooksSettings.objects.get(cooperative=books).datev_consultant_number == 29098
    for field, value in [("datev_consultant_number", 1000), ("datev_client_number", 100000)]:
        response = treasurer.patch(address, {field: value}, format="json")
        assert response.status_code == 400
        assert list(response.json()["errors"]) == [field]
    assert BooksSettings.objects.get(cooperative=books).datev_client_number == 7


def test_the_datev_numbers_before_the_first_entry_write_nothing(db):
    cooperative = german_coop()
    BooksSettings.objects.filter(cooperative=cooperative).delete()
    address = reverse("api:books-datev-numbers", args=[cooperative.slug])
    body = client_of(MemberFactory(cooperative=cooperative)).get(address).json()
    assert body == {"chart": "skr03", "datev_consultant_number": None, "datev_client_number": None}
    assert not BooksSettings.objects.filter(cooperative=cooperative).exists()


@pytest.mark.parametrize("accept", ["text/csv", "text/plain", "application/json", "*/*"])
def test_any_accept_header_gets_the_file(books, accept):
    response = client_of(treasurer_of(books)).get(
        url(books, "csv"), {"month": "2026-04"}, HTTP_ACCEPT=accept
    )
    assert response.status_code == 200


def test_the_database_refuses_datev_numbers_out_of_range(books):
    from django.db import IntegrityError, transaction

    for field, value in [("datev_consultant_number", 1000), ("datev_client_number", 100000)]:
        with pytest.raises(IntegrityError), transaction.atomic():
            BooksSettings.objects.filter(cooperative=books).update(**{field: value})


@pytest.mark.parametrize("format", ["csv", "datev", "beancount"])
def test_an_export_costs_the_same_queries_for_a_month_and_a_year(
    db, format, django_assert_max_num_queries
):
    cooperative = german_coop()
    a_year(cooperative, members=5)
    client = client_of(treasurer_of(cooperative))
    counts = []
    for params in ({"month": "2026-02"}, {"year": "2026"}):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(cooperative, format), params)
            b"".join(response.streaming_content)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(12):
        b"".join(client.get(url(cooperative, format), {"year": "2026"}).streaming_content)

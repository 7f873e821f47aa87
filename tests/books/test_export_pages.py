"""The treasurer's exports page: the download form and its refusals on the page, the DATEV
numbers form; 403 for other members, 404 for outsiders."""

import datetime

import pytest
from django.urls import reverse

from books.models import BooksSettings
from coop.models import AuditEvent
from tests.books.export_factories import a_month, german_coop, treasurer_of
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def books():
    cooperative = german_coop()
    a_month(cooperative, datetime.date(2026, 4, 1), [MemberFactory(cooperative=cooperative)])
    return cooperative


def signed_in(client, member):
    client.force_login(member.user)
    return client


def test_it_works(client, books):
    response = signed_in(client, treasurer_of(books)).get(
        reverse("books-exports", args=[books.slug])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "DATEV Buchungsstapel (EXTF)" in page
    assert 'value="29098"' in page


def test_it_validates_ownership(client, books):
    page = reverse("books-exports", args=[books.slug])
    assert signed_in(client, MemberFactory(cooperative=books)).get(page).status_code == 403
    assert signed_in(client, treasurer_of(german_coop())).get(page).status_code == 404


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"format": "datev", "start": "2026-04-01", "end": "2026-04-30"}, "EXTF_Buchungsstapel"),
        ({"format": "beancount", "year": "2026"}, "journal-2026.beancount"),
        ({"format": "csv", "month": "2026-04"}, "journal-2026-04.csv"),
    ],
)
def test_a_download(client, books, params, expected):
    url = reverse("books-export-download", args=[books.slug])
    response = signed_in(client, treasurer_of(books)).get(url, params)
    assert response.status_code == 200
    assert expected in response["Content-Disposition"]
    assert b"".join(response.streaming_content)


@pytest.mark.parametrize(
    "params, status, message",
    [
        ({"format": "csv", "month": "2026-05"}, 409, "The books have no entries from"),
        ({"format": "csv", "start": "2026-04-31", "end": "2026-05-01"}, 400, "YYYY-MM-DD"),
        ({"format": "csv"}, 400, "Give the period"),
        ({"format": "pdf", "year": "2026"}, 400, "Choose one of the formats"),
    ],
)
def test_a_refused_download_is_the_page_again(client, books, params, status, message):
    url = reverse("books-export-download", args=[books.slug])
    response = signed_in(client, treasurer_of(books)).get(url, params)
    assert response.status_code == status
    assert not response.streaming
    page = response.content.decode()
    assert message in page
    assert "Enter a valid date" not in page  # one message per problem, the service's


def test_the_datev_numbers_are_saved(client, books):
    url = reverse("books-datev-numbers", args=[books.slug])
    signed_in(client, treasurer_of(books))
    response = client.post(url, {"datev_consultant_number": "1001", "datev_client_number": "1"})
    assert response.status_code == 302
    settings = BooksSettings.objects.get(cooperative=books)
    assert (settings.datev_consultant_number, settings.datev_client_number) == (1001, 1)
    assert AuditEvent.objects.filter(verb="books.datev_numbers_saved").count() == 1
    response = client.post(url, {"datev_consultant_number": "12", "datev_client_number": "x"})
    assert response.status_code == 400
    assert "1001 to 9999999" in response.content.decode()
    assert BooksSettings.objects.get(cooperative=books).datev_consultant_number == 1001


def test_only_the_treasurer_saves_the_numbers(client, books):
    url = reverse("books-datev-numbers", args=[books.slug])
    signed_in(client, MemberFactory(cooperative=books, is_admin=True))
    assert client.post(url, {"datev_client_number": "5"}).status_code == 403

"""The database connection lost in the middle of a request: 503 with Retry-After, nothing saved.

On PostgreSQL the request's own server process is terminated (pg_terminate_backend) from another
connection half-way through a write, between its first row and its audit event.
"""

import psycopg
import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from coop.clock import today_in
from coop.hours import selectors as hours_selectors
from coop.hours import services as hours
from coop.models import AuditEvent, TimeEntry
from tests.conftest import as_member
from tests.factories import ProjectFactory


@pytest.fixture
def project(cooperative):
    return ProjectFactory(client__cooperative=cooperative)


def terminate_this_connection() -> None:
    """End this connection's server process, as a PostgreSQL restart or failover would."""
    pid = connection.connection.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:
        # Waits (up to 10 s) until the process is gone.
        assert other.execute("SELECT pg_terminate_backend(%s, 10000)", [pid]).fetchone()[0]


@pytest.fixture
def dropped_mid_write(monkeypatch):
    """The connection dies after log_time inserted the entry and before its audit event."""
    write_audit = hours.record

    def record_after_the_drop(*args, **kwargs):
        terminate_this_connection()
        return write_audit(*args, **kwargs)

    monkeypatch.setattr(hours, "record", record_after_the_drop)


def assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_api_write_cut_off_answers_503_and_saves_nothing(
    api, member, project, cooperative, dropped_mid_write
):
    events = AuditEvent.objects.count()
    response = as_member(api, member).post(
        f"/api/v1/coops/{cooperative.slug}/time-entries/",
        {"project": project.pk, "date": today_in(cooperative).isoformat(), "minutes": 90},
        format="json",
    )
    assert_unavailable(response)
    assert response.json() == {
        "detail": "The database is unavailable; nothing was saved. Try again shortly.",
        "errors": {},
        "code": "unavailable",
    }
    # A new connection: the entry inserted before the drop was rolled back with it.
    assert not TimeEntry.objects.exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_page_write_cut_off_answers_a_503_page_and_saves_nothing(
    client, member, project, cooperative, dropped_mid_write
):
    client.force_login(member.user)
    response = client.post(
        reverse("hours-add", args=[cooperative.slug]),
        {"project": project.pk, "date": today_in(cooperative).isoformat(), "duration": "1:30"},
    )
    assert_unavailable(response)
    assert response["Content-Type"].startswith("text/html")
    assert b"briefly unavailable" in response.content
    assert not TimeEntry.objects.exists()


@pytest.mark.django_db
def test_a_read_that_fails_answers_503_under_the_api_and_on_pages(
    api, client, member, cooperative, monkeypatch
):
    """Any backend: a refused connection (here raised by the selector) is a 503, not a 500."""

    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(hours_selectors, "visible_entries", refused)
    listed = as_member(api, member).get(f"/api/v1/coops/{cooperative.slug}/time-entries/")
    assert_unavailable(listed)
    assert listed.json()["code"] == "unavailable"
    client.force_login(member.user)
    page = client.get(reverse("hours-entries", args=[cooperative.slug]))
    assert_unavailable(page)
    assert b"briefly unavailable" in page.content

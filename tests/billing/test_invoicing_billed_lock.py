"""Billed hours are locked: changing a billed entry's project, day, minutes or billable flag, or
deleting it, is refused with 409 (service, API and page); its description may still change."""

import datetime

import pytest
from django.urls import reverse

from billing import invoicing, issuing
from coop.errors import StateConflict
from coop.hours import services as hours
from coop.models import TimeEntry
from tests.billing.invoicing_factories import OCTOBER, World
from tests.conftest import as_member
from tests.web import signed_in

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock):
    clock.set(D(2026, 11, 2))
    return World()


@pytest.fixture
def billed(world):
    entry = world.entry(minutes=60)
    invoice = invoicing.draft_invoice(
        actor=world.treasurer, client=world.client, start=OCTOBER[0], end=OCTOBER[1]
    )
    issuing.issue_invoice(actor=world.treasurer, invoice=invoice)
    return entry


@pytest.mark.parametrize("change", [{"minutes": 30}, {"date": D(2026, 10, 6)}, {"billable": False}])
def test_changing_a_billed_entry_is_409(world, billed, change):
    with pytest.raises(StateConflict) as refused:
        hours.update_time_entry(actor=world.ana, entry=billed, **change)
    assert refused.value.message == (
        "This entry was billed on invoice 2026-0001; correct it with a credit note."
    )
    billed.refresh_from_db()
    assert billed.minutes == 60 and billed.billable


def test_deleting_a_billed_entry_is_409_but_the_description_may_change(world, billed):
    with pytest.raises(StateConflict):
        hours.delete_time_entry(actor=world.ana, entry=billed)
    hours.update_time_entry(actor=world.ana, entry=billed, description="Homepage")
    billed.refresh_from_db()
    assert billed.description == "Homepage"


def test_an_entry_on_a_draft_names_the_draft(world):
    entry = world.entry(minutes=60)
    invoice = invoicing.draft_invoice(
        actor=world.treasurer, client=world.client, start=OCTOBER[0], end=OCTOBER[1]
    )
    with pytest.raises(StateConflict) as refused:
        hours.update_time_entry(actor=world.ana, entry=entry, minutes=90)
    assert f"draft invoice #{invoice.pk}" in refused.value.message
    invoicing.delete_draft(actor=world.treasurer, invoice=invoice)
    hours.update_time_entry(actor=world.ana, entry=entry, minutes=90)


def test_the_api_answers_409(world, billed, api):
    url = f"/api/v1/coops/{world.cooperative.slug}/time-entries/{billed.pk}/"
    response = as_member(api, world.ana).patch(url, {"minutes": 30}, format="json")
    assert response.status_code == 409
    assert "billed on invoice 2026-0001" in str(response.json())
    assert as_member(api, world.ana).delete(url).status_code == 409
    assert TimeEntry.objects.filter(pk=billed.pk, minutes=60).exists()


def test_the_page_refuses_with_the_sentence(world, billed, client):
    signed_in(client, world.ana)
    slug = world.cooperative.slug
    response = client.post(
        reverse("hours-entry-edit", args=[slug, billed.pk]),
        {
            "project": world.project.pk,
            "date": "2026-10-05",
            "duration": "0:30",
            "description": "Work",
        },
    )
    assert response.status_code == 200
    assert "correct it with a credit note" in response.content.decode()
    response = client.post(reverse("hours-entry-delete", args=[slug, billed.pk]), follow=True)
    assert "correct it with a credit note" in response.content.decode()
    billed.refresh_from_db()
    assert billed.minutes == 60

"""The dates a record may carry: none before the co-op's founding or (hours) the member's
joining, money no later than the end of next year; the API and the pages refuse alike."""

import datetime

import pytest

from coop import dates
from coop.models import Cooperative
from coop.services import create_cooperative
from tests.conftest import as_member
from tests.factories import ClientFactory, MemberFactory, ProjectFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 4)


@pytest.fixture(autouse=True)
def today(clock):
    clock.set(TODAY)


def api_url(cooperative, path):
    return f"/api/v1/coops/{cooperative.slug}/{path}"


def test_a_new_coop_is_founded_the_day_it_is_created():
    cooperative = create_cooperative(name="Tejido", slug="tejido", time_zone="Pacific/Auckland")
    assert cooperative.founded_on == datetime.date(2026, 12, 5)  # already the 5th in Auckland
    assert Cooperative.objects.get(pk=cooperative.pk).founded_on == datetime.date(2026, 12, 5)


def test_the_migration_fills_blank_founding_dates(cooperative):
    from importlib import import_module

    from django.apps import apps

    Cooperative.objects.filter(pk=cooperative.pk).update(founded_on=None)
    migration = import_module("coop.migrations.0006_founded_on_filled")
    migration.fill_founded_on(apps, None)
    cooperative.refresh_from_db()
    assert cooperative.founded_on == cooperative.created_at.date()


@pytest.mark.parametrize("day", ["0001-01-01", "1900-01-01", "2019-12-31"])
def test_hours_before_the_founding_are_refused(api, member, day):
    project = ProjectFactory(client__cooperative=member.cooperative)
    response = as_member(api, member).post(
        api_url(member.cooperative, "time-entries/"),
        {"project": project.pk, "date": day, "minutes": 60},
        format="json",
    )
    assert response.status_code == 400
    assert "before the co-op was founded" in response.json()["errors"]["date"][0]


def test_hours_before_the_member_joined_are_refused_on_both_surfaces(api, client, cooperative):
    newcomer = MemberFactory(cooperative=cooperative, joined_on=datetime.date(2026, 11, 1))
    project = ProjectFactory(client__cooperative=cooperative)
    response = as_member(api, newcomer).post(
        api_url(cooperative, "time-entries/"),
        {"project": project.pk, "date": "2026-10-31", "minutes": 60},
        format="json",
    )
    assert response.status_code == 400
    assert "before the member joined" in response.json()["errors"]["date"][0]
    client.force_login(newcomer.user)
    page = client.post(
        f"/c/{cooperative.slug}/hours/add/",
        {"project": project.pk, "date": "2026-10-31", "duration": "1:00"},
    )
    assert page.status_code == 400  # quick add shows the form again, as typed, with the reason
    assert "before the member joined" in page.content.decode()
    ok = as_member(api, newcomer).post(
        api_url(cooperative, "time-entries/"),
        {"project": project.pk, "date": "2026-11-01", "minutes": 60},
        format="json",
    )
    assert ok.status_code == 201


@pytest.mark.parametrize(
    ("day", "fragment"),
    [
        ("0001-01-01", "before the co-op was founded"),
        ("2099-01-01", "too far ahead"),
        ("2028-01-01", "too far ahead"),
    ],
)
def test_revenue_outside_the_coops_dates_is_refused(api, treasurer, day, fragment):
    customer = ClientFactory(cooperative=treasurer.cooperative)
    response = as_member(api, treasurer).post(
        api_url(treasurer.cooperative, "revenue/"),
        {"client": customer.pk, "amount": "10.00", "received_on": day},
        format="json",
    )
    assert response.status_code == 400
    assert fragment in response.json()["errors"]["received_on"][0]


def test_money_may_be_dated_to_the_end_of_next_year(api, treasurer):
    customer = ClientFactory(cooperative=treasurer.cooperative)
    response = as_member(api, treasurer).post(
        api_url(treasurer.cooperative, "revenue/"),
        {"client": customer.pk, "amount": "10.00", "received_on": "2027-12-31"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert dates.latest_money_date(treasurer.cooperative) == datetime.date(2027, 12, 31)


def test_an_expense_far_ahead_is_refused_on_both_surfaces(api, client, treasurer):
    cooperative = treasurer.cooperative
    response = as_member(api, treasurer).post(
        api_url(cooperative, "expenses/"),
        {"category": "Hosting", "amount": "40.00", "date": "2099-01-01", "payee": "Host"},
        format="json",
    )
    assert response.status_code == 400
    assert "too far ahead" in response.json()["errors"]["date"][0]
    client.force_login(treasurer.user)
    page = client.post(
        f"/c/{cooperative.slug}/money/expenses/",
        {
            "expense-category": "Hosting",
            "expense-amount": "40.00",
            "expense-date": "1900-01-01",
            "expense-payee": "Host",
        },
    )
    assert page.status_code == 400
    assert "before the co-op was founded" in page.content.decode()


def test_a_capital_entry_far_ahead_is_refused(api, treasurer, member):
    response = as_member(api, treasurer).post(
        api_url(treasurer.cooperative, "capital-accounts/entries/"),
        {"member": member.pk, "kind": "adjustment", "amount": "5.00", "date": "9999-12-31",
         "note": "typo"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert "too far ahead" in response.json()["errors"]["date"][0]


def test_clearing_the_founding_date_gives_back_the_creation_day(cooperative, clock):
    created = cooperative.created_at.date()
    clock.set(datetime.date(2027, 6, 1))
    cooperative.founded_on = None
    cooperative.save()
    cooperative.refresh_from_db()
    assert cooperative.founded_on == created


@pytest.mark.parametrize(
    ("founded_on", "fragment"),
    [
        ("2026-12-05", "cannot be founded in the future"),
        ("2026-10-02", "has hours logged on"),  # after the first hours, on 1 October
    ],
)
def test_a_founding_date_after_the_coops_own_records_is_refused(
    api, cooperative, founded_on, fragment
):
    admin = MemberFactory(cooperative=cooperative, is_admin=True)
    project = ProjectFactory(client=ClientFactory(cooperative=cooperative))
    TimeEntryFactory(member=admin, project=project, date=datetime.date(2026, 10, 1))
    response = as_member(api, admin).patch(
        f"/api/v1/coops/{cooperative.slug}/", {"founded_on": founded_on}, format="json"
    )
    assert response.status_code == 400
    assert fragment in response.json()["errors"]["founded_on"][0]
    cooperative.refresh_from_db()
    assert cooperative.founded_on == datetime.date(2020, 1, 1)
    fine = as_member(api, admin).patch(
        f"/api/v1/coops/{cooperative.slug}/", {"founded_on": "2026-10-01"}, format="json"
    )
    assert fine.status_code == 200

"""A proposal's absolute limits: voting closes in the future and within a year; 100 options at
most. The API and the form refuse alike, naming the field."""

import datetime

import pytest

from governance.limits import MAX_OPTIONS
from governance.models import Proposal
from tests.conftest import as_member
from tests.governance.test_pages import draft_form, page

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 4, 12, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def now_is(clock):
    clock.set(NOW)


def draft(api, member, **fields):
    body = {
        "title": "Pick a tracker",
        "opens_at": (NOW + datetime.timedelta(days=1)).isoformat(),
        "closes_at": (NOW + datetime.timedelta(days=8)).isoformat(),
        **fields,
    }
    return as_member(api, member).post(
        f"/api/v1/coops/{member.cooperative.slug}/proposals/", body, format="json"
    )


@pytest.mark.parametrize(
    ("closes_at", "message"),
    [
        ("2026-12-04T11:00:00Z", "Voting would close in the past."),
        ("9999-12-31T00:00:00Z", "Voting closes within a year from now at the latest."),
        ("2027-12-06T00:00:00Z", "Voting closes within a year from now at the latest."),
    ],
)
def test_a_closing_time_out_of_bounds_is_refused(api, member, closes_at, message):
    response = draft(api, member, opens_at="2026-12-04T10:00:00Z", closes_at=closes_at)
    assert response.status_code == 400
    assert response.json()["errors"]["closes_at"] == [message]
    assert not Proposal.objects.exists()


def test_a_vote_closing_within_a_year_is_accepted(api, member):
    response = draft(api, member, closes_at="2027-12-04T00:00:00Z")
    assert response.status_code == 201, response.json()


def test_ten_thousand_options_are_refused(api, member):
    options = [f"Option {number}" for number in range(10_000)]
    response = draft(api, member, method="approval", options=options)
    assert response.status_code == 400
    assert response.json()["errors"]["options"] == [
        f"A proposal has {MAX_OPTIONS} options at most."
    ]
    enough = draft(api, member, method="approval", options=options[:MAX_OPTIONS])
    assert enough.status_code == 201, enough.json()


def test_the_form_refuses_the_same(client, member):
    client.force_login(member.user)
    options = "\n".join(f"Option {number}" for number in range(MAX_OPTIONS + 1))
    response = client.post(
        page(member.cooperative, "new/"),
        draft_form(
            method="approval",
            options=options,
            opens_at="2026-12-10T10:00",
            closes_at="9999-12-31T10:00",
        ),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["options"] == [f"A proposal has {MAX_OPTIONS} options at most."]

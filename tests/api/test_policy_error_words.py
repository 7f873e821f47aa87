"""A policy that breaks a rule is refused by the API with sentences, under the field's path:
adopting one (`policies/`) or drafting a proposal that adopts one (`action_payload.<field>`)."""

import datetime

import pytest

from tests.conftest import as_member

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2029, 12, 1, 12, tzinfo=datetime.UTC)
WEEK = datetime.timedelta(days=6)


@pytest.fixture(autouse=True)
def december_2029(clock):
    clock.set(NOW)


def test_adopting_a_policy(api, treasurer):
    response = as_member(api, treasurer).post(
        f"/api/v1/coops/{treasurer.cooperative.slug}/policies/",
        {"method": "hours", "commons_pct": "0.1", "reserve_pct": "0.95", "cash_pct": "1"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": [
            "The shares to the commons, the collective reserve and the education fund add up "
            "to 1.05; together they must stay below 1 so that something is left for the members."
        ],
        "commons_recipients": [
            "Part of the surplus goes to the commons, so name at least one commons recipient."
        ],
    }


def draft_adopting(api, member, payload: dict):
    """Draft a policy proposal whose action adopts the policy `payload`."""
    opens = NOW + datetime.timedelta(days=3)
    terms = {
        "title": "Pay more in cash", "kind": "policy", "method": "supermajority",
        "opens_at": opens.isoformat(), "closes_at": (opens + WEEK).isoformat(),
        "action": "adopt_distribution_policy", "action_payload": payload,
    }  # fmt: skip
    return as_member(api, member).post(
        f"/api/v1/coops/{member.cooperative.slug}/proposals/", terms, format="json"
    )


def test_drafting_a_proposal_that_adopts_one(api, member):
    response = draft_adopting(
        api, member, {"method": "wages_then_patronage", "commons_pct": "0.1", "cash_pct": "1.5"}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "action_payload.cash_pct": [
            "The share paid in cash must be between 0 and 1 (0.15 means 15%); it is 1.5."
        ],
        "action_payload.base_rate": [
            "Wages first, then patronage needs a base rate: the money per hour paid first."
        ],
        "action_payload.commons_recipients": [
            "Part of the surplus goes to the commons, so name at least one commons recipient."
        ],
    }


def test_a_number_written_as_a_json_number(api, member):
    response = draft_adopting(api, member, {"method": "hours", "commons_pct": 0.1})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "action_payload.commons_pct": ['Write the number as text, such as "0.15".']
    }


def test_in_the_language_the_request_asks_for(api, treasurer):
    response = as_member(api, treasurer).post(
        f"/api/v1/coops/{treasurer.cooperative.slug}/policies/",
        {"method": "hours", "commons_pct": "0.1", "cash_pct": "1"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "commons_recipients": [
            "Una parte del excedente va a los bienes comunes: indica al menos un destinatario."
        ]
    }

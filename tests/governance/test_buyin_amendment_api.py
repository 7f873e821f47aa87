"""Amending the buy-in through the API's proposal payload: the terms named change, the others
stay, and each mistake is a 400 under the path of its term (`action_payload.buyin.<term>`)."""

import datetime

import pytest

from governance import services
from governance.models import Proposal
from tests.conftest import as_member
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2029, 12, 1, 12, tzinfo=datetime.UTC)
INSTALMENTS = {"amount": "1200.00", "payment": "instalments", "monthly_max": "100.00"}


@pytest.fixture(autouse=True)
def december_2029(clock):
    clock.set(NOW)


@pytest.fixture
def with_buyin(cooperative):
    cooperative.bylaws = {**cooperative.bylaws, "buyin": INSTALMENTS}
    cooperative.save()
    return cooperative


def draft_amending(api, member, payload):
    opens = NOW + datetime.timedelta(days=3)
    closes = opens + datetime.timedelta(days=6)
    terms = {
        "title": "Lower the buy-in's instalments", "kind": "bylaws", "method": "supermajority",
        "opens_at": opens.isoformat(), "closes_at": closes.isoformat(),
        "action": "amend_bylaws", "action_payload": payload,
    }  # fmt: skip
    return as_member(api, member).post(
        f"/api/v1/coops/{member.cooperative.slug}/proposals/", terms, format="json"
    )


def test_a_partial_amendment_keeps_the_other_terms_when_it_passes(api, clock, member, with_buyin):
    voters = [member, *(MemberFactory(cooperative=with_buyin) for _n in range(2))]
    response = draft_amending(api, member, {"buyin": {"monthly_max": "150.00"}})
    assert response.status_code == 201, response.json()
    proposal = Proposal.objects.get(pk=response.json()["id"])
    proposal = services.open_proposal(actor=member, proposal=proposal)
    clock.set(proposal.opens_at)
    services.sweep()
    proposal.refresh_from_db()
    for voter in voters:
        services.cast_vote(actor=voter, proposal=proposal, ballot={"choice": "agree"})
    clock.set(proposal.closes_at)
    services.sweep()
    proposal.refresh_from_db()
    assert proposal.result == "passed"
    with_buyin.refresh_from_db()
    assert with_buyin.bylaws["buyin"] == {**INSTALMENTS, "monthly_max": "150.00"}


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        (
            {"buyin": {"payment": "at_once", "monthly_max": "50.00"}},
            {
                "action_payload.buyin.monthly_max": [
                    "A buy-in paid at once has no monthly maximum: the most a month may take is "
                    "for a buy-in paid in instalments."
                ]
            },
        ),
        (
            {"buyin": {"shares": 0}},
            {
                "action_payload.buyin.shares": [
                    "The number of shares of the buy-in is a whole number from 1 to 100000."
                ],
                "action_payload.buyin.nominal_value": [
                    "The nominal value of a share is more than 0, in cents, written as text: "
                    '"100.00".'
                ],
            },
        ),
        (
            {"buyin": "1200.00"},
            {
                "action_payload.buyin": [
                    'The buy-in is an object such as {"amount": "1200.00"}, or null for none.'
                ]
            },
        ),
        (
            {"buyin": {"amount": "1200.001"}, "spending_limit": "lots"},
            {
                "action_payload.buyin.amount": [
                    'The buy-in amount is more than 0, in cents, written as text: "1200.00".'
                ],
                "action_payload": [
                    'The spending limit is an amount of at least 0, written as text: "1000.00".'
                ],
            },
        ),
        # Beyond the books' DECIMAL(14, 2): the buy-in could pass and never be subscribed.
        (
            {"buyin": {"amount": "1000000000000.00"}, "spending_limit": "1e30"},
            {
                "action_payload.buyin.amount": ["The buy-in amount is at most 999,999,999,999.99."],
                "action_payload": ["The spending limit is at most 999,999,999,999.99."],
            },
        ),
        (
            {"buyin": {"shares": 2, "nominal_value": "1000000000000.00"}},
            {
                "action_payload.buyin.nominal_value": [
                    "The nominal value of a share is at most 999,999,999,999.99."
                ]
            },
        ),
        (
            {"buyin": {"shares": 100000, "nominal_value": "10000000.01"}},
            {
                "action_payload.buyin.shares": [
                    "The buy-in, the number of shares times the nominal value of a share, is at "
                    "most 999,999,999,999.99."
                ]
            },
        ),
        (
            {"buyin": {"monthly_max": "1000000000000.00"}},
            {
                "action_payload.buyin.monthly_max": [
                    "The most a month may take of the buy-in is at most 999,999,999,999.99."
                ]
            },
        ),
    ],
)
def test_each_mistake_under_its_term(api, member, with_buyin, payload, errors):
    response = draft_amending(api, member, payload)
    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert not Proposal.objects.exists()


def test_no_buy_in_any_more(api, member, with_buyin):
    response = draft_amending(api, member, {"buyin": None})
    assert response.status_code == 201
    assert response.json()["action_payload"] == {"buyin": None}


def test_the_largest_buy_in_the_books_hold_is_taken(api, member, with_buyin):
    payload = {"buyin": {"shares": 100000, "nominal_value": "9999999.99"}}  # 999,999,999,000.00
    response = draft_amending(api, member, payload)
    assert response.status_code == 201, response.json()
    payload = {"buyin": {"amount": "999999999999.99"}, "spending_limit": "999999999999.99"}
    response = draft_amending(api, member, payload)
    assert response.status_code == 201, response.json()

"""Results while voting: a per-proposal setting, for open ballots only, shown only to voters who
have voted (form, API and page)."""

import datetime

import pytest

from governance import selectors, services
from governance.models import Proposal
from tests.factories import MemberFactory
from tests.web import signed_in

pytestmark = pytest.mark.django_db

SETTING = "show_results_while_voting"


@pytest.fixture(autouse=True)
def december_2029(clock):
    clock.set(datetime.datetime(2029, 12, 1, 12, tzinfo=datetime.UTC), tick=True)


@pytest.fixture
def colleagues(cooperative):
    return [MemberFactory(cooperative=cooperative) for _ in range(3)]


def draft_form(**changes):
    data = {
        "title": "Join the CoTech network", "body": "", "kind": "general", "method": "majority",
        "options": "", "seats": "1", "quorum": "1/2", "threshold": "1/2",
        "prefill": "general|majority|1/2|1/2", "allow_early_close": "on",
        "discussion_starts_at": "", "opens_at": "2030-01-15T10:00",
        "closes_at": "2030-01-22T18:00", "save": "draft",
    }  # fmt: skip
    data.update(changes)
    return data


def test_the_form_sets_it_and_refuses_it_for_a_secret_ballot(client, member):
    client = signed_in(client, member)
    new = f"/c/{member.cooperative.slug}/proposals/new/"
    assert f'name="{SETTING}"' in client.get(new).content.decode()
    refused = client.post(new, draft_form(secret="on", **{SETTING: "on"}))
    assert refused.status_code == 400
    assert refused.context["form"].errors[SETTING] == [
        "A secret ballot shows no count before voting closes."
    ]
    assert not Proposal.objects.exists()
    assert client.post(new, draft_form(**{SETTING: "on"})).status_code == 302
    assert Proposal.objects.get().show_results_while_voting is True
    client.post(new, draft_form(title="Without"))
    assert Proposal.objects.get(title="Without").show_results_while_voting is False


def test_the_api_sets_it_and_refuses_it_for_a_secret_ballot(api, member):
    api.force_authenticate(member.user)
    url = f"/api/v1/coops/{member.cooperative.slug}/proposals/"
    terms = {
        "title": "Adopt the four-day week", "kind": "general", "method": "majority",
        "opens_at": "2030-01-15T10:00:00Z", "closes_at": "2030-01-22T18:00:00Z",
    }  # fmt: skip
    refused = api.post(url, {**terms, "secret": True, SETTING: True}, format="json")
    assert refused.status_code == 400
    assert SETTING in refused.json()["errors"]
    created = api.post(url, {**terms, SETTING: True}, format="json")
    assert created.status_code == 201 and created.json()[SETTING] is True
    default = api.post(url, terms, format="json")
    assert default.json()[SETTING] is False
    one = f"{url}{created.json()['id']}/"
    assert api.patch(one, {"secret": True}, format="json").status_code == 400


def test_only_voters_who_have_voted_see_the_running_count(
    client, member, colleagues, make_proposal
):
    proposal = make_proposal(member, allow_early_close=False, **{SETTING: True})
    services.cast_vote(actor=colleagues[0], proposal=proposal, ballot={"choice": "agree"})
    services.cast_vote(actor=colleagues[1], proposal=proposal, ballot={"choice": "disagree"})
    page = f"/c/{member.cooperative.slug}/proposals/{proposal.pk}/"
    voted = signed_in(client, colleagues[0]).get(page).content.decode()
    assert "The count so far" in voted and "Votes counted so far: 2." in voted
    assert '<th scope="row">agree</th><td class="num">1</td>' in voted
    not_yet = signed_in(client, colleagues[2]).get(page).content.decode()
    assert "The count so far" not in not_yet


def test_no_running_count_without_the_setting(client, member, colleagues, make_proposal):
    proposal = make_proposal(member, allow_early_close=False)
    services.cast_vote(actor=colleagues[0], proposal=proposal, ballot={"choice": "agree"})
    page = f"/c/{member.cooperative.slug}/proposals/{proposal.pk}/"
    assert "The count so far" not in signed_in(client, colleagues[0]).get(page).content.decode()


def test_a_secret_ballot_never_shows_it(member, colleagues, make_proposal):
    """Even a row that says so (written around the service) shows nothing before the close."""
    proposal = make_proposal(member, secret=True, allow_early_close=False)
    services.cast_vote(actor=colleagues[0], proposal=proposal, ballot={"choice": "agree"})
    Proposal.objects.filter(pk=proposal.pk).update(**{SETTING: True})
    proposal.refresh_from_db()
    assert selectors.running_count(proposal, viewer_voted=True) is None

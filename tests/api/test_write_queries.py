"""The two writes members make most, over a personal token, in a fixed number of queries
(issue 21): the token and the membership in one query, the co-op row locked once, the audit
event written without a savepoint and without an UPDATE of its own (the database's trigger moves
the chain's head)."""

import pytest
from django.test import Client

from api.services import create_token
from coop.clock import today_in
from governance.models import Ballot, VoterRoll
from tests.factories import MemberFactory, ProjectFactory


def client_of(member) -> Client:
    _, key = create_token(user=member.user, name="script")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.mark.django_db
def test_logging_time_costs_eight_queries(member, cooperative, django_assert_max_num_queries):
    project = ProjectFactory(client__cooperative=cooperative)
    client = client_of(member)
    path = f"/api/v1/coops/{cooperative.slug}/time-entries/"
    body = {"project": project.pk, "date": today_in(cooperative).isoformat(), "minutes": 30}
    client.post(path, body, content_type="application/json")  # the token's first use noted
    # token and membership, project, (transaction), lock, month and day, entry, audit event
    with django_assert_max_num_queries(8):
        response = client.post(path, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["minutes"] == 30


@pytest.mark.django_db
def test_changing_a_ballot_costs_eight_queries(
    member, cooperative, make_proposal, django_assert_max_num_queries
):
    voters = [MemberFactory(cooperative=cooperative) for _ in range(3)]
    proposal = make_proposal(member, method="schulze", options=["a", "b", "c"])
    client = client_of(voters[0])
    path = f"/api/v1/coops/{cooperative.slug}/proposals/{proposal.pk}/vote/"
    assert client.post(path, {"ranking": ["a", "b", "c"]}, "application/json").status_code == 200
    # token and membership, proposal, (transaction), lock with the right to vote, ballot,
    # co-op lock, audit event
    with django_assert_max_num_queries(8):
        response = client.post(path, {"ranking": ["c", "b", "a"]}, "application/json")
    assert response.status_code == 200, response.content
    assert response.json()["ballot"]["ranking"] == ["c", "b", "a"]
    assert Ballot.objects.get(proposal=proposal, member=voters[0]).content["ranking"] == [
        "c", "b", "a"
    ]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("secret", [False, True], ids=["open", "secret"])
@pytest.mark.parametrize("early", [True, False], ids=["may-close-early", "runs-to-the-end"])
def test_a_first_ballot_costs_eight_queries(
    member, cooperative, make_proposal, django_assert_max_num_queries, secret, early
):
    """Above all on a proposal that closes when everyone has voted: the ballots cast so far
    are read under the proposal's lock with the voter's own (and, for a secret vote, with the
    box), so that nothing is counted after the insert."""
    voters = [MemberFactory(cooperative=cooperative) for _ in range(3)]
    proposal = make_proposal(member, secret=secret, allow_early_close=early)
    assert proposal.allow_early_close is early and proposal.eligible_count == 4
    path = f"/api/v1/coops/{cooperative.slug}/proposals/{proposal.pk}/vote/"
    client_of(voters[1]).post(path, {"choice": "agree"}, "application/json")
    client = client_of(voters[0])
    client.get(path.removesuffix("vote/"))  # the token's first use noted
    # open: token and membership, proposal, (transaction), lock of the proposal and the co-op
    # with the right to vote, the ballots cast, ballot, audit event; secret: the same up to
    # the lock, then the box with the roll, the roll, the box
    with django_assert_max_num_queries(8):
        response = client.post(path, {"choice": "disagree"}, "application/json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "voting"
    if secret:
        assert len(response.json()["receipt"]) == 16 and response.json()["ballot"] is None
        assert VoterRoll.objects.filter(proposal=proposal).count() == 2
    else:
        assert response.json()["ballot"] == {"choice": "disagree"}
        assert Ballot.objects.filter(proposal=proposal).count() == 2
        with django_assert_max_num_queries(8):  # and a change of it
            response = client.post(path, {"choice": "agree"}, "application/json")
        assert response.json()["ballot"] == {"choice": "agree"}
        assert Ballot.objects.get(proposal=proposal, member=voters[0]).content == {
            "choice": "agree"
        }


@pytest.mark.django_db
def test_a_token_of_a_departed_member_finds_nothing(member, cooperative):
    """The membership read with the token keeps the scoping's rule: a departed member's token
    answers 404 on the co-op's writes."""
    client = client_of(member)
    member.status = "departed"
    member.save(update_fields=["status"])
    path = f"/api/v1/coops/{cooperative.slug}/time-entries/"
    assert client.get(path).status_code == 404

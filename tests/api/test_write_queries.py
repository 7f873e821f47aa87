"""The two writes members make most, over a personal token, in a fixed number of queries
(issue 21): the token and the membership in one query, the co-op row locked once, the audit
event written without a savepoint and without an UPDATE of its own (the database's trigger moves
the chain's head)."""

import pytest
from django.test import Client

from api.services import create_token
from coop.clock import today_in
from governance.models import Ballot
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
def test_a_token_of_a_departed_member_finds_nothing(member, cooperative):
    """The membership read with the token keeps the scoping's rule: a departed member's token
    answers 404 on the co-op's writes."""
    client = client_of(member)
    member.status = "departed"
    member.save(update_fields=["status"])
    path = f"/api/v1/coops/{cooperative.slug}/time-entries/"
    assert client.get(path).status_code == 404

"""The answers of the two writes members make most, pinned to the byte (status, body, headers):
issue 21 made them cheaper and must not have changed what they say."""

import pytest
from django.test import Client

from api.services import create_token
from coop.clock import today_in
from tests.factories import MemberFactory, ProjectFactory

# What every one of these answers carries besides its body (the values of the JSON renderer,
# the security middleware and django-csp, as the settings make them).
HEADERS = {
    "Content-Type": "application/json",
    "Content-Language": "en",
    "Vary": "Accept, Accept-Language",
    "Allow": "POST, OPTIONS",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def client_of(member) -> Client:
    _, key = create_token(user=member.user, name="script")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def headers_of(response) -> dict[str, str]:
    """Every header but the body's length and the policy, which its own tests pin."""
    return {
        name: value
        for name, value in response.headers.items()
        if name not in ("Content-Length", "Content-Security-Policy")
    }


@pytest.fixture
def votes(member, cooperative, make_proposal):
    voters = [MemberFactory(cooperative=cooperative) for _ in range(3)]
    proposal = make_proposal(member, method="schulze", options=["a", "b", "c"])
    draft = make_proposal(voters[1], start=False)
    base = f"/api/v1/coops/{cooperative.slug}/proposals"
    return client_of(voters[0]), f"{base}/{proposal.pk}/vote/", f"{base}/{draft.pk}/vote/"


@pytest.mark.django_db
def test_the_answers_of_a_vote(votes):
    client, path, draft_path = votes
    cast = client.post(path, {"ranking": ["a", "b", "c"]}, "application/json")
    assert cast.status_code == 200
    assert cast.content == (b'{"receipt":null,"ballot":{"ranking":["a","b","c"]},"state":"voting"}')
    assert headers_of(cast) == HEADERS
    changed = client.post(path, {"ranking": ["c", "b", "a"]}, "application/json")
    assert changed.content == (
        b'{"receipt":null,"ballot":{"ranking":["c","b","a"]},"state":"voting"}'
    )
    hidden = client.post(draft_path, {"ranking": ["a"]}, "application/json")
    assert (hidden.status_code, hidden.content) == (
        404,
        b'{"detail":"Not found.","errors":{},"code":"not_found"}',
    )
    bad = client.post(path, {"ranking": ["a", "z"]}, "application/json")
    assert bad.status_code == 400
    assert bad.json()["errors"].keys() == {"ballot"}


@pytest.mark.django_db
def test_the_answer_of_logging_time(member, cooperative):
    project = ProjectFactory(client__cooperative=cooperative, name="Site", client__name="Acme")
    day = today_in(cooperative)
    response = client_of(member).post(
        f"/api/v1/coops/{cooperative.slug}/time-entries/",
        {"project": project.pk, "date": day.isoformat(), "minutes": 90},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert list(body) == [
        "id", "member", "member_name", "project", "project_name", "client", "client_name",
        "date", "minutes", "hours", "description", "billable", "adjusts", "source", "locked",
        "created_at", "updated_at",
    ]  # fmt: skip
    assert {k: body[k] for k in ("member", "project", "project_name", "client_name")} == {
        "member": member.pk, "project": project.pk, "project_name": "Site", "client_name": "Acme",
    }  # fmt: skip
    assert (body["date"], body["minutes"], body["hours"]) == (day.isoformat(), 90, "1.50")
    assert (body["source"], body["locked"], body["adjusts"]) == ("manual", False, None)
    assert headers_of(response) == {**HEADERS, "Allow": "GET, POST, HEAD, OPTIONS"}


@pytest.mark.django_db
def test_the_vote_that_completes_the_roll_answers_closed(member, cooperative, make_proposal):
    """A proposal that may close early closes on its last ballot: that voter is told so (the
    answer said "voting" while the proposal was already closed)."""
    other = MemberFactory(cooperative=cooperative)
    proposal = make_proposal(member, allow_early_close=True)
    path = f"/api/v1/coops/{cooperative.slug}/proposals/{proposal.pk}/vote/"
    first = client_of(member).post(path, {"choice": "agree"}, "application/json")
    assert first.json()["state"] == "voting"
    last = client_of(other).post(path, {"choice": "agree"}, "application/json")
    assert last.status_code == 200
    assert last.json()["state"] == "closed"
    proposal.refresh_from_db()
    assert proposal.state == "closed"

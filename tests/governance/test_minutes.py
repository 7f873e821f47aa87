"""Minutes of a closed proposal and the register of decisions (PDF, through the API)."""

import datetime
import io

import pytest
from pypdf import PdfReader

from governance import services
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def members(cooperative):
    return [MemberFactory(cooperative=cooperative) for _ in range(3)]


def url(cooperative, path):
    return f"/api/v1/coops/{cooperative.slug}/proposals/{path}"


def test_minutes_of_an_open_ballot(api, cooperative, members, secretary, make_proposal):
    proposal = make_proposal(members[0], title="Adopt the four-day week", method="consent")
    services.add_comment(actor=members[1], proposal=proposal, body="Fridays off & <b>rested</b>")
    services.cast_vote(actor=members[0], proposal=proposal, ballot={"choice": "agree"})
    services.cast_vote(
        actor=members[1],
        proposal=proposal,
        ballot={"choice": "block", "reason": "Clients need Friday support"},
    )
    services.close_proposal(proposal=proposal, actor=secretary)
    api.force_authenticate(members[2].user)
    text = text_of(api.get(url(cooperative, f"{proposal.pk}/minutes/")))
    assert f"Minutes — proposal #{proposal.pk}" in text
    assert "Adopt the four-day week" in text and "consent" in text.lower()
    assert "Outcome" in text and "rejected" in text
    assert "Fridays off & <b>rested</b>" in text  # escaped, printed as typed
    assert members[0].user.email in text and "agree" in text
    assert "block — Clients need Friday support" in text


def test_minutes_of_a_secret_ballot_name_no_voter(
    api, cooperative, members, secretary, make_proposal
):
    proposal = make_proposal(members[0], secret=True, allow_early_close=False)
    receipt = services.cast_vote(actor=members[1], proposal=proposal, ballot={"choice": "agree"})
    services.close_proposal(proposal=proposal, actor=secretary)
    api.force_authenticate(members[1].user)
    text = text_of(api.get(url(cooperative, f"{proposal.pk}/minutes/")))
    assert "Secret ballot" in text
    assert services.receipt_hash(receipt)[:16] in text
    assert all(m.user.email not in text for m in members[1:])


def test_no_minutes_before_close(api, cooperative, members, make_proposal):
    proposal = make_proposal(members[0])
    api.force_authenticate(members[0].user)
    response = api.get(url(cooperative, f"{proposal.pk}/minutes/"))
    assert response.status_code == 409
    assert "when voting closes" in response.json()["detail"]


def test_the_register_lists_the_decisions_of_the_period(
    api, cooperative, members, secretary, make_proposal
):
    for title in ("Buy a new server", "Join the federation"):
        proposal = make_proposal(members[0], title=title)
        services.cast_vote(actor=members[0], proposal=proposal, ballot={"choice": "agree"})
        services.close_proposal(proposal=proposal, actor=secretary)
    make_proposal(members[0], title="Still voting")
    api.force_authenticate(members[1].user)
    today = datetime.date.today()
    response = api.get(url(cooperative, f"register/?from={today.year}-01-01&to={today}"))
    text = text_of(response)
    assert "Register of decisions" in text
    assert "Buy a new server" in text and "Join the federation" in text
    assert "Still voting" not in text
    last_year = today.year - 1
    empty = text_of(
        api.get(url(cooperative, f"register/?from={last_year}-01-01&to={last_year}-12-31"))
    )
    assert "No proposal was decided in this period." in empty


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=yesterday", "from"),
        ("to=2026-13-01", "to"),
        ("from=2026-05-01&to=2026-04-01", "from"),
    ],
)
def test_the_register_names_a_bad_date(api, cooperative, member, query, field):
    api.force_authenticate(member.user)
    response = api.get(url(cooperative, f"register/?{query}"))
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_another_coops_minutes_are_not_found(
    api, cooperative, members, secretary, make_proposal, outsider
):
    proposal = make_proposal(members[0])
    services.cast_vote(actor=members[0], proposal=proposal, ballot={"choice": "agree"})
    services.close_proposal(proposal=proposal, actor=secretary)
    api.force_authenticate(outsider.user)
    assert api.get(url(cooperative, f"{proposal.pk}/minutes/")).status_code == 404

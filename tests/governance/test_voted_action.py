"""What closing carries out is what members voted on: the action's payload is sealed by a
digest when voting opens, and a payload changed around the services afterwards (a direct
UPDATE) is refused on close, recorded in the audit log and shown on the proposal's page."""

import datetime

import pytest

from coop.models import AuditEvent
from governance import services as governance
from governance import tasks as governance_tasks
from governance import voted_action
from governance.actions import registry
from governance.models import Proposal
from tests.factories import MemberFactory
from tests.probation import ADMIT, ENDS, EXTEND, at, put_on_probation
from tests.web import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_probation(clock, cooperative):
    return put_on_probation(clock, cooperative)


@pytest.fixture
def voters(secretary):
    return [secretary, *(MemberFactory(cooperative=secretary.cooperative) for _ in range(5))]


@pytest.fixture
def review(clock, on_probation, voters):
    """The end of the probation put to the vote, voting open."""
    at(clock, ENDS)
    assert governance_tasks.sweep_probation_reviews() == 1
    proposal = governance.open_proposal(actor=voters[0], proposal=Proposal.objects.get())
    clock.set(proposal.opens_at)
    governance.sweep()
    proposal.refresh_from_db()
    return proposal


def close(clock, proposal: Proposal, voters, pick: int) -> Proposal:
    for voter in voters:
        governance.cast_vote(
            actor=voter, proposal=proposal, ballot={"option": proposal.options[pick]}
        )
    clock.set(proposal.closes_at)
    governance.sweep()
    proposal.refresh_from_db()
    return proposal


def verbs(proposal: Proposal) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=str(proposal.pk), object_type="governance.proposal")
        .order_by("sequence")
        .values_list("verb", flat=True)
    )


def test_voting_opens_on_a_digest_of_the_action(review):
    event = AuditEvent.objects.get(verb="proposal.voting_opened", object_id=str(review.pk))
    assert event.data["action_digest"] == voted_action.digest(review)
    assert voted_action.change_since_opening(review) is None


def test_an_untouched_review_is_carried_out(clock, review, voters, on_probation):
    proposal = close(clock, review, voters, ADMIT)
    assert (proposal.result, proposal.action_error) == ("passed", "")
    on_probation.refresh_from_db()
    assert on_probation.status == "active"


def swapped(outcomes: dict[str, str]) -> dict[str, str]:
    """The option "Admit …" now ends the probation, and "End …" admits."""
    return dict(zip(outcomes, ["end", "extend", "admit"], strict=True))


@pytest.mark.parametrize(
    ("change", "pick"),
    [
        pytest.param(lambda p: {**p, "outcomes": swapped(p["outcomes"])}, ADMIT, id="swapped"),
        pytest.param(lambda p: {**p, "extend_months": 24}, EXTEND, id="longer"),
    ],
)  # fmt: skip
def test_a_payload_updated_while_voting_is_not_carried_out(
    clock, client, review, voters, on_probation, change, pick
):
    voted = voted_action.digest(review)
    Proposal.objects.filter(pk=review.pk).update(action_payload=change(review.action_payload))
    proposal = close(clock, Proposal.objects.get(pk=review.pk), voters, pick)
    assert proposal.result == "passed"
    assert proposal.action_error.startswith("Not carried out: the action's details were changed")
    on_probation.refresh_from_db()
    assert (on_probation.status, on_probation.probation_ends_on) == ("probationary", ENDS)
    assert "action.admit_member" not in verbs(proposal)
    assert "action.refused" in verbs(proposal)
    refused = AuditEvent.objects.get(verb="action.refused", object_id=str(proposal.pk))
    assert refused.data["reason"] == "changed_since_voting_opened"
    assert refused.data["voted"] == voted
    assert refused.data["found"] == voted_action.digest(proposal) != voted
    assert refused.data["payload"] == proposal.action_payload
    page = signed_in(client, voters[1]).get(
        f"/c/{proposal.cooperative.slug}/proposals/{proposal.pk}/"
    )
    assert "no longer what members voted on" in page.content.decode()


def test_the_step_of_a_proposal_that_did_not_pass_is_refused_alike(
    clock, monkeypatch, secretary, voters
):
    """An action's `if_not_passed` step (payroll rejects an expense claim) runs on its payload
    too: a changed payload runs nothing."""
    ran: list[dict] = []
    monkeypatch.setattr(registry, "_registry", dict(registry._registry))
    registry.register(
        "note",
        description="A test action",
        kinds={"general"},
        validate=lambda cooperative, payload: payload,
        execute=lambda cooperative, payload, proposal: ran.append(payload),
        if_not_passed=lambda cooperative, payload, proposal: ran.append(payload),
    )
    at(clock, ENDS)
    opens = datetime.datetime(2027, 8, 10, 9, tzinfo=datetime.UTC)
    proposal = governance.create_proposal(
        actor=secretary, title="A note", kind="general", method="majority",
        opens_at=opens, closes_at=opens + datetime.timedelta(days=8),
        action="note", action_payload={"claim": 1},
    )  # fmt: skip
    proposal = governance.open_proposal(actor=secretary, proposal=proposal)
    clock.set(opens)
    governance.sweep()
    Proposal.objects.filter(pk=proposal.pk).update(action_payload={"claim": 2})
    for voter in voters:
        governance.cast_vote(actor=voter, proposal=proposal, ballot={"choice": "disagree"})
    clock.set(proposal.closes_at)
    governance.sweep()
    proposal.refresh_from_db()
    assert proposal.result == "rejected"
    assert ran == []
    assert "no longer what members voted on" in proposal.action_error

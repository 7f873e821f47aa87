"""The early close: the cast that completes the roll closes the vote, and no other does.

A cast knows the ballots cast before it from a read under the proposal's lock (issue 21: no
count after the insert), so these pin when a vote closes early, for open and secret ballots,
one cast at a time and, on PostgreSQL, with the last voters casting at once.
"""

import datetime
import functools

import pytest

from coop.errors import NotAllowed, StateConflict
from governance import services
from governance.models import Ballot, EligibleVoter, Proposal, State, VoterRoll
from tests.concurrency import at_once
from tests.factories import MemberFactory

KINDS = [pytest.param(False, id="open"), pytest.param(True, id="secret")]


@pytest.fixture
def voters(cooperative):
    return [MemberFactory(cooperative=cooperative) for _ in range(4)]


def cast(voter, proposal, choice="agree"):
    return services.cast(actor=voter, proposal=proposal, ballot={"choice": choice})


def state_of(proposal):
    return Proposal.objects.get(pk=proposal.pk).state


@pytest.mark.django_db
@pytest.mark.parametrize("secret", KINDS)
def test_the_last_voter_closes_the_vote(voters, make_proposal, secret):
    proposal = make_proposal(voters[0], secret=secret)
    assert proposal.eligible_count == 4
    for voter in voters[:3]:
        assert cast(voter, proposal).state == State.VOTING
        assert state_of(proposal) == State.VOTING
    # The answer to the last voter says that their ballot closed the vote.
    assert cast(voters[3], proposal, "disagree").state == State.CLOSED
    proposal.refresh_from_db()
    assert (proposal.state, proposal.result) == (State.CLOSED, "passed")
    assert proposal.tally["early"] is True
    assert proposal.tally["result"]["turnout"] == "4"


@pytest.mark.django_db
def test_a_changed_ballot_does_not_close_the_vote(voters, make_proposal):
    proposal = make_proposal(voters[0])
    for voter in voters[:3]:
        cast(voter, proposal)
    for voter in voters[:3]:  # three ballots changed: still three of four
        cast(voter, proposal, "disagree")
    assert state_of(proposal) == State.VOTING
    assert Ballot.objects.filter(proposal=proposal).count() == 3
    cast(voters[3], proposal)
    assert state_of(proposal) == State.CLOSED


@pytest.mark.django_db
def test_a_secret_ballot_cast_twice_is_refused_and_does_not_close(voters, make_proposal):
    proposal = make_proposal(voters[0], secret=True)
    for voter in voters[:3]:
        cast(voter, proposal)
    with pytest.raises(StateConflict, match="secret ballots are final"):
        cast(voters[0], proposal)
    assert state_of(proposal) == State.VOTING
    assert VoterRoll.objects.filter(proposal=proposal).count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("secret", KINDS)
def test_a_voter_removed_from_the_roll(voters, make_proposal, secret):
    """The eligible count is the roll as voting opened: a member taken off the roll since
    cannot vote, and the others' ballots alone do not close the vote early."""
    proposal = make_proposal(voters[0], secret=secret)
    EligibleVoter.objects.filter(proposal=proposal, member=voters[3]).delete()
    for voter in voters[:3]:
        cast(voter, proposal)
    with pytest.raises(NotAllowed):
        cast(voters[3], proposal)
    assert state_of(proposal) == State.VOTING


@pytest.mark.django_db
@pytest.mark.parametrize("secret", KINDS)
def test_a_ballot_of_a_voter_removed_after_voting_still_counts(voters, make_proposal, secret):
    proposal = make_proposal(voters[0], secret=secret)
    cast(voters[3], proposal)
    EligibleVoter.objects.filter(proposal=proposal, member=voters[3]).delete()
    for voter in voters[:2]:
        cast(voter, proposal)
    assert state_of(proposal) == State.VOTING
    cast(voters[2], proposal)  # four ballots against the four eligible when voting opened
    assert state_of(proposal) == State.CLOSED


@pytest.mark.django_db
@pytest.mark.parametrize("secret", KINDS)
def test_no_early_close_where_the_proposal_does_not_allow_it(voters, make_proposal, secret):
    proposal = make_proposal(voters[0], secret=secret, allow_early_close=False)
    for voter in voters:
        cast(voter, proposal)
    assert state_of(proposal) == State.VOTING


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("secret", KINDS)
def test_the_last_voters_casting_at_once_close_the_vote_once(cooperative, secret):
    """Ten of twelve have voted; the last two cast at the same moment, each also changing an
    open ballot from another thread. The proposal's lock queues them, the second to come reads
    the first's ballot, and exactly that one closes the vote, with all twelve counted."""
    members = [MemberFactory(cooperative=cooperative) for _ in range(12)]
    now = datetime.datetime.now(datetime.UTC)
    drafted = now - datetime.timedelta(days=2)
    proposal = services.create_proposal(
        actor=members[0], title="Race to the end", opens_at=drafted + datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=2), secret=secret, now=drafted,
    )  # fmt: skip
    services.open_proposal(actor=members[0], proposal=proposal, now=drafted)
    services.sweep(proposal.opens_at)
    for member in members[:10]:
        cast(member, proposal)
    casters = members[10:] if secret else [*members[10:], members[0], members[1]]
    # A change of an open ballot that came after the close is refused, as any cast after a close
    # is; a secret ballot is never changed, so nothing of the secret kind may be refused.
    at_once(
        *(functools.partial(cast, member, proposal, "disagree") for member in casters),
        expected=() if secret else StateConflict,
    )
    proposal.refresh_from_db()
    assert proposal.state == State.CLOSED and proposal.tally["early"] is True
    assert proposal.tally["result"]["turnout"] == "12"

"""Casting a ballot: open ballots stored by member, secret ones through the ballot box; the last
eligible ballot closes the vote early when the proposal allows it.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from coop import clock
from coop.audit import ChainHead, head_of_locked, record
from coop.errors import InvalidInput, NotAllowed, StateConflict
from coop.models import Member
from governance import secret_ballots
from governance.ballots_cast import BallotsCast
from governance.methods import validate_ballot
from governance.methods.ballot_file import BallotFileError, ballot_positions
from governance.models import BLOCK_VETOES, Ballot, EligibleVoter, Proposal, State
from governance.services.closing import close_proposal

receipt_hash = secret_ballots.receipt_hash  # the fingerprint pages and the API show and look up


@dataclass(frozen=True)
class Cast:
    """What a cast left: the secret ballot's receipt (shown once), the open ballot as stored
    (None for a secret one), and the proposal's state after it (an early close)."""

    receipt: str | None
    ballot: dict[str, Any] | None
    state: str


def cast_vote(
    *,
    actor: Member,
    proposal: Proposal,
    ballot: dict[str, Any],
    now: datetime.datetime | None = None,
) -> str | None:
    """Cast (or change, for open ballots) the member's ballot. Returns a secret ballot's receipt."""
    return cast(actor=actor, proposal=proposal, ballot=ballot, now=now).receipt


def cast(
    *,
    actor: Member,
    proposal: Proposal,
    ballot: dict[str, Any],
    now: datetime.datetime | None = None,
) -> Cast:
    """Cast (or change, for open ballots) the member's ballot.

    The proposal's row is locked first, so concurrent casts (by one member or several) queue
    and leave one ballot each. Secret ballots are final; the receipt code is shown once and
    only its hash is stored. The lock's query also says whether the actor may vote and, for an
    open ballot, locks the co-op's row for the audit event. What the cast must know of the
    ballots already cast (whether the actor's is among them, and how many there are when the
    proposal may close early) is read after the lock, so that it includes every cast that the
    lock made this one wait for; only a cast that adds a ballot can complete the roll.
    """
    now = now or clock.now()
    # An open cast writes an audit event: its lock takes the co-op's row too (see `_locked`).
    # Whether a proposal is secret never changes once voting opens; were the caller's copy out
    # of date, `record` would lock the co-op's row itself.
    holds_cooperative = not proposal.secret
    with transaction.atomic():
        proposal = _locked(proposal, actor, with_cooperative=holds_cooperative)
        if proposal.state != State.VOTING or now >= proposal.closes_at:
            raise StateConflict(_("Voting on this proposal is not open."))
        if not proposal.actor_eligible:  # type: ignore[attr-defined]
            raise NotAllowed(_("You were not a voting member when voting opened."))
        try:
            content = validate_ballot(proposal.method, proposal.options, ballot)
        except BallotFileError as error:
            raise InvalidInput(str(error), field="ballot") from None
        if content.get("choice") == "block" and proposal.method not in BLOCK_VETOES:
            raise InvalidInput(
                _(
                    "A block vetoes only under consent and consensus; under this method "
                    "vote “disagree” to say no."
                ),
                field="choice",
            )
        if proposal.secret:
            receipt, cast_now = secret_ballots.cast(
                proposal, actor, content, count_roll=proposal.allow_early_close
            )
        else:
            head = head_of_locked(proposal.cooperative) if holds_cooperative else None
            receipt, cast_now = None, _store_ballot(proposal, actor, content, head)
        if proposal.allow_early_close and cast_now.completes_roll(proposal.eligible_count):
            # The answer tells the voter that their ballot closed the vote.
            proposal = close_proposal(proposal=proposal, actor=None, now=now, early=True)
        return Cast(
            receipt=receipt, ballot=None if proposal.secret else content, state=proposal.state
        )


def _locked(proposal: Proposal, actor: Member, *, with_cooperative: bool) -> Proposal:
    """The proposal, locked, with `actor_eligible`: a close waits for the casts under way and a
    cast after the close sees it closed, so every ballot is counted or refused.

    `with_cooperative` locks the co-op's row in the same statement, after the proposal's (the
    order a close takes them in), for the audit event of an open cast: the row comes back as
    its newest version, so its chain's head is current (`coop.audit.head_of_locked`). A secret
    cast writes no event and locks the proposal alone.
    """
    eligible = EligibleVoter.objects.filter(proposal=OuterRef("pk"), member=actor)
    rows = ("self", "cooperative") if with_cooperative else ("self",)
    return (
        Proposal.objects.select_for_update(no_key=True, of=rows)
        .select_related("cooperative")
        .annotate(actor_eligible=Exists(eligible))
        .get(pk=proposal.pk)
    )


def _store_ballot(
    proposal: Proposal, actor: Member, content: dict[str, Any], head: ChainHead | None
) -> BallotsCast:
    """Write the member's open ballot, and the audit event, under the proposal's lock.

    The proposal's lock makes this member's casts queue: no race between the statements. The
    stored ranking is written with the content, in the same statement (`Ballot.positions`). On
    a proposal that may close early, the ballots are counted (and the actor's found) first, in
    one statement, so that one write follows; otherwise a changed ballot is a single UPDATE.
    """
    positions = ballot_positions(proposal.method, proposal.options, content)
    mine = Ballot.objects.filter(proposal=proposal, member=actor)
    before = 0
    if proposal.allow_early_close:
        figures = Ballot.objects.filter(proposal=proposal).aggregate(
            before=Count("pk"), mine=Count("pk", filter=Q(member=actor))
        )
        before = figures["before"]
        changed = bool(figures["mine"]) and bool(
            mine.update(content=content, positions=positions, updated_at=clock.now())
        )
    else:
        changed = bool(mine.update(content=content, positions=positions, updated_at=clock.now()))
    if not changed:
        Ballot.objects.create(proposal=proposal, member=actor, content=content, positions=positions)
    verb = "ballot.changed" if changed else "ballot.cast"
    record(proposal.cooperative, actor, verb, proposal, {"ballot": content}, head=head)
    return BallotsCast(added=not changed, before=before)

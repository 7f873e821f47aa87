"""Casting a ballot: open ballots stored by member, secret ones through the ballot box; the last
eligible ballot closes the vote early when the proposal allows it.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from coop import clock
from coop.audit import record
from coop.errors import InvalidInput, NotAllowed, StateConflict
from coop.models import Member
from governance import secret_ballots
from governance.methods import validate_ballot
from governance.methods.ballot_file import BallotFileError, ballot_positions
from governance.models import BLOCK_VETOES, Ballot, EligibleVoter, Proposal, State
from governance.services.closing import close_proposal, everyone_voted

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
    only its hash is stored. The lock's query also says whether the actor may vote, and the
    ballots are counted for an early close only when this cast added one: a changed ballot
    leaves the count as it was.
    """
    now = now or clock.now()
    with transaction.atomic():
        # Lock the proposal: a close waits for the casts under way and a cast after the close
        # sees it closed, so every ballot is counted or refused. (Casts queue per proposal, as
        # the audit chain makes them do anyway.)
        eligible = EligibleVoter.objects.filter(proposal=OuterRef("pk"), member=actor)
        proposal = (
            Proposal.objects.select_for_update(no_key=True, of=("self",))
            .select_related("cooperative")
            .annotate(actor_eligible=Exists(eligible))
            .get(pk=proposal.pk)
        )
        if proposal.state != State.VOTING or now >= proposal.closes_at:
            raise StateConflict(_("Voting on this proposal is not open."))
        if not proposal.actor_eligible:
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
        receipt, added = _store_ballot(proposal, actor, content)
        if added and proposal.allow_early_close and everyone_voted(proposal):
            close_proposal(proposal=proposal, actor=None, now=now, early=True)
        return Cast(
            receipt=receipt, ballot=None if proposal.secret else content, state=proposal.state
        )


def _store_ballot(
    proposal: Proposal, actor: Member, content: dict[str, Any]
) -> tuple[str | None, bool]:
    """The receipt (secret ballots) and whether a ballot was added (not changed)."""
    if proposal.secret:
        return secret_ballots.cast(proposal, actor, content), True  # final: always a new one
    # The proposal's lock makes this member's casts queue: no race between the two statements.
    # The stored ranking is written with the content, in the same statement (`Ballot.positions`).
    positions = ballot_positions(proposal.method, proposal.options, content)
    changed = Ballot.objects.filter(proposal=proposal, member=actor).update(
        content=content, positions=positions, updated_at=clock.now()
    )
    if not changed:
        Ballot.objects.create(proposal=proposal, member=actor, content=content, positions=positions)
    verb = "ballot.changed" if changed else "ballot.cast"
    record(proposal.cooperative, actor, verb, proposal, {"ballot": content})
    return None, not changed

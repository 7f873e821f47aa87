"""Secret ballots: cast sealed, counted at close. Who voted and what was voted stay apart.

The storage and its threat model are in governance/ballot_box.py and docs/governance.md.
These functions run inside the transactions of governance.services (cast, open, close, withdraw).
"""

import datetime
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey

from coop.audit import record
from coop.errors import InvalidInput, StateConflict
from coop.models import Member
from governance import ballot_box
from governance.ballots_cast import BallotsCast
from governance.methods.ballot_file import ballot_positions
from governance.models import Proposal, SealedBallotBox, SecretBallot, VoterRoll


def receipt_hash(receipt: str) -> str:
    return hashlib.sha256(receipt.strip().lower().encode()).hexdigest()


def set_up_box(proposal: Proposal) -> SealedBallotBox:
    """The proposal's empty box, when voting opens: its salt and the one size of its ballots."""
    return SealedBallotBox.objects.create(
        proposal=proposal,
        salt=secrets.token_bytes(16),
        record_size=ballot_box.record_size(proposal.method, proposal.options),
    )


def discard(proposal: Proposal) -> None:
    """A withdrawn vote is never counted: its sealed ballots are thrown away unopened."""
    SealedBallotBox.objects.filter(proposal=proposal).delete()


def cast(
    proposal: Proposal, actor: Member, content: dict[str, Any], *, count_roll: bool
) -> tuple[str, BallotsCast]:
    """Roll the voter and seal the ballot into the proposal's box (its order reshuffled).

    No audit event now: its time and its place in the chain would date the cast. The roll is
    written to the audit log at close, in member order (`count_at_close`). Called under the
    proposal's lock, which every cast holds: the box is read after it, in one statement with
    whether the actor is on the roll and (`count_roll`, for an early close) how many are, so
    both include every cast before this one, and no other cast can roll this voter meanwhile.
    """
    box, voted, before = _box_and_roll(proposal, actor, count_roll)
    if voted:
        raise StateConflict(_("You have voted: secret ballots are final."))
    receipt = secrets.token_hex(8)
    try:
        sealed = ballot_box.seal(
            _box_key(proposal, box).public_key, box.record_size, content, receipt_hash(receipt)
        )
    except ballot_box.BallotTooLarge:
        raise InvalidInput(
            _(
                "This reason is too long for a secret ballot: every secret ballot is stored at "
                "one size, so keep it under %(bytes)s bytes (about as many letters)."
            )
            % {"bytes": ballot_box.REASON_BYTES},
            field="ballot",
        ) from None
    try:
        # No savepoint: the roll was read under the lock, so a duplicate can only come from a
        # writer that bypassed it; the error then ends the whole cast, as a 409.
        VoterRoll.objects.create(proposal=proposal, member=actor)
    except IntegrityError:
        raise StateConflict(_("You have voted: secret ballots are final.")) from None
    box.ballots = ballot_box.add(bytes(box.ballots), sealed, _record_length(box))
    box.save(update_fields=["ballots"])
    return receipt, BallotsCast(added=True, before=before)


def _box_and_roll(
    proposal: Proposal, actor: Member, count_roll: bool
) -> tuple[SealedBallotBox, bool, int]:
    """The proposal's box, whether the actor is on the roll, and the roll's length (when
    `count_roll`, else 0), in one query; a proposal opened without a box gets one."""
    roll = VoterRoll.objects.filter(proposal=OuterRef("proposal"))
    figures: dict[str, Any] = {"voted": Exists(roll.filter(member=actor))}
    if count_roll:
        figures["rolled"] = Coalesce(
            Subquery(
                roll.order_by().values("proposal").annotate(n=Count("*")).values("n"),
                output_field=IntegerField(),
            ),
            0,
        )
    box = SealedBallotBox.objects.filter(proposal=proposal).annotate(**figures).first()
    if box is None:  # opened before boxes existed: ask the roll on its own
        rolled = VoterRoll.objects.filter(proposal=proposal)
        voted = rolled.filter(member=actor).exists()
        return set_up_box(proposal), voted, rolled.count() if count_roll else 0
    return box, box.voted, box.rolled if count_roll else 0  # type: ignore[attr-defined]


def _box_key(proposal: Proposal, box: SealedBallotBox) -> PrivateKey:
    return ballot_box.private_key(settings.BALLOT_SECRET, proposal.pk, bytes(box.salt))


def _record_length(box: SealedBallotBox) -> int:
    return box.record_size + ballot_box.SEAL_OVERHEAD


def count_at_close(proposal: Proposal, now: datetime.datetime) -> None:
    """At close: open the sealed box, write its ballots in a random order, delete the box.

    The voter roll is rewritten in member order and written to the audit log in that order,
    stamped with the close: neither the rows nor the events keep the order or time of the casts.
    """
    box = SealedBallotBox.objects.filter(proposal=proposal).first()
    if box is not None:
        try:
            opened = ballot_box.open_box(
                _box_key(proposal, box), bytes(box.ballots), _record_length(box)
            )
        except CryptoError:
            raise StateConflict(
                _(
                    "The sealed ballots of this vote cannot be opened: the server's "
                    "BALLOT_SECRET has changed since voting opened. Restore it to count the vote."
                )
            ) from None
        method, options = proposal.method, proposal.options
        SecretBallot.objects.bulk_create(
            SecretBallot(
                proposal=proposal,
                content=ballot,
                positions=ballot_positions(method, options, ballot),
                receipt_hash=receipt,
            )
            for ballot, receipt in opened
        )
        box.delete()
    voter_ids = sorted(
        VoterRoll.objects.filter(proposal=proposal).values_list("member_id", flat=True)
    )
    VoterRoll.objects.filter(proposal=proposal).delete()
    VoterRoll.objects.bulk_create(VoterRoll(proposal=proposal, member_id=pk) for pk in voter_ids)
    window = [
        (proposal.voting_opened_at or proposal.opens_at).isoformat(),
        now.isoformat(),
    ]
    for voter in Member.objects.filter(pk__in=voter_ids).select_related("user").order_by("pk"):
        # That the member voted, during voting: no finer time than the proposal's own dates.
        record(
            proposal.cooperative, voter, "ballot.cast_secret", proposal, {"cast_between": window}
        )

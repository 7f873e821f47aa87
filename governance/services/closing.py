"""Closing a vote: the ballot file, the count, the executable action, and the minute sweep
that opens and closes proposals on time.
"""

import datetime
import logging
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from coop import clock
from coop.audit import record
from coop.errors import DomainError, NotAllowed, StateConflict
from coop.models import Member
from coop.models.cooperative import Role
from governance import enqueue, floors, secret_ballots, voted_action
from governance.actions import registry
from governance.models import Ballot, Proposal, State, VoterRoll
from governance.selectors import ballot_file, current_count, delegated_weights
from governance.services.drafting import locked_proposal, start_voting

logger = logging.getLogger(__name__)


def everyone_voted(proposal: Proposal) -> bool:
    voters = VoterRoll if proposal.secret else Ballot
    return voters.objects.filter(proposal=proposal).count() >= proposal.eligible_count


def close_proposal(
    *,
    proposal: Proposal,
    actor: Member | None,
    now: datetime.datetime | None = None,
    early: bool = False,
) -> Proposal:
    """Count, store the result and the ballot file, run the action if it passed (idempotent).

    Before `closes_at`, voting closes only when every eligible member has voted or once the
    minimum voting period of the kind has passed (withdrawing is always possible)."""
    if actor is not None and not actor.has_role(Role.SECRETARY):
        raise NotAllowed(_("Only a secretary closes voting early."))
    now = now or clock.now()
    with transaction.atomic():
        proposal = locked_proposal(proposal)
        if proposal.state == State.CLOSED:
            return proposal
        if proposal.state != State.VOTING:
            raise StateConflict(_("Only a proposal in voting can be closed."))
        floors.check_closing(proposal, now, everyone_voted=everyone_voted(proposal))
        if proposal.secret:
            secret_ballots.count_at_close(proposal, now)
        # One resolution of the delegations for the file and the count; the proposal's lock
        # keeps casts out, so both read the same ballots.
        weights = delegated_weights(proposal)
        document = ballot_file(proposal, weights)
        result = current_count(proposal, weights)
        proposal.state = State.CLOSED
        proposal.result = result["outcome"]
        proposal.tally = {"result": result, "ballot_file": document, "early": early}
        proposal.closed_at = now
        proposal.save()
        record(
            proposal.cooperative,
            actor,
            "proposal.closed",
            proposal,
            {"result": proposal.result, "turnout": result["turnout"], "early": early},
        )
        # Nothing that members did not vote on is carried out: a changed action is refused.
        if proposal.action and not _changed_since_opening(proposal):
            if proposal.result == Proposal.Result.PASSED:
                _execute_action(proposal)
            else:
                _not_passed(proposal)
        enqueue.result_notice(proposal.pk)
        return proposal


def _changed_since_opening(proposal: Proposal) -> bool:
    """Whether the action or its payload differ from what voting opened on (a row edited around
    the services): then neither the action nor its not-passed step runs, the refusal is shown
    on the proposal's page and audited with both digests (governance.voted_action)."""
    change = voted_action.change_since_opening(proposal)
    if change is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):  # stored: in the site's language
        message = voted_action.refusal()
    proposal.action_error = message
    proposal.save(update_fields=["action_error", "updated_at"])
    record(
        proposal.cooperative,
        None,
        "action.refused",
        proposal,
        {
            "reason": "changed_since_voting_opened",
            **change,
            "action": proposal.action,
            "payload": proposal.action_payload,
            "error": message,
        },
    )
    logger.warning("proposal %s: action not carried out, changed since voting opened", proposal.pk)
    return True


def _execute_action(proposal: Proposal) -> None:
    """Run the action in a savepoint: if it fails, the proposal stays passed with the error.

    The error is stored and audited, so it is written in the site's language, not in that of
    the request whose vote closed the proposal early.
    """
    try:
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            action = registry.get(proposal.action)
            effect = action.execute(proposal.cooperative, proposal.action_payload, proposal)
            record(
                proposal.cooperative,
                None,
                f"action.{proposal.action}",
                proposal,
                {"payload": proposal.action_payload, "effect": effect or {}},
            )
    except Exception as error:  # any failure is shown to members, never raised
        _failed(proposal, error)


def _not_passed(proposal: Proposal) -> None:
    """Run the action's `if_not_passed` step, if it has one, in a savepoint like the action."""
    try:
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            step = registry.get(proposal.action).if_not_passed
            if step is None:
                return
            effect = step(proposal.cooperative, proposal.action_payload, proposal)
            record(
                proposal.cooperative,
                None,
                f"action.{proposal.action}.not_passed",
                proposal,
                {"payload": proposal.action_payload, "effect": effect or {}},
            )
    except Exception as error:  # as for the action: shown to members, never raised
        _failed(proposal, error)


def _failed(proposal: Proposal, error: Exception) -> None:
    """Store and audit why a proposal's action (or its not-passed step) failed, as members read
    it, in the site's language: a rule's refusal in its own words; anything else (a fault of
    Cooperage, a value the database refused) said as such, with the traceback in the server's
    log for an admin, never the database's or Python's own message."""
    if isinstance(error, DomainError):
        message = error.message
    elif isinstance(error, ValidationError):
        message = " ".join(error.messages)
    else:
        logger.exception("proposal %s: action %s failed", proposal.pk, proposal.action)
        with translation.override(settings.LANGUAGE_CODE):
            message = _(
                "Not carried out: Cooperage met an error it did not expect (%(kind)s). Nothing "
                "was changed; an admin will find the details in the server's log."
            ) % {"kind": error.__class__.__name__}
    proposal.action_error = message
    proposal.save(update_fields=["action_error", "updated_at"])
    record(proposal.cooperative, None, "action.failed", proposal, {"error": message})


def sweep(now: datetime.datetime | None = None) -> dict[str, int]:
    """Open proposals whose time has come and close those whose time is up. Idempotent.

    Rows are taken with SKIP LOCKED, so two sweeps running at once share the work.
    """
    now = now or clock.now()
    opened = closed = 0
    due_to_open = Proposal.objects.filter(state=State.DISCUSSION, opens_at__lte=now)
    for proposal_id in due_to_open.values_list("id", flat=True):
        with transaction.atomic():
            proposal = (
                Proposal.objects.select_for_update(skip_locked=True)
                .select_related("cooperative")
                .filter(pk=proposal_id, state=State.DISCUSSION)
                .first()
            )
            if proposal is not None:
                start_voting(proposal, now)
                opened += 1
    due_to_close = Proposal.objects.filter(state=State.VOTING, closes_at__lte=now)
    for proposal in due_to_close.only("id"):
        try:
            close_proposal(proposal=proposal, actor=None, now=now)
        except Exception:  # one broken proposal must not stop the others; the next sweep retries
            logger.exception("closing proposal %s failed", proposal.pk)
            continue
        closed += 1
    return {"opened": opened, "closed": closed}


def quorum_fraction(proposal: Proposal) -> Fraction:
    return Fraction(proposal.quorum)

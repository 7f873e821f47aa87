"""Writes of a proposal before its vote: drafting, opening (and starting the vote),
withdrawing, comments; and a member's calendar feed.
"""

import datetime
import secrets
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from coop import clock
from coop.audit import record
from coop.bylaws import parse_share
from coop.errors import InvalidInput, NotAllowed, StateConflict
from coop.models import Cooperative, Member
from coop.models.cooperative import MemberStatus, Role
from governance import enqueue, floors, secret_ballots, voted_action
from governance.actions import registry
from governance.limits import check_limits
from governance.models import (
    CHOICE_METHODS,
    RANKED_METHODS,
    CalendarFeed,
    Comment,
    EligibleVoter,
    Method,
    ProbationReview,
    Proposal,
    State,
)

DRAFT_FIELDS = {
    "title", "body", "kind", "method", "options", "seats", "quorum", "threshold", "secret",
    "allow_early_close", "discussion_starts_at", "opens_at", "closes_at", "action",
    "action_payload", "show_results_while_voting",
}  # fmt: skip
OPTION_METHODS = {Method.APPROVAL, Method.SCORE, Method.SINGLE_CHOICE} | RANKED_METHODS


def _fraction_text(value: Any, field: str) -> str:
    try:
        share = parse_share(value)
    except ValueError as error:
        raise InvalidInput(str(error), field=field) from None
    return str(share) if share.denominator != 1 else str(share.numerator)


def _check_terms(
    cooperative: Cooperative,
    data: dict[str, Any],
    now: datetime.datetime,
    stored: list[str] | None = None,
) -> dict[str, Any]:
    """Validate and complete a draft's terms. Quorum and threshold left out are the floors of
    the kind (a supermajority's threshold at least 2/3); nothing may be looser than the floors."""
    if data.get("kind") not in Proposal.Kind.values:
        raise InvalidInput(_("Unknown proposal kind “%(kind)s”.") % {"kind": data.get("kind")},
                           field="kind")  # fmt: skip
    check_limits(data, now)
    floor = floors.floors_for(cooperative, data["kind"])
    data["quorum"] = _fraction_text(data.get("quorum") or str(floor.quorum), "quorum")
    if data["method"] == Method.SUPERMAJORITY and not data.get("threshold"):
        data["threshold"] = str(max(floor.threshold, Fraction(2, 3)))
    data["threshold"] = _fraction_text(data.get("threshold") or str(floor.threshold), "threshold")
    if data.get("action"):
        data["action_payload"] = registry.validate_payload(
            cooperative, data["kind"], data["action"], data.get("action_payload") or {}
        )
        _take_action_options(data, stored or [])
    elif data.get("action_payload"):
        raise InvalidInput(
            _("Details of an action were given, but no action was chosen."), field="action_payload"
        )
    options = data.get("options") or []
    if data["method"] in CHOICE_METHODS:
        if options:
            raise InvalidInput(
                _("Agree/disagree methods take no options: members answer the proposal itself."),
                field="options",
            )
    else:
        if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
            raise InvalidInput(_("Options are a list of names."), field="options")
        options = [option.strip() for option in options]
        if len(options) < 2 or any(not option for option in options):
            raise InvalidInput(_("This method needs at least two named options."), field="options")
        if len({option.casefold() for option in options}) != len(options):
            raise InvalidInput(_("Two options have the same name."), field="options")
    data["options"] = options
    seats = data.get("seats") or 1
    if data["method"] != Method.STV and seats != 1:
        raise InvalidInput(_("Only STV elects several seats."), field="seats")
    if data["method"] == Method.STV and not 1 <= seats < len(options):
        raise InvalidInput(_("STV needs fewer seats than options."), field="seats")
    data["seats"] = seats
    if data["opens_at"] >= data["closes_at"]:
        raise InvalidInput(_("Voting must close after it opens."), field="closes_at")
    starts = data.get("discussion_starts_at")
    if starts and starts > data["opens_at"]:
        raise InvalidInput(
            _("The discussion starts before voting opens."), field="discussion_starts_at"
        )
    if data.get("secret") and data["method"] not in CHOICE_METHODS | OPTION_METHODS:
        raise InvalidInput(_("This method cannot be secret."), field="secret")
    if data.get("secret") and data.get("show_results_while_voting"):
        raise InvalidInput(
            _("A secret ballot shows no count before voting closes."),
            field="show_results_while_voting",
        )
    floors.check_draft(cooperative, data, now)
    return data


def _take_action_options(data: dict[str, Any], stored: list[str]) -> None:
    """An action that puts outcomes to the vote writes the proposal's options, and only a single
    choice decides among them: each option is one outcome, and the winner needs the threshold.
    Options given are refused unless they are the action's, or the draft's own left unchanged
    (`stored`: the action writes them again from its payload, a changed extension included).
    """
    written = registry.options_of(data["action"], data["action_payload"])
    if written is None:
        return
    if data["method"] != Method.SINGLE_CHOICE:
        raise InvalidInput(
            _(
                "This action puts its outcomes to the vote as options: choose the single choice "
                "method, in which the winning option needs the threshold."
            ),
            field="method",
        )
    given = data.get("options") or []
    if given and given != stored and [str(option).strip() for option in given] != written:
        raise InvalidInput(
            _("The options are the action's outcomes: %(options)s. Leave them out to take them.")
            % {"options": "; ".join(written)},
            field="options",
        )
    data["options"] = written


def create_proposal(
    *, actor: Member, now: datetime.datetime | None = None, **fields: Any
) -> Proposal:
    """Draft a proposal. Any current member may draft; it stays private until opened.

    Its terms may be stricter than the bylaws floors of its kind, never looser."""
    unknown = set(fields) - DRAFT_FIELDS
    if unknown:
        raise InvalidInput(_("Unknown field."), field=sorted(unknown)[0])
    if actor.status not in (MemberStatus.ACTIVE, MemberStatus.PROBATIONARY):
        raise NotAllowed(_("Only active and probationary members draft proposals."))
    fields.setdefault("kind", Proposal.Kind.GENERAL)
    fields.setdefault("method", Method.MAJORITY)
    with transaction.atomic():
        data = _check_terms(actor.cooperative, fields, now or clock.now())
        proposal = Proposal.objects.create(
            cooperative=actor.cooperative, author=actor, state=State.DRAFT, **data
        )
        record(actor.cooperative, actor, "proposal.drafted", proposal, {"title": proposal.title})
        return proposal


def _require_author_or_secretary(actor: Member | None, proposal: Proposal) -> None:
    if actor is None or actor.pk == proposal.author_id or actor.has_role(Role.SECRETARY):
        return
    raise NotAllowed(_("Only the author or a secretary may do this."))


def _keep_reviewed_member(proposal: Proposal, data: dict[str, Any]) -> None:
    """The proposal drafted at the end of a member's probation decides about that member only:
    its action may not be turned to another member (a 400 naming the field)."""
    review = ProbationReview.objects.filter(proposal=proposal).select_related("member").first()
    if review is None or not data.get("action"):
        return
    if (data.get("action_payload") or {}).get("member") != review.member_id:
        raise InvalidInput(
            _(
                "This proposal reviews the probation of %(name)s: its action decides about "
                "%(name)s only."
            )
            % {"name": review.member.display_name},
            field="action_payload.member",
        )


def locked_proposal(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().select_related("cooperative").get(pk=proposal.pk)


def update_draft(*, actor: Member, proposal: Proposal, **changes: Any) -> Proposal:
    """Change a draft's terms (quorum and threshold too); after opening nothing changes."""
    unknown = set(changes) - DRAFT_FIELDS
    if unknown:
        raise InvalidInput(_("Unknown field."), field=sorted(unknown)[0])
    _require_author_or_secretary(actor, proposal)
    with transaction.atomic():
        proposal = locked_proposal(proposal)
        if proposal.state != State.DRAFT:
            raise StateConflict(_("Only a draft can be changed."))
        data = {name: getattr(proposal, name) for name in DRAFT_FIELDS}
        data.update(changes)
        if "kind" in changes and "quorum" not in changes:
            data["quorum"] = data["threshold"] = None  # take the new kind's defaults
        data = _check_terms(proposal.cooperative, data, clock.now(), stored=proposal.options)
        _keep_reviewed_member(proposal, data)
        changed = {k: [str(getattr(proposal, k)), str(v)] for k, v in data.items()
                   if getattr(proposal, k) != v}  # fmt: skip
        for name, value in data.items():
            setattr(proposal, name, value)
        proposal.save()
        record(proposal.cooperative, actor, "proposal.updated", proposal, {"changed": changed})
        return proposal


def delete_draft(*, actor: Member, proposal: Proposal) -> None:
    """Throw a draft away; once opened, a proposal can only be withdrawn."""
    _require_author_or_secretary(actor, proposal)
    with transaction.atomic():
        proposal = locked_proposal(proposal)
        if proposal.state != State.DRAFT:
            raise StateConflict(
                _("Only a draft can be deleted; withdraw an opened proposal instead.")
            )
        record(
            proposal.cooperative,
            actor,
            "proposal.deleted",
            data={"title": proposal.title},
            object_type="governance.proposal",
            object_id=proposal.pk,
        )
        proposal.delete()


def open_proposal(
    *, actor: Member | None, proposal: Proposal, now: datetime.datetime | None = None
) -> Proposal:
    """Publish a draft: discussion until `opens_at`, then voting (at once if that has passed).

    The discussion and the voting it leaves must still be as long as the floors of its kind
    (a draft may have waited); `discussion_starts_at` records when the discussion began."""
    _require_author_or_secretary(actor, proposal)
    now = now or clock.now()
    with transaction.atomic():
        proposal = locked_proposal(proposal)
        if proposal.state != State.DRAFT:
            raise StateConflict(
                _("This proposal is already %(state)s.") % {"state": proposal.get_state_display()}
            )
        if proposal.closes_at <= now:
            raise StateConflict(
                _("Voting would already be over: move the closing time later first.")
            )
        floors.check_opening(proposal, now)
        proposal.state = State.DISCUSSION
        proposal.discussion_starts_at = min(now, proposal.opens_at)
        proposal.save(update_fields=["state", "discussion_starts_at", "updated_at"])
        record(proposal.cooperative, actor, "proposal.opened", proposal, {})
        if proposal.opens_at <= now:
            start_voting(proposal, now)
        return proposal


def voting_statuses(cooperative: Cooperative) -> list[str]:
    """Who votes, by the bylaws: active members, and probationary ones if the bylaws say so."""
    statuses: list[str] = [MemberStatus.ACTIVE]
    if cooperative.settings["probationary_members_vote"]:
        statuses.append(MemberStatus.PROBATIONARY)
    return statuses


def eligible_members(cooperative: Cooperative) -> list[Member]:
    """The members who vote on a proposal opening now (`voting_statuses`)."""
    statuses = voting_statuses(cooperative)
    return list(Member.objects.filter(cooperative=cooperative, status__in=statuses).order_by("id"))


def start_voting(proposal: Proposal, now: datetime.datetime) -> None:
    electorate = eligible_members(proposal.cooperative)
    EligibleVoter.objects.bulk_create(
        [EligibleVoter(proposal=proposal, member=member) for member in electorate]
    )
    proposal.state = State.VOTING
    proposal.eligible_count = len(electorate)
    proposal.voting_opened_at = now
    proposal.save(update_fields=["state", "eligible_count", "voting_opened_at", "updated_at"])
    if proposal.secret:
        secret_ballots.set_up_box(proposal)
    opened: dict[str, Any] = {"eligible": [member.pk for member in electorate]}
    if proposal.action:  # what closing may carry out: exactly this (governance.voted_action)
        opened[voted_action.KEY] = voted_action.digest(proposal)
    record(proposal.cooperative, None, voted_action.OPENED, proposal, opened)
    enqueue.voting_opened_notice(proposal.pk)


def withdraw_proposal(*, actor: Member, proposal: Proposal) -> Proposal:
    """The author (or a secretary) withdraws a proposal before voting ends."""
    _require_author_or_secretary(actor, proposal)
    with transaction.atomic():
        proposal = locked_proposal(proposal)
        if proposal.state in (State.CLOSED, State.WITHDRAWN):
            raise StateConflict(
                _("This proposal is already %(state)s.") % {"state": proposal.get_state_display()}
            )
        proposal.state = State.WITHDRAWN
        proposal.save(update_fields=["state", "updated_at"])
        secret_ballots.discard(proposal)
        record(proposal.cooperative, actor, "proposal.withdrawn", proposal, {})
        return proposal


def add_comment(*, actor: Member, proposal: Proposal, body: str) -> Comment:
    if proposal.state not in (State.DISCUSSION, State.VOTING):
        raise StateConflict(_("Comments are open during discussion and voting."))
    if not body.strip():
        raise InvalidInput(_("A comment needs some text."), field="body")
    with transaction.atomic():
        comment = Comment.objects.create(proposal=proposal, author=actor, body=body.strip())
        record(
            proposal.cooperative, actor, "proposal.commented", comment, {"proposal": proposal.pk}
        )
        return comment


def renew_calendar_feed(*, member: Member) -> CalendarFeed:
    """Give the member a new secret feed address; the old one stops working at once."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.update_or_create(
            member=member, defaults={"token": secrets.token_urlsafe(32)}
        )
        # The token itself never goes in the audit log: the log is readable by members.
        verb = "calendar_feed.created" if created else "calendar_feed.renewed"
        record(member.cooperative, member, verb, feed, {})
        return feed

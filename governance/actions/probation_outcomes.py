"""The end of a probation put to the vote: admit, extend or end, as three options of one
single-choice proposal carried out by `admit_member`.

The payload names the member, the end of the probation under review, the length of an
extension, and each option with the outcome it stands for:

    {"member": 12, "probation_ends_on": "2027-06-01", "extend_months": 6,
     "outcomes": {"Admit Ana Rocha as an active member": "admit",
                  "Extend the probation of Ana Rocha by 6 months": "extend",
                  "End the probation: Ana Rocha does not become a member": "end"}}

A drafter writes `"outcomes": ["admit", "extend", "end"]` (or leaves out `extend_months` for the
bylaws' `probation_months`); the validator writes the options' names, in the site's language, and
the drafting service makes them the proposal's options. When the proposal passes, only the
winning option's outcome runs, through coop's own services: admit makes the member active,
extend moves the end of the probation (a new reminder and a new review follow at the new end),
end records the departure (`change_member_status`), so that everything that follows a departure
(the buy-in's settlement, the register's exit date) follows it too.
"""

import datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coop import services as coop_services
from coop.bylaws import MAX_PROBATION_MONTHS
from coop.errors import InvalidInput, NotAllowed, StateConflict
from coop.locale_formats import format_day
from coop.models import Member
from coop.models.cooperative import MemberStatus
from governance.models import Method, ProbationReview, Proposal, Result, State

ADMIT, EXTEND, END = "admit", "extend", "end"
OUTCOMES = (ADMIT, EXTEND, END)


def puts_outcomes(payload: dict[str, Any]) -> bool:
    """Whether an `admit_member` payload decides the end of a probation (three outcomes)."""
    return "outcomes" in payload or "extend_months" in payload


def option_names(member: Member, months: int) -> dict[str, str]:
    """Each outcome's option, as members read it on the ballot, in the site's language."""
    name = member.display_name
    with translation.override(settings.LANGUAGE_CODE):
        return {
            ADMIT: _("Admit %(name)s as an active member") % {"name": name},
            EXTEND: ngettext(
                "Extend the probation of %(name)s by %(months)d month",
                "Extend the probation of %(name)s by %(months)d months",
                months,
            )
            % {"name": name, "months": months},
            END: _("End the probation: %(name)s does not become a member") % {"name": name},
        }


def validate(member: Member, payload: dict[str, Any]) -> dict[str, Any]:
    """The normalized payload, or a 400 naming the field that is wrong."""
    if member.status != MemberStatus.PROBATIONARY:
        raise InvalidInput(
            _(
                "%(name)s is not on probation: only the end of a probation is decided by admit, "
                "extend or end."
            )
            % {"name": member.display_name},
            field="action_payload.member",
        )
    ends_on = _reviewed_end(member, payload)
    _check_outcomes(payload.get("outcomes"))
    months = _extension(member, payload)
    names = option_names(member, months)
    return {
        "member": member.pk,
        "probation_ends_on": ends_on.isoformat(),
        "extend_months": months,
        "outcomes": {names[outcome]: outcome for outcome in OUTCOMES},
    }


def _reviewed_end(member: Member, payload: dict[str, Any]) -> datetime.date:
    field = "action_payload.probation_ends_on"
    if member.probation_ends_on is None:
        raise InvalidInput(
            _("The probation of %(name)s has no end date: set one first.")
            % {"name": member.display_name},
            field=field,
        )
    value = payload.get("probation_ends_on")
    if value is None:
        return member.probation_ends_on
    try:
        ends_on = datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput(
            _("“%(value)s” is not a date: write it as YYYY-MM-DD, such as 2026-12-04.")
            % {"value": value},
            field=field,
        ) from None
    if ends_on != member.probation_ends_on:
        raise InvalidInput(
            _("The probation of %(name)s ends on %(date)s: that is the end this decides.")
            % {"name": member.display_name, "date": format_day(member.probation_ends_on)},
            field=field,
        )
    return ends_on


def _check_outcomes(value: Any) -> None:
    """The outcomes are admit, extend and end, each once: as a list, or as stored (option →
    outcome); the options' names are written again from the payload."""
    outcomes = list(value.values()) if isinstance(value, dict) else value
    if value is None:
        return
    if not isinstance(outcomes, list) or sorted(map(str, outcomes)) != sorted(OUTCOMES):
        raise InvalidInput(
            _("The outcomes are admit, extend and end, each once."),
            field="action_payload.outcomes",
        )


def _extension(member: Member, payload: dict[str, Any]) -> int:
    months = payload.get("extend_months", member.cooperative.settings["probation_months"])
    whole = isinstance(months, int) and not isinstance(months, bool)
    if not whole or not 1 <= months <= MAX_PROBATION_MONTHS:
        raise InvalidInput(
            _("An extension is a whole number of months from 1 to %(most)s.")
            % {"most": MAX_PROBATION_MONTHS},
            field="action_payload.extend_months",
        )
    return months


def options_of(payload: dict[str, Any]) -> list[str] | None:
    """The options a validated payload puts to the vote: admit, extend, end, in that order."""
    outcomes = payload.get("outcomes")
    if not isinstance(outcomes, dict):
        return None
    return sorted(outcomes, key=lambda option: OUTCOMES.index(outcomes[option]))


def carry_out(member: Member, payload: dict[str, Any], proposal: Proposal) -> dict[str, Any]:
    """Run the winning option's outcome, and nothing else (the registry's guard has checked the
    proposal's kind and the bylaws floors, the winner's threshold included)."""
    _require_reviewed_member(member, payload, proposal)
    outcome = winning_outcome(proposal, payload)
    if member.status != MemberStatus.PROBATIONARY:
        raise StateConflict(
            _("%(name)s is no longer on probation: nothing was changed.")
            % {"name": member.display_name}
        )
    effect: dict[str, Any] = {"member": member.pk, "outcome": outcome}
    if outcome == ADMIT:
        coop_services.change_member_status(member=member, actor=None, status=MemberStatus.ACTIVE)
    elif outcome == END:
        coop_services.change_member_status(member=member, actor=None, status=MemberStatus.DEPARTED)
    else:
        reviewed = datetime.date.fromisoformat(payload["probation_ends_on"])
        if member.probation_ends_on != reviewed:
            raise StateConflict(
                _(
                    "The end of the probation of %(name)s was moved meanwhile: the extension "
                    "was not carried out."
                )
                % {"name": member.display_name}
            )
        new_end = reviewed + relativedelta(months=payload["extend_months"])
        coop_services.update_member(member=member, actor=None, probation_ends_on=new_end)
        effect["probation_ends_on"] = new_end.isoformat()
    return effect


def _require_reviewed_member(member: Member, payload: dict[str, Any], proposal: Proposal) -> None:
    """A proposal drafted for one member's probation decides about that member and that end."""
    review = ProbationReview.objects.filter(proposal=proposal).first()
    if review is None:
        return
    if review.member_id != member.pk or review.ends_on.isoformat() != payload.get(
        "probation_ends_on"
    ):
        raise NotAllowed(
            _("This proposal reviews another member's probation: nothing was changed.")
        )


def winning_outcome(proposal: Proposal, payload: dict[str, Any]) -> str:
    """The outcome of the one option that won the single-choice count of exactly the payload's
    options; refused otherwise (a tie, nothing chosen, options that are not the payload's)."""
    outcomes = payload.get("outcomes")
    result = (proposal.tally or {}).get("result") or {}
    counted = ((proposal.tally or {}).get("ballot_file") or {}).get("options")
    winners = result.get("winners") or []
    if not isinstance(outcomes, dict):
        outcomes = {}
    valid = (
        proposal.method == Method.SINGLE_CHOICE
        and proposal.result == Result.PASSED
        and bool(outcomes)
        and sorted(proposal.options) == sorted(outcomes)
        and counted == proposal.options
        and len(winners) == 1
        and winners[0] in outcomes
        and outcomes[winners[0]] in OUTCOMES
    )
    if not valid:
        raise NotAllowed(
            _(
                "Not carried out: no single option won among the outcomes this proposal puts "
                "to the vote."
            )
        )
    return outcomes[winners[0]]


def undecided_sentence(proposal: Proposal) -> str:
    """What a closed review that chose no outcome leaves: the member on probation ("" for any
    other proposal)."""
    payload = proposal.action_payload or {}
    if not (
        proposal.action == "admit_member"
        and puts_outcomes(payload)
        and proposal.state == State.CLOSED
        and proposal.result != Result.PASSED
    ):
        return ""
    member_id = payload.get("member")
    member = (
        Member.objects.filter(cooperative_id=proposal.cooperative_id, pk=member_id).first()
        if isinstance(member_id, int)
        else None
    )
    name = member.display_name if member else "—"
    return _(
        "No outcome was chosen, so %(name)s stays on probation. The secretary may draft a new "
        "proposal, move the end of the probation, or record the departure."
    ) % {"name": name}

"""The bylaws floors applied to proposals: what a draft may ask, when voting may close, and
whether a passed proposal may carry out its action.

The bylaws set, per proposal kind, a minimum quorum, threshold, discussion and voting period
(coop/bylaws.py). A proposal may be stricter, never looser. A kind whose threshold floor is above
1/2 is decided only by a method that applies the threshold (supermajority or consensus), and an
action runs only from a vote that applies its kind's threshold; when it runs, the action checks
again, against the floors in force, that the proposal and its count met them.
"""

import datetime
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coop.bylaws import Floors, floors_of
from coop.errors import InvalidInputs, StateConflict
from coop.locale_formats import format_moment_with_zone
from coop.models import Cooperative
from governance.models import CHOICE_METHODS, Kind, Method, Proposal

HALF = Fraction(1, 2)
# Methods under which a pass implies agree ÷ (agree + disagree + block) ≥ the threshold:
# supermajority measures it, consensus asks for every side to agree; single choice measures the
# winning option's share of the votes given to an option in the same way.
THRESHOLD_METHODS = (Method.SUPERMAJORITY, Method.CONSENSUS, Method.SINGLE_CHOICE)


def floors_for(cooperative: Cooperative, kind: str) -> Floors:
    return floors_of(cooperative.bylaws, kind)


def applies_threshold(method: str, threshold: Fraction) -> bool:
    """Whether passing under `method` implies an agree share of at least `threshold`.

    Majority (agree > disagree + block) implies more than 1/2; consent and the option methods
    (which pick a winner among options) imply no share of agree at all.
    """
    if method in THRESHOLD_METHODS:
        return True
    if method == Method.MAJORITY:
        return threshold <= HALF
    return threshold == 0


def allowed_methods(floors: Floors) -> list[str]:
    """The decision methods a proposal of the floors' kind may use."""
    if floors.threshold > HALF:
        return list(THRESHOLD_METHODS)
    return list(Method.values)


def _share(value: Any) -> Fraction | None:
    try:
        return Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return None


def period_text(period: datetime.timedelta) -> str:
    """ "2 days", "36 hours", "1 hour": a floor's period as members read it."""
    hours = int(period.total_seconds() // 3600)
    if hours % 24 == 0 and hours:
        return ngettext("%(count)d day", "%(count)d days", hours // 24) % {"count": hours // 24}
    return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}


def _kind(floors: Floors) -> str:
    return str(Kind(floors.kind).label)


def _fraction(value: Fraction) -> str:
    return str(value) if value.denominator != 1 else str(value.numerator)


def quorum_message(floors: Floors) -> str:
    return _("The bylaws require a quorum of at least %(floor)s for %(kind)s proposals.") % {
        "floor": _fraction(floors.quorum),
        "kind": _kind(floors),
    }


def threshold_message(floors: Floors) -> str:
    return _("The bylaws require a threshold of at least %(floor)s for %(kind)s proposals.") % {
        "floor": _fraction(floors.threshold),
        "kind": _kind(floors),
    }


def method_message(floors: Floors, method: str) -> str:
    return _(
        "The bylaws require a threshold of at least %(floor)s for %(kind)s proposals, which "
        "%(method)s does not apply: choose supermajority or consensus."
    ) % {"floor": _fraction(floors.threshold), "kind": _kind(floors), "method": method}


def action_method_message(method: str) -> str:
    return _(
        "An action runs only from a vote that applies its kind's threshold, which %(method)s "
        "does not: choose supermajority or consensus (or majority where the threshold is at "
        "most 1/2)."
    ) % {"method": method}


def discussion_message(floors: Floors) -> str:
    return _(
        "The bylaws require at least %(period)s of discussion for %(kind)s proposals: "
        "voting opens too soon."
    ) % {"period": period_text(floors.discussion), "kind": _kind(floors)}


def voting_message(floors: Floors) -> str:
    return _(
        "The bylaws require at least %(period)s of voting for %(kind)s proposals: "
        "voting closes too soon."
    ) % {"period": period_text(floors.voting), "kind": _kind(floors)}


def check_draft(cooperative: Cooperative, data: dict[str, Any], now: datetime.datetime) -> None:
    """Refuse a draft's terms that are looser than the floors of its kind (every field at once).

    `data` holds the normalized terms (quorum and threshold as fractions written as text). The
    discussion is counted from now, or from a later planned start, until voting opens.
    """
    floors = floors_for(cooperative, data["kind"])
    errors: dict[str, list[str]] = {}
    if Fraction(data["quorum"]) < floors.quorum:
        errors["quorum"] = [quorum_message(floors)]
    threshold = Fraction(data["threshold"])
    if threshold < floors.threshold:
        errors["threshold"] = [threshold_message(floors)]
    if data["method"] not in allowed_methods(floors):
        errors["method"] = [method_message(floors, data["method"])]
    elif threshold > HALF and not applies_threshold(data["method"], threshold):
        errors["method"] = [
            _(
                "%(method)s does not apply a threshold above 1/2: choose supermajority or "
                "consensus, or a threshold of 1/2."
            )
            % {"method": data["method"]}
        ]
    elif data.get("action") and not applies_threshold(data["method"], floors.threshold):
        errors["method"] = [action_method_message(data["method"])]
    starts = max(now, data.get("discussion_starts_at") or now)
    if data["opens_at"] - starts < floors.discussion:
        errors["opens_at"] = [discussion_message(floors)]
    if data["closes_at"] - data["opens_at"] < floors.voting:
        errors["closes_at"] = [voting_message(floors)]
    if errors:
        raise InvalidInputs(errors)


def check_opening(proposal: Proposal, now: datetime.datetime) -> None:
    """Refuse to publish a draft whose discussion or voting would now be shorter than the floors."""
    floors = floors_for(proposal.cooperative, proposal.kind)
    if proposal.opens_at - now < floors.discussion:
        raise StateConflict(
            discussion_message(floors)
            + " "
            + _("Move “voting opens” to %(earliest)s or later.")
            % {"earliest": _local(proposal.cooperative, now + floors.discussion)}
        )
    if proposal.closes_at - max(now, proposal.opens_at) < floors.voting:
        raise StateConflict(voting_message(floors))


def check_closing(proposal: Proposal, now: datetime.datetime, everyone_voted: bool) -> None:
    """Voting closes before its time only when everyone has voted, or after the minimum voting
    period (a secretary's early close)."""
    if now >= proposal.closes_at or everyone_voted:
        return
    floors = floors_for(proposal.cooperative, proposal.kind)
    earliest = (proposal.voting_opened_at or proposal.opens_at) + floors.voting
    if now < earliest:
        raise StateConflict(
            _(
                "The bylaws require at least %(period)s of voting for %(kind)s proposals: "
                "voting can close early from %(earliest)s, or when every eligible member has "
                "voted."
            )
            % {
                "period": period_text(floors.voting),
                "kind": _kind(floors),
                "earliest": _local(proposal.cooperative, earliest),
            }
        )


def _local(cooperative: Cooperative, when: datetime.datetime) -> str:
    from coop.clock import zone_of

    return format_moment_with_zone(when.astimezone(zone_of(cooperative)))


def unmet_floors(proposal: Proposal) -> list[str]:
    """What a closed proposal lacks, by the floors of its kind in force now (empty: it met them).

    Checks the terms (quorum, threshold, method, discussion and voting periods), how voting
    ended (before the minimum voting period only if everyone had voted) and the count itself
    (turnout and share of agree), so that a proposal written or changed outside the services
    cannot carry out an action either.
    """
    floors = floors_for(proposal.cooperative, proposal.kind)
    unmet: list[str] = []
    quorum, threshold = _share(proposal.quorum), _share(proposal.threshold)
    if quorum is None or quorum < floors.quorum:
        unmet.append(quorum_message(floors))
    if threshold is None or threshold < floors.threshold:
        unmet.append(threshold_message(floors))
    if not applies_threshold(proposal.method, floors.threshold):
        unmet.append(action_method_message(proposal.method))
    opened, closed = proposal.voting_opened_at, proposal.closed_at
    started = proposal.discussion_starts_at
    if started is None or opened is None or opened - started < floors.discussion:
        unmet.append(discussion_message(floors))
    if proposal.closes_at - proposal.opens_at < floors.voting:
        unmet.append(voting_message(floors))
    result = (proposal.tally or {}).get("result") or {}
    document = (proposal.tally or {}).get("ballot_file") or {}
    eligible = result.get("eligible", proposal.eligible_count)
    everyone_voted = len(document.get("ballots") or []) >= eligible
    if opened is None or closed is None or (closed - opened < floors.voting and not everyone_voted):
        unmet.append(voting_message(floors))
    if proposal.result != Proposal.Result.PASSED:
        unmet.append(_("The proposal did not pass."))
    turnout = _share(result.get("turnout", "0")) or Fraction(0)
    if turnout < floors.quorum * eligible:
        unmet.append(quorum_message(floors))
    if proposal.method in CHOICE_METHODS:
        counts = {k: _share(v) or Fraction(0) for k, v in (result.get("counts") or {}).items()}
        agree = counts.get("agree", Fraction(0))
        sides = agree + counts.get("disagree", Fraction(0)) + counts.get("block", Fraction(0))
        if sides == 0 or agree / sides < floors.threshold:
            unmet.append(threshold_message(floors))
    elif proposal.method == Method.SINGLE_CHOICE and not _winner_met(result, floors.threshold):
        unmet.append(threshold_message(floors))
    return list(dict.fromkeys(unmet))


def _winner_met(result: dict[str, Any], threshold: Fraction) -> bool:
    """Whether one option won a single-choice count with at least `threshold` of the votes given
    to an option, read again from the stored totals."""
    totals = {k: _share(v) or Fraction(0) for k, v in (result.get("totals") or {}).items()}
    winners = result.get("winners") or []
    cast = sum(totals.values(), Fraction(0))
    if len(winners) != 1 or winners[0] not in totals or cast == 0:
        return False
    best = totals[winners[0]]
    return all(total < best for name, total in totals.items() if name != winners[0]) and (
        best / cast >= threshold
    )


def floors_table(cooperative: Cooperative) -> dict[str, dict[str, str]]:
    """The floors of every kind as the proposal form shows them (and its script prefills)."""
    table = {}
    for kind in Kind.values:
        floors = floors_for(cooperative, kind)
        table[kind] = {
            "label": str(Kind(kind).label),
            "quorum": _fraction(floors.quorum),
            "threshold": _fraction(floors.threshold),
            "supermajority": _fraction(max(floors.threshold, Fraction(2, 3))),
            "discussion": period_text(floors.discussion),
            "voting": period_text(floors.voting),
            "methods": ", ".join(allowed_methods(floors)) if floors.threshold > HALF else _("any"),
        }
    return table

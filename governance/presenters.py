"""What a closed vote says, in words and chart data: one source for the page, the minutes, e-mails.

Built from what closing stored (the tally and the ballot file), never recounted. The proposal's
page, the minutes PDF (`governance.minutes`) and the result e-mail (`governance.tasks`) call these
functions, so that they put a ballot, a tie and an outcome the same way.
"""

from __future__ import annotations

import json
import zoneinfo
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from coop.errors import InvalidInput
from coop.locale_formats import format_moment_with_zone
from governance import selectors
from governance.actions import probation_outcomes, registry
from governance.count_sheet import count_number, stv_stage_rows
from governance.models import Proposal

# The answers of an agree/abstain/disagree/block ballot as the reader's language names them;
# the tally and the ballot file keep the English keys.
ANSWERS = {
    "agree": pgettext_lazy("ballot answer", "agree"),
    "abstain": pgettext_lazy("ballot answer", "abstain"),
    "disagree": pgettext_lazy("ballot answer", "disagree"),
    "block": pgettext_lazy("ballot answer", "block"),
}

# The steps of an STV count, as the tally names them.
STV_STEPS = {
    "count": pgettext_lazy("STV step", "first count"),
    "elected remaining": pgettext_lazy("STV step", "remaining candidates elected"),
    "surplus": pgettext_lazy("STV step", "surplus of %s"),
    "exclusion": pgettext_lazy("STV step", "exclusion of %s"),
}


def number(text: str) -> str:
    """A count from the tally ("3", "5/2", "12345/100000") as members read it: 3, 2.5, 0.12345."""
    return count_number(text)


def answer(name: str) -> str:
    """An answer in the reader's language ("agree", "a favor", "Ja"); anything else as it is."""
    return str(ANSWERS.get(name, name))


def stv_stages(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The STV count sheet's stages, each with its step in words ("surplus of Ada")."""
    rows = stv_stage_rows(result.get("stages", []))
    for row in rows:
        step = STV_STEPS.get(row["action"])
        candidate = row.get("candidate") or ""
        if step is None:
            row["step"] = f"{row['action']}: {candidate}" if candidate else row["action"]
        else:
            row["step"] = str(step) % candidate if "%s" in str(step) else str(step)
    return rows


def ballot_text(ballot: Mapping[str, Any], *, weight: bool = False) -> str:
    """A ballot in one line: "agree", "block — reason", "1. A  2. B", "A, B", "A: 4, B: 1".

    With `weight`, a delegated weight other than 1 follows: "agree (weight 3)"; the page shows
    the weight in a column of its own, the minutes on the line.
    """
    if "choice" in ballot:
        reason = ballot.get("reason")
        choice = answer(str(ballot["choice"]))
        text = f"{choice} — {reason}" if reason else choice
    elif "ranking" in ballot:
        text = "  ".join(f"{n}. {o}" for n, o in enumerate(ballot["ranking"], 1)) or "—"
    elif "approve" in ballot:
        text = ", ".join(ballot["approve"]) or "—"
    elif "scores" in ballot:
        text = ", ".join(f"{o}: {s}" for o, s in ballot["scores"].items()) or "—"
    elif "option" in ballot:
        text = ballot["option"] or answer("abstain")
    else:
        text = json.dumps(ballot, ensure_ascii=False, sort_keys=True)
    if weight and ballot.get("weight") not in (None, "1", 1):
        text += " " + _("(weight %s)") % ballot["weight"]
    return text


def tied_options(result: Mapping[str, Any]) -> list[str]:
    """Who is level in a tie: the tied winners, or the last two of an instant runoff."""
    if len(result.get("winners", [])) > 1:
        return list(result["winners"])
    if result.get("rounds"):
        return list(result["rounds"][-1]["counts"])
    return list(result["winners"] if result.get("winners") else result.get("ranking", [[]])[0])


def term_rows(proposal: Proposal) -> list[tuple[str, str]]:
    """The terms that apply to the proposal's method, as (label, value): the quorum always,
    the seats of an STV election, the threshold of a supermajority (the only method using it)."""
    rows = [(_("Quorum"), _("%s of eligible members vote") % proposal.quorum)]
    if proposal.method == Proposal.Method.STV:
        rows.append((_("Seats"), str(proposal.seats)))
    if proposal.method == Proposal.Method.SUPERMAJORITY:
        rows.append((_("Threshold"), _("%s of agree + disagree + block") % proposal.threshold))
    return rows


def vote_figures(proposal: Proposal, result: Mapping[str, Any]) -> dict[str, Any]:
    """The two figures of a closed vote, named apart: the ballots cast (one per member who
    voted) and the votes counted (every ballot's weight, so delegated votes included)."""
    counted = Fraction(str(result.get("turnout", 0)))
    ballots = (proposal.tally.get("ballot_file") or {}).get("ballots")
    cast = len(ballots) if ballots is not None else None
    delegated = counted - cast if cast is not None and counted > cast else Fraction(0)
    return {
        "cast": cast,
        "counted": number(str(counted)),
        "delegated": number(str(delegated)) if delegated else "",
        # what chooses the plural form: the whole number, or any plural count for a fraction
        "delegated_count": delegated.numerator if delegated.denominator == 1 else 2,
        "eligible": result.get("eligible", proposal.eligible_count),
        "quorum": result.get("quorum", proposal.quorum),
    }


def ballots_cast_text(figures: Mapping[str, Any]) -> str:
    """ "4 of 5 eligible members" (the value of "Ballots cast")."""
    return (
        ngettext(
            "%(cast)s of %(eligible)s eligible member",
            "%(cast)s of %(eligible)s eligible members",
            figures["eligible"],
        )
        % figures
    )


def votes_counted_text(figures: Mapping[str, Any]) -> str:
    """ "5 (including 1 delegated)" or "5" (the value of "Votes counted")."""
    if figures["delegated"]:
        return (
            ngettext(
                "%(counted)s (including %(delegated)s delegated)",
                "%(counted)s (including %(delegated)s delegated)",
                figures["delegated_count"],
            )
            % figures
        )
    return str(figures["counted"])


def action_name(proposal: Proposal) -> str:
    """The proposal's action as members read it ("Approve a draft monthly distribution"), not
    its code; the code itself for an action no app registers any more."""
    try:
        return str(registry.get(proposal.action).description).rstrip(".")
    except InvalidInput:
        return proposal.action


def action_outcome(proposal: Proposal) -> str:
    """What a closed proposal's action left undone, in words: a probation's review that chose
    no outcome leaves the member on probation ("" otherwise)."""
    return probation_outcomes.undecided_sentence(proposal)


def turnout_sentence(proposal: Proposal, result: Mapping[str, Any]) -> str:
    """ "Ballots cast: 4 of 5 eligible members. Votes counted: 5 (including 1 delegated);
    quorum 1/2.": the quorum is met by the votes counted, abstentions included."""
    figures = vote_figures(proposal, result)
    counted = _("Votes counted: %(votes)s; quorum %(quorum)s.") % {
        "votes": votes_counted_text(figures),
        "quorum": figures["quorum"],
    }
    if figures["cast"] is None:
        return counted
    return _("Ballots cast: %s.") % ballots_cast_text(figures) + " " + counted


def moment(proposal: Proposal, when: Any) -> str:
    """A moment in the co-op's time zone, as the current language writes one (CLDR), with the
    zone: "Dec 4, 2026, 10:30 AM CET", "4 dic 2026, 10:30 CET"."""
    if when is None:
        return "—"
    local = timezone.localtime(when, zoneinfo.ZoneInfo(proposal.cooperative.time_zone))
    return format_moment_with_zone(local)


def closed_early(proposal: Proposal) -> bool:
    """Whether voting closed before its planned time (everyone voted, or a secretary closed it)."""
    return bool(
        proposal.closed_at and proposal.closes_at and proposal.closed_at < proposal.closes_at
    )


def early_close_sentence(proposal: Proposal) -> str:
    """Why and when voting closed before its planned time; "" when it closed on time."""
    if not closed_early(proposal):
        return ""
    when = {
        "when": moment(proposal, proposal.closed_at),
        "planned": moment(proposal, proposal.closes_at),
    }
    if proposal.tally.get("early"):
        return (
            _(
                "Voting closed early, on %(when)s, because every eligible member had voted "
                "(planned: %(planned)s)."
            )
            % when
        )
    return _("Voting closed early, on %(when)s, by a secretary (planned: %(planned)s).") % when


def count_sentence(proposal: Proposal, result: Mapping[str, Any]) -> str:
    """One sentence made from the count: the verdict, the counts or the winners, the turnout."""
    turnout = turnout_sentence(proposal, result)
    outcome = result["outcome"]
    if outcome == "no_quorum":
        return _("No quorum: the proposal is not decided.") + " " + turnout
    if outcome == "tie":
        tied = ", ".join(tied_options(result))
        return _("A tie between %s: the co-op decides how to break it.") % tied + " " + turnout
    if "counts" in result:
        ordered = selectors.in_order(result["counts"], proposal)
        counts = ", ".join(f"{number(v)} {answer(k)}" for k, v in ordered.items())
        verdict = _("Passed") if outcome == "passed" else _("Rejected")
        return f"{verdict}: {counts}. {turnout}"
    if outcome == "passed":
        return _("Chosen: %s.") % ", ".join(result.get("winners", [])) + " " + turnout
    if result.get("method") == "single_choice" and any(map(Fraction, result["totals"].values())):
        return (
            _(
                "Rejected: no option had %(threshold)s of the votes given to an option, "
                "as the threshold asks."
            )
            % {"threshold": result["threshold"]}
            + " "
            + turnout
        )
    return _("Rejected: no option was chosen.") + " " + turnout


def outcome_sentence(proposal: Proposal) -> str:
    """The stored outcome statement, or the sentence made from the count ("" before a count)."""
    result = proposal.tally.get("result") or {}
    if not result:
        return ""
    return proposal.outcome_statement or count_sentence(proposal, result)


def bars(values: Mapping[str, str], *, answers: bool = False) -> list[tuple[str, str, float]]:
    """(name, count as read, bar length in percent of the largest) for the result chart; with
    `answers`, the names are a ballot's answers (agree … block), in the reader's language."""
    exact = {name: Fraction(value) for name, value in values.items()}
    largest = max(exact.values(), default=Fraction(0)) or Fraction(1)
    return [
        (
            answer(name) if answers else name,
            number(values[name]),
            round(float(value / largest) * 100, 1),
        )
        for name, value in exact.items()
    ]


def result_figures(proposal: Proposal) -> dict[str, Any]:
    """The chart data of a closed proposal: bars of answers (`counts`) or options (`totals`),
    the instant-runoff rounds and the STV stages, with every count as members read it."""
    result = proposal.tally.get("result") or {}
    return {
        "result": result,
        "counts": bars(selectors.in_order(result.get("counts", {}), proposal), answers=True),
        "totals": bars(selectors.in_order(result.get("totals", {}), proposal)),
        "irv_rounds": [
            {**r, "counts": {o: number(v) for o, v in r["counts"].items()}}
            for r in result.get("rounds", [])
        ],
        "stv_stages": stv_stages(result),
    }


def running_figures(proposal: Proposal, result: Mapping[str, Any] | None) -> dict[str, Any]:
    """The running count of an open vote as the page shows it: bars of answers or options, who
    leads, and the votes counted so far ({} when there is none to show)."""
    if not result:
        return {}
    return {
        "counts": bars(selectors.in_order(result.get("counts", {}), proposal), answers=True),
        "totals": bars(selectors.in_order(result.get("totals", {}), proposal)),
        "leading": list(result.get("winners", [])),
        "counted": number(str(result.get("turnout", 0))),
    }


def published_ballots(proposal: Proposal, names: Mapping[str, str]) -> list[dict[str, str]]:
    """The ballot file's ballots as rows: who (a name for an e-mail in `names`), the ballot in
    words, its weight and its receipt hash (secret ballots)."""
    ballots = (proposal.tally.get("ballot_file") or {}).get("ballots", [])
    return [
        {
            "who": names.get(ballot.get("member", ""), ballot.get("member", "")),
            "ballot": ballot_text(ballot),
            "weight": ballot.get("weight", ""),
            "receipt": ballot.get("receipt", ""),
        }
        for ballot in ballots
    ]

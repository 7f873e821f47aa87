"""The published ballot file: validating ballots and documents, and counting them.

`manage.py recount FILE` counts a published file with `tally_ballot_file`. The server counts the
same ballots grouped (`tally_grouped`: each distinct ballot once, with the total weight of the
ballots that hold it, as a SQL `GROUP BY` gives them), which gives the same result: the methods
add weights exactly, so a ranking counted once with weight n counts as n ballots of weight 1.
Ranked ballots it counts from their stored places (`tally_stored_rankings`: each option's place,
one byte, as `ballot_positions` writes them beside the content), which reads no option name.
Document format:
`{"method", "options", "seats", "eligible", "quorum", "threshold", "ballots": [ballot, …]}`, a
ballot being `{"choice": "agree"|"abstain"|"disagree"|"block", "reason"?}`, `{"ranking": [..]}`,
`{"approve": [..]}`, `{"scores": {option: 0..5}}` or `{"option": name}` (single choice; `null`
abstains), with an optional `"weight"` (default 1), and
`"member"` (open ballots) or `"receipt"` (secret ballots).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from operator import itemgetter
from typing import Any

from governance.methods import choice, ranked, rankings, stv
from governance.methods import options as option_methods
from governance.methods.exact import format_fraction, fraction_sum, parse_fraction

CHOICE_METHODS = ("majority", "supermajority", "consensus", "consent")
RANKED_METHODS = ("schulze", "irv", "stv")
METHODS = (*CHOICE_METHODS, "approval", "score", "single_choice", *RANKED_METHODS)


class BallotFileError(ValueError):
    """A ballot or a ballot file breaks the format; the message names the field."""


def validate_ballot(method: str, options: Sequence[str], ballot: Mapping[str, Any]) -> dict:
    """The normalized ballot for the method, or BallotFileError naming what is wrong."""
    if not isinstance(ballot, Mapping):
        raise BallotFileError("a ballot is a JSON object")
    if method in CHOICE_METHODS:
        value = ballot.get("choice")
        if value not in choice.CHOICES:
            raise BallotFileError('choice: one of "agree", "abstain", "disagree", "block"')
        reason = str(ballot.get("reason") or "").strip()
        if value == "block" and method in ("consent", "consensus") and not reason:
            raise BallotFileError("reason: a block is a reasoned objection: say why")
        return {"choice": value, **({"reason": reason} if reason else {})}
    known = set(options)
    if method == "single_choice":
        option = ballot.get("option")
        if option is not None and option not in known:
            raise BallotFileError("option: one of the options, or null to abstain")
        return {"option": option}
    if method == "approval":
        approved = ballot.get("approve")
        if not isinstance(approved, list) or not all(isinstance(o, str) for o in approved):
            raise BallotFileError("approve: a list of the options you approve")
        for option in approved:
            if option not in known:
                raise BallotFileError(f'approve: "{option}" is not one of the options')
        return {"approve": [o for o in options if o in set(approved)]}
    if method == "score":
        scores = ballot.get("scores")
        if not isinstance(scores, Mapping):
            raise BallotFileError("scores: an object giving each option a score from 0 to 5")
        for option, score in scores.items():
            if option not in known:
                raise BallotFileError(f'scores: "{option}" is not one of the options')
            if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 5:
                raise BallotFileError(f"scores.{option}: a whole number from 0 to 5")
        return {"scores": {o: scores[o] for o in options if o in scores}}
    if method in RANKED_METHODS:
        ranking = ballot.get("ranking")
        if not isinstance(ranking, list) or not all(isinstance(o, str) for o in ranking):
            raise BallotFileError("ranking: a list of options, most preferred first")
        for option in ranking:
            if option not in known:
                raise BallotFileError(f'ranking: "{option}" is not one of the options')
        if len(set(ranking)) != len(ranking):
            raise BallotFileError(
                "ranking: an option is ranked twice (equal ranks are not allowed)"
            )
        return {"ranking": list(ranking)}
    raise BallotFileError(f'method: "{method}" is not one of {", ".join(METHODS)}')


def ballot_positions(
    method: str, options: Sequence[str], ballot: Mapping[str, Any]
) -> bytes | None:
    """What is stored beside a ballot for the count to read (`rankings.ranking_positions`): its
    ranking's places for a ranked method, None for any other method."""
    if method not in RANKED_METHODS or not isinstance(ballot, Mapping):
        return None
    ranking = ballot.get("ranking")
    return rankings.ranking_positions(options, ranking) if isinstance(ranking, list) else None


# The weight of a ballot without delegated votes: one shared object, so that the ranked count
# sees at once, by identity, that every ballot weighs 1 (`rankings.count_rankings`).
_ONE = Fraction(1)


def _weight(ballot: Mapping[str, Any], index: int) -> Fraction:
    if "weight" not in ballot:
        return _ONE
    raw = ballot["weight"]
    try:
        weight = parse_fraction(raw, name=f"ballots[{index}].weight", at_most_one=False)
    except ValueError as error:
        raise BallotFileError(str(error)) from None
    if weight == 0:
        raise BallotFileError(f"ballots[{index}].weight: must be positive")
    return _ONE if weight == 1 else weight


def _document(document: Any) -> tuple[str, list[str], int, int, Fraction, Fraction, list]:
    terms = _terms(document)
    ballots = document.get("ballots")
    if not isinstance(ballots, list):
        raise BallotFileError("ballots: a list of ballots")
    return (*terms, ballots)


def _terms(document: Any) -> tuple[str, list[str], int, int, Fraction, Fraction]:
    """The terms of the count (a ballot file without its ballots), checked."""
    if not isinstance(document, Mapping):
        raise BallotFileError("the ballot file is a JSON object")
    method = document.get("method")
    if method not in METHODS:
        raise BallotFileError(f'method: "{method}" is not one of {", ".join(METHODS)}')
    opts = document.get("options", [])
    if not isinstance(opts, list) or not all(isinstance(o, str) for o in opts):
        raise BallotFileError("options: a list of option names")
    if len(set(opts)) != len(opts):
        raise BallotFileError("options: an option is listed twice")
    if method not in CHOICE_METHODS and len(opts) < 2:
        raise BallotFileError("options: this method needs at least two options")
    seats = document.get("seats", 1)
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
        raise BallotFileError("seats: a whole number of at least 1")
    if method == "stv" and seats >= len(opts):
        raise BallotFileError("seats: STV needs fewer seats than options")
    eligible = document.get("eligible")
    if isinstance(eligible, bool) or not isinstance(eligible, int) or eligible < 0:
        raise BallotFileError("eligible: the number of eligible members, a whole number ≥ 0")
    try:
        quorum = parse_fraction(document.get("quorum", "0"), name="quorum")
        threshold = parse_fraction(document.get("threshold") or "1/2", name="threshold")
    except ValueError as error:
        raise BallotFileError(str(error)) from None
    return method, opts, seats, eligible, quorum, threshold


def tally_ballot_file(document: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a ballot file and count it; the JSON-ready result (fractions as strings)."""
    method, opts, seats, eligible, quorum, threshold, raw = _document(document)
    ballots: list[tuple[dict, Fraction]] = []
    for index, ballot in enumerate(raw):
        try:
            normalized = validate_ballot(method, opts, ballot)
        except BallotFileError as error:
            raise BallotFileError(f"ballots[{index}].{error}") from None
        ballots.append((normalized, _weight(ballot, index)))
    return tally(method, opts, ballots, eligible=eligible, quorum=quorum, threshold=threshold,
                 seats=seats)  # fmt: skip


def tally_grouped(
    terms: Mapping[str, Any], groups: Iterable[tuple[Mapping[str, Any], int]]
) -> dict[str, Any]:
    """Count ballots given grouped: each distinct ballot once with its total weight (a positive
    whole number: how many ballots hold it, times their delegated weight). `terms` is a ballot
    file without its ballots. The result is the one `tally_ballot_file` gives for the file that
    lists every ballot (`tests/governance/test_tally_grouped.py`)."""
    method, opts, seats, eligible, quorum, threshold = _terms(terms)
    contents, weights = _unzip(groups)
    if set(map(type, weights)) - {int} or (weights and min(weights) < 1):
        for index, weight in enumerate(weights):
            if type(weight) is not int or weight < 1:
                raise BallotFileError(f"ballots[{index}].weight: a whole number of at least 1")
    ballots: list[tuple[dict, Fraction | int]]
    if method in RANKED_METHODS and _plain_rankings(opts, contents):
        # Checked at C speed, as `validate_ballot` would find them: no copy needed.
        ballots = list(zip(contents, weights, strict=True))
    else:
        ballots = []
        for index, (ballot, weight) in enumerate(zip(contents, weights, strict=True)):
            try:
                ballots.append((validate_ballot(method, opts, ballot), weight))
            except BallotFileError as error:
                raise BallotFileError(f"ballots[{index}].{error}") from None
    # Whole weights stay ints: the count sums them without a Fraction per ranking, and a list of
    # ones is one shared object (small ints are), `count_rankings`' fastest path.
    return tally(method, opts, ballots, eligible=eligible, quorum=quorum, threshold=threshold,
                 seats=seats)  # fmt: skip


def _unzip(groups: Iterable[tuple[Mapping[str, Any], int]]) -> tuple[list, list]:
    pairs = list(groups)
    return list(map(itemgetter(0), pairs)), list(map(itemgetter(1), pairs))


def _plain_rankings(options: Sequence[str], contents: list) -> bool:
    """Whether every content is exactly `{"ranking": [distinct options]}` (a valid, normalized
    ranked ballot): then `validate_ballot` would return each unchanged."""
    if set(map(type, contents)) - {dict} or set(map(len, contents)) - {1}:
        return False
    given = list(map(dict.get, contents, itertools.repeat("ranking")))
    if set(map(type, given)) - {list}:
        return False
    known = frozenset(options)
    lists: list[list[Any]] = given  # type: ignore[assignment]  # checked just above
    try:
        return all(map(known.issuperset, lists)) and list(map(len, lists)) == list(
            map(len, map(set, lists))
        )
    except TypeError:  # an unhashable entry: `validate_ballot` names it
        return False


def _strings(values: Mapping[str, Fraction]) -> dict[str, str]:
    return {key: format_fraction(value) for key, value in values.items()}


def tally(
    method: str,
    options: Sequence[str],
    ballots: Sequence[tuple[Mapping[str, Any], Fraction | int]],
    *,
    eligible: int,
    quorum: Fraction,
    threshold: Fraction = Fraction(1, 2),
    seats: int = 1,
) -> dict[str, Any]:
    """Count normalized, weighted ballots. Quorum first: turnout (every ballot's weight,
    abstentions and blocks included) / eligible ≥ quorum, else `no_quorum`."""
    if method in RANKED_METHODS:
        # One pass over the ballots: every ballot's weight is in exactly one group, so the
        # groups also give the turnout.
        groups = rankings.count_rankings(
            map(itemgetter("ranking"), map(itemgetter(0), ballots)),
            list(map(itemgetter(1), ballots)),
        )
        turnout = fraction_sum(groups.values())
        return _ranked_result(method, options, groups, turnout, eligible=eligible,
                              quorum=quorum, seats=seats)  # fmt: skip
    turnout = fraction_sum(weight for _, weight in ballots)
    result = _head(method, eligible, turnout, quorum)
    quorum_met = _quorum_met(turnout, quorum, eligible)
    if method in CHOICE_METHODS:
        counts = choice.count_choices((b["choice"], w) for b, w in ballots)
        result["threshold"] = format_fraction(threshold)
        result["counts"] = _strings(counts)
        passed = choice.passes(method, counts, threshold)
        result["outcome"] = "no_quorum" if not quorum_met else "passed" if passed else "rejected"
        return result
    if method == "single_choice":
        totals = option_methods.single_choice_totals(
            options, ((b["option"], w) for b, w in ballots)
        )
        result["threshold"] = format_fraction(threshold)
        result["totals"] = _strings(totals)
        outcome = option_methods.single_choice_outcome(totals, threshold) if quorum_met else ""
        result["winners"] = option_methods.top(totals) if outcome in ("passed", "tie") else []
        result["outcome"] = outcome or "no_quorum"
        return result
    if method in ("approval", "score"):
        if method == "approval":
            totals = option_methods.approval_totals(
                options, ((b["approve"], w) for b, w in ballots)
            )
        else:
            totals = option_methods.score_totals(options, ((b["scores"], w) for b, w in ballots))
        winners = option_methods.top(totals)
        result["totals"] = _strings(totals)
        result["winners"] = winners
        result["outcome"] = _option_outcome(quorum_met, winners, tie=len(winners) > 1)
        return result
    raise BallotFileError(f'method: "{method}" is not one of {", ".join(METHODS)}')


def tally_stored_rankings(
    terms: Mapping[str, Any], stored: Iterable[tuple[int, bytes]]
) -> dict[str, Any] | None:
    """Count ranked ballots in their stored form: `stored` gives (weight, positions) pairs,
    `positions` holding end to end the rankings of the ballots of that weight (how many ballots
    a ballot counts for, with delegations) as `rankings.ranking_positions` stores them. No option
    name is read.

    The result is the one `tally_grouped` gives for the same ballots by name
    (`tests/governance/test_tally_stored.py`); None when a stored ranking is not a ranking of
    these options (a place given twice, a byte out of range) or a weight is not a whole number
    ≥ 1: then the caller counts the ballots by name, which names the fault as a file would.
    """
    method, opts, seats, eligible, quorum, _threshold = _terms(terms)
    if method not in RANKED_METHODS:
        raise BallotFileError(f'method: "{method}" is not a ranked method')
    table = rankings.stored_table(opts, stored)
    if table is None:
        return None
    return _ranked_result(method, opts, table, table.total(), eligible=eligible, quorum=quorum,
                          seats=seats)  # fmt: skip


def _head(method: str, eligible: int, turnout: Fraction, quorum: Fraction) -> dict[str, Any]:
    return {
        "method": method,
        "eligible": eligible,
        "turnout": format_fraction(turnout),
        "quorum": format_fraction(quorum),
    }


def _quorum_met(turnout: Fraction, quorum: Fraction, eligible: int) -> bool:
    return turnout >= quorum * eligible if eligible else quorum == 0


def _ranked_result(
    method: str,
    options: Sequence[str],
    groups: rankings.Rankings,
    turnout: Fraction,
    *,
    eligible: int,
    quorum: Fraction,
    seats: int,
) -> dict[str, Any]:
    """The result of a ranked count (Schulze, IRV, STV) of `groups`, by name or stored."""
    result = _head(method, eligible, turnout, quorum)
    quorum_met = _quorum_met(turnout, quorum, eligible)
    if method == "schulze":
        if isinstance(groups, rankings.RankingTable):
            voted = groups.voted(options)
        else:
            voted = any(ranking and weight for ranking, weight in groups.items())
        tiers = ranked.schulze_ranking(options, groups) if voted else [list(options)]
        result["ranking"] = tiers
        winners = tiers[0] if voted else []
        result["winners"] = winners
        result["outcome"] = _option_outcome(quorum_met, winners, tie=len(winners) > 1)
        return result
    if method == "irv":
        irv = ranked.instant_runoff(options, groups)
        result["rounds"] = [
            {"counts": _strings(r.counts), "exhausted": format_fraction(r.exhausted),
             "eliminated": r.eliminated}
            for r in irv.rounds
        ]  # fmt: skip
        winners = [irv.winner] if irv.winner else []
        result["winners"] = winners
        result["outcome"] = _option_outcome(quorum_met, winners, tie=irv.tie)
        return result
    if isinstance(groups, rankings.RankingTable):  # STV follows each ranking's names
        groups = groups.rankings(options)
    count = stv.single_transferable_vote(options, groups, seats)
    result["seats"] = seats
    result["quota"] = format_fraction(count.quota)
    result["winners"] = count.winners
    result["valid"] = format_fraction(count.valid)
    # Each stage totals the valid vote: votes + non-transferable (exhausted) + loss by fractions.
    result["stages"] = [
        {"action": s.action, "candidate": s.candidate, "votes": _strings(s.votes),
         "exhausted": format_fraction(s.exhausted),
         "fractions_lost": format_fraction(s.fractions_lost), "total": format_fraction(s.total),
         "elected": s.elected}
        for s in count.stages
    ]  # fmt: skip
    result["outcome"] = _option_outcome(quorum_met, count.winners, tie=count.tie)
    return result


def _option_outcome(quorum_met: bool, winners: Sequence[str], *, tie: bool) -> str:
    if not quorum_met:
        return "no_quorum"
    if tie:
        return "tie"
    return "passed" if winners else "rejected"

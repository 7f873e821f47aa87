"""Option methods without rankings: approval (most approvals wins), score (0–5 each) and single
choice (one option per ballot; the winner needs the threshold)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

MAX_SCORE = 5


def approval_totals(
    options: Sequence[str], ballots: Iterable[tuple[Sequence[str], Fraction | int]]
) -> dict[str, Fraction]:
    """Total approval weight per option."""
    totals = dict.fromkeys(options, Fraction(0))
    for approved, weight in ballots:
        for option in approved:
            totals[option] += weight
    return totals


def score_totals(
    options: Sequence[str], ballots: Iterable[tuple[Mapping[str, int], Fraction | int]]
) -> dict[str, Fraction]:
    """Total weighted score per option (a missing score is 0)."""
    totals = dict.fromkeys(options, Fraction(0))
    for scores, weight in ballots:
        for option, score in scores.items():
            totals[option] += score * weight
    return totals


def single_choice_totals(
    options: Sequence[str], ballots: Iterable[tuple[str | None, Fraction | int]]
) -> dict[str, Fraction]:
    """Total weight per option; a ballot without an option (an abstention) counts for none."""
    totals = dict.fromkeys(options, Fraction(0))
    for option, weight in ballots:
        if option is not None:
            totals[option] += weight
    return totals


def single_choice_outcome(totals: Mapping[str, Fraction], threshold: Fraction) -> str:
    """Single choice: the option with the most votes wins when its share of the votes given to
    an option (abstentions excluded, as a supermajority excludes them) is at least the
    threshold: "passed"; two or more level at the top: "tie"; nobody chose an option, or the
    leader falls short of the threshold: "rejected". A qualified majority among several options,
    as bylaws write it ("adopted when one option receives two thirds of the votes cast").
    """
    winners = top(totals)
    if len(winners) > 1:
        return "tie"
    if not winners:
        return "rejected"
    cast = sum(totals.values(), Fraction(0))
    return "passed" if totals[winners[0]] / cast >= threshold else "rejected"


def top(totals: Mapping[str, Fraction]) -> list[str]:
    """The options with the highest total, in option order; none when every total is zero."""
    best = max(totals.values(), default=Fraction(0))
    if best == 0:
        return []
    return [option for option, total in totals.items() if total == best]

"""Option methods without rankings: approval (most approvals wins) and score (0–5 each)."""

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


def top(totals: Mapping[str, Fraction]) -> list[str]:
    """The options with the highest total, in option order; none when every total is zero."""
    best = max(totals.values(), default=Fraction(0))
    if best == 0:
        return []
    return [option for option, total in totals.items() if total == best]

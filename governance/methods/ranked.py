"""Ranked single-winner methods: Schulze (with its full ranking) and instant-runoff (IRV)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

Ranking = tuple[str, ...]


def group_rankings(ballots: Iterable[tuple[Sequence[str], Fraction]]) -> Counter[Ranking]:
    """Total weight per distinct ranking: the methods loop over distinct rankings, not ballots."""
    groups: Counter[Ranking] = Counter()
    for ranking, weight in ballots:
        groups[tuple(ranking)] += weight  # type: ignore[assignment]
    return groups


def pairwise_preferences(options: Sequence[str], groups: Counter[Ranking]) -> list[list[Fraction]]:
    """d[i][j]: the weight of ballots ranking option i above option j.

    A ranked option is above every unranked one; unranked options are level with each other.
    """
    index = {option: i for i, option in enumerate(options)}
    n = len(options)
    d = [[Fraction(0)] * n for _ in range(n)]
    for ranking, weight in groups.items():
        if not weight:
            continue
        ranked = [index[option] for option in ranking]
        unranked = [i for i in range(n) if i not in set(ranked)]
        for position, i in enumerate(ranked):
            row = d[i]
            for j in ranked[position + 1 :]:
                row[j] += weight
            for j in unranked:
                row[j] += weight
    return d


def schulze_ranking(options: Sequence[str], groups: Counter[Ranking]) -> list[list[str]]:
    """The Schulze ranking as tiers, best first.

    Rule (Markus Schulze, "A new monotonic, clone-independent, reversal symmetric, and
    Condorcet-consistent single-winner election method", Social Choice and Welfare 36, 2011; the
    "Schulze method" article of Wikipedia): a direct link X→Y has strength d[X,Y] when
    d[X,Y] > d[Y,X] (winning votes), else 0; p[X,Y] is the strength of the strongest (widest)
    path from X to Y (Floyd–Warshall). X ranks above Y iff p[X,Y] > p[Y,X]. That relation is a
    strict partial order; each tier holds the options no remaining option beats, in option order.
    """
    n = len(options)
    d = pairwise_preferences(options, groups)
    p = [
        [d[i][j] if i != j and d[i][j] > d[j][i] else Fraction(0) for j in range(n)]
        for i in range(n)
    ]
    for k in range(n):
        for i in range(n):
            if i == k or not p[i][k]:
                continue
            for j in range(n):
                if j != i and j != k:
                    widest = min(p[i][k], p[k][j])
                    if widest > p[i][j]:
                        p[i][j] = widest
    remaining = list(range(n))
    tiers: list[list[str]] = []
    while remaining:
        tier = [i for i in remaining if not any(p[j][i] > p[i][j] for j in remaining if j != i)]
        tiers.append([options[i] for i in tier])
        remaining = [i for i in remaining if i not in tier]
    return tiers


@dataclass(frozen=True)
class IrvRound:
    counts: dict[str, Fraction]
    exhausted: Fraction
    eliminated: str | None


@dataclass(frozen=True)
class IrvResult:
    winner: str | None
    tie: bool
    rounds: list[IrvRound]


def instant_runoff(options: Sequence[str], groups: Counter[Ranking]) -> IrvResult:
    """Instant-runoff voting (the alternative vote), single winner.

    Each round, a ballot counts for its highest-ranked continuing option; ballots with none left
    are exhausted. An option with more than half of the continuing (non-exhausted) weight wins.
    Otherwise the option with the fewest votes is eliminated. Elimination ties are broken
    backwards: the tied option with fewer votes in the most recent earlier round where their
    counts differ is eliminated; if they were level in every round, the one listed last in the
    proposal's options goes. When the last two options are exactly level the result is a tie.
    """
    continuing = list(options)
    rounds: list[IrvRound] = []
    while continuing:
        counts = dict.fromkeys(continuing, Fraction(0))
        exhausted = Fraction(0)
        for ranking, weight in groups.items():
            choice = next((option for option in ranking if option in counts), None)
            if choice is None:
                exhausted += weight
            else:
                counts[choice] += weight
        total = sum(counts.values(), Fraction(0))
        if total == 0:
            rounds.append(IrvRound(counts, exhausted, None))
            return IrvResult(None, False, rounds)
        leader = max(continuing, key=lambda option: counts[option])
        if counts[leader] * 2 > total:
            rounds.append(IrvRound(counts, exhausted, None))
            return IrvResult(leader, False, rounds)
        if len(continuing) == 2:  # no majority between two: they are exactly level
            rounds.append(IrvRound(counts, exhausted, None))
            return IrvResult(None, True, rounds)
        fewest = min(counts.values())
        tied = [option for option in continuing if counts[option] == fewest]
        loser = _break_elimination_tie(tied, rounds, options)
        rounds.append(IrvRound(counts, exhausted, loser))
        continuing.remove(loser)
    return IrvResult(None, False, rounds)


def _break_elimination_tie(tied: list[str], rounds: list[IrvRound], options: Sequence[str]) -> str:
    candidates = list(tied)
    for earlier in reversed(rounds):
        if len(candidates) == 1:
            break
        lowest = min(earlier.counts.get(option, Fraction(0)) for option in candidates)
        narrowed = [o for o in candidates if earlier.counts.get(o, Fraction(0)) == lowest]
        candidates = narrowed
    return max(candidates, key=options.index)

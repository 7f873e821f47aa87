"""Ranked single-winner methods: Schulze (with its full ranking) and instant-runoff (IRV).

Both count distinct rankings, not ballots, and do the per-ranking work with NumPy on integers:
every weight is scaled by the common denominator of all weights, so the sums are exact and the
results are the same Fractions the plain loops give (`tests/governance/test_tally_fast.py`
checks that against a per-ballot reference). When the scaled weights could overflow 64-bit
integers the plain Fraction loops are used instead. The rankings come as
`governance.methods.rankings` groups them: a Counter of option names, or a `RankingTable` read
straight from the places that ranked ballots store, without a name decoded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from governance.methods.rankings import Ranking, Rankings, as_table


def pairwise_preferences(options: Sequence[str], groups: Rankings) -> list[list[Fraction]]:
    """d[i][j]: the weight of ballots ranking option i above option j.

    A ranked option is above every unranked one; unranked options are level with each other.
    """
    table = as_table(options, groups)
    if table is None:
        assert isinstance(groups, Counter)  # a table is its own table
        return _pairwise_by_loops(options, groups)
    n = len(options)
    d = [[Fraction(0)] * n for _ in range(n)]
    by_option = np.ascontiguousarray(table.positions.T)  # each option's places, contiguous
    for i in range(n):
        above = by_option[i] < by_option  # above[j, k]: ranking k puts i above j
        row = np.einsum("jk,k->j", above, table.weights)  # exact: int64, no float on the way
        d[i] = [table.fraction(value) for value in row.tolist()]
    return d


def _pairwise_by_loops(options: Sequence[str], groups: Counter[Ranking]) -> list[list[Fraction]]:
    """The same matrix with Fraction loops over distinct rankings (for huge denominators)."""
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


def schulze_ranking(options: Sequence[str], groups: Rankings) -> list[list[str]]:
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


def instant_runoff(options: Sequence[str], groups: Rankings) -> IrvResult:
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
    count_round = _round_counter(options, groups)
    while continuing:
        counts, exhausted = count_round(continuing)
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


def _round_counter(options: Sequence[str], groups: Rankings):
    """A function giving, for the continuing options, each one's votes and the exhausted weight:
    each ranking counts for its highest-ranked continuing option."""
    table = as_table(options, groups)
    n = len(options)
    if table is None:
        assert isinstance(groups, Counter)  # a table is its own table
        return _round_counter_by_loops(groups)

    index = {option: i for i, option in enumerate(options)}
    by_option = np.ascontiguousarray(table.positions.T)  # each option's places, contiguous
    # Each ranking's current choice (n: exhausted) and the options continuing then: a round
    # after an elimination recomputes only the rankings whose choice was eliminated.
    last: dict[str, Any] = {}

    def by_table(continuing: list[str]) -> tuple[dict[str, Fraction], Fraction]:
        out = np.ones(n + 1, dtype=bool)  # out[n] (exhausted) is False: it stays exhausted
        out[[index[option] for option in continuing]] = False
        out[n] = False
        rows: slice | np.ndarray
        if last and last["continuing"] >= set(continuing):
            choice = last["choice"].copy()
            rows = np.flatnonzero(out[choice])
            places = by_option[:, rows]
        else:
            choice = np.full(len(table.weights), n, dtype=np.intp)
            rows = slice(None)
            places = by_option
        # The highest-ranked continuing option, if any (ranked places differ: no ties but n).
        best = np.full(places.shape[1], n, dtype=np.intp)
        best_place = np.full(places.shape[1], n, dtype=places.dtype)
        for i in (index[option] for option in continuing):
            np.putmask(best, places[i] < best_place, i)
            np.minimum(best_place, places[i], out=best_place)
        choice[rows] = best
        last.update(continuing=set(continuing), choice=choice)
        sums = np.zeros(n + 1, dtype=np.int64)
        np.add.at(sums, choice, table.weights)
        counts = {option: table.fraction(sums[index[option]]) for option in continuing}
        return counts, table.fraction(sums[n])

    return by_table


def _round_counter_by_loops(groups: Counter[Ranking]):
    """`_round_counter` with Fraction loops over distinct rankings (for huge denominators)."""

    def by_loops(continuing: list[str]) -> tuple[dict[str, Fraction], Fraction]:
        counts = dict.fromkeys(continuing, Fraction(0))
        exhausted = Fraction(0)
        for ranking, weight in groups.items():
            choice = next((option for option in ranking if option in counts), None)
            if choice is None:
                exhausted += weight
            else:
                counts[choice] += weight
        return counts, exhausted

    return by_loops


def _break_elimination_tie(tied: list[str], rounds: list[IrvRound], options: Sequence[str]) -> str:
    candidates = list(tied)
    for earlier in reversed(rounds):
        if len(candidates) == 1:
            break
        lowest = min(earlier.counts.get(option, Fraction(0)) for option in candidates)
        narrowed = [o for o in candidates if earlier.counts.get(o, Fraction(0)) == lowest]
        candidates = narrowed
    return max(candidates, key=options.index)

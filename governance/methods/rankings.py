"""Ranked ballots as the counts read them: distinct rankings with their total weight.

A `Counter` of option-name tuples (`group_rankings`, `count_rankings`), or a `RankingTable`,
integer NumPy arrays of each option's place in each ranking with weights scaled by their
common denominator, read straight from the places that ranked ballots store
(`ranking_positions`, `stored_table`) without a name decoded. `as_table` turns the one into
the other for the methods in `governance.methods.ranked`.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from operator import attrgetter, itemgetter
from typing import Any

import numpy as np

Ranking = tuple[str, ...]

# The scaled weights' total must stay clear of int64's 2**63: sums are taken in int64.
_INT64_ROOM = 2**62


def group_rankings(ballots: Iterable[tuple[Sequence[str], Fraction | int]]) -> Counter[Ranking]:
    """Total weight per distinct ranking, from (ranking, weight) pairs: see `count_rankings`."""
    pairs = list(ballots)
    return count_rankings(map(itemgetter(0), pairs), list(map(itemgetter(1), pairs)))


def count_rankings(
    rankings: Iterable[Sequence[str]], weights: Sequence[Fraction | int]
) -> Counter[Ranking]:
    """Total weight per distinct ranking (`rankings[k]` weighs `weights[k]`): the methods loop
    over distinct rankings, not ballots.

    Exact weights: plain ints when every ballot weighs 1 (then this is a Counter of rankings),
    Fractions otherwise. Every step over the ballots is C-level iteration (`map`, `Counter`,
    `set`, `list.count`); Fraction arithmetic happens once per distinct (ranking, weight), not
    per ballot. The pairs are never built as a list: 50,000 retained tuples set off the cyclic
    garbage collector over every ballot object, which cost more than the count itself.
    """
    weights = weights if isinstance(weights, list) else list(weights)
    numerator, denominator = _PUBLIC_PARTS
    shared = _one_object(weights)
    if not shared and set(map(type, weights)) == {int}:
        return _whole_weights(rankings, weights)
    if not shared:
        numerator, denominator = _parts(weights)
    if shared or _all_one(weights, numerator, denominator):  # count the rankings alone
        groups = Counter(map(tuple, rankings))
        if groups.total() != len(weights):
            raise ValueError("count_rankings: as many weights as rankings are needed")
        if weights and weights[0] != 1:  # one weight, shared by every ballot
            for ranking, times in groups.items():
                groups[ranking] = weights[0] * times
        return groups
    counted = Counter(
        zip(
            map(tuple, rankings),
            map(numerator, weights),
            map(denominator, weights),
            strict=True,
        )
    )
    weighted: Counter[Ranking] = Counter()
    for (ranking, top, bottom), times in counted.items():
        weight = Fraction(top * times, bottom)
        weighted[ranking] = weighted[ranking] + weight if ranking in weighted else weight  # type: ignore[assignment]
    return weighted


def _whole_weights(rankings: Iterable[Sequence[str]], weights: list[int]) -> Counter[Ranking]:
    """Whole weights (grouped ballots: each distinct ranking with its count) summed as ints, with
    no Fraction made per ranking."""
    totals: dict[Ranking, int] = {}
    get = totals.get
    for ranking, weight in zip(map(tuple, rankings), weights, strict=True):
        totals[ranking] = get(ranking, 0) + weight
    return Counter(totals)


# Fraction.numerator is a Python-level property; its slots are read by C-level attrgetters, which
# halves the cost of reading 50,000 weights. The public properties serve any other number type.
_PUBLIC_PARTS = (attrgetter("numerator"), attrgetter("denominator"))
_FRACTION_PARTS = (
    (attrgetter("_numerator"), attrgetter("_denominator"))
    if {"_numerator", "_denominator"} <= set(getattr(Fraction, "__slots__", ()))
    else _PUBLIC_PARTS
)


def _parts(weights: Sequence[object]) -> tuple[attrgetter, attrgetter]:
    """The fastest exact getters of every weight's numerator and denominator."""
    return _FRACTION_PARTS if set(map(type, weights)) == {Fraction} else _PUBLIC_PARTS


def _one_object(weights: list[object]) -> bool:
    """Whether every weight is the very same object (as `tally_ballot_file` hands the default
    weight). `list.count` compares identity first, in C: 50,000 weights in a fraction of a
    millisecond, where reading each Fraction's numerator takes milliseconds."""
    return not weights or (weights[0] is weights[-1] and weights.count(weights[0]) == len(weights))


def _all_one(weights: Sequence[object], numerator: attrgetter, denominator: attrgetter) -> bool:
    return set(map(numerator, weights)) <= {1} and set(map(denominator, weights)) <= {1}


@dataclass(frozen=True)
class RankingTable:
    """Rankings as a matrix: `positions[k, i]` is where ranking k puts option i (0 is first;
    `len(options)` for an unranked option, level with the other unranked ones), and
    `weights[k]` is its weight times `denominator`, an exact integer. The methods count a table
    or a Counter of rankings alike."""

    positions: np.ndarray
    weights: np.ndarray
    denominator: int

    def fraction(self, scaled: int) -> Fraction:
        return Fraction(int(scaled), self.denominator)

    def rankings(self, options: Sequence[str]) -> Counter[Ranking]:
        """The table's rankings by option name, each with its weight (as `count_rankings` gives
        them): for the counts that follow each ranking, STV's parcels."""
        n = len(options)
        order = np.argsort(self.positions, axis=1, kind="stable").tolist()
        lengths = (self.positions < n).sum(axis=1).tolist()
        rankings = [
            tuple(options[i] for i in row[:length])
            for row, length in zip(order, lengths, strict=True)
        ]
        weights: list[Any] = self.weights.tolist()
        if self.denominator != 1:
            weights = [self.fraction(scaled) for scaled in weights]
        # Distinct rows are distinct rankings: each is one key.
        return Counter(dict(zip(rankings, weights, strict=True)))

    def total(self) -> Fraction:
        """The weight of every ranking, the empty ones included (the turnout)."""
        return self.fraction(int(self.weights.sum()))

    def voted(self, options: Sequence[str]) -> bool:
        """Whether a ranking of non-zero weight ranks any option."""
        return bool((self.weights[(self.positions < len(options)).any(axis=1)] != 0).any())


# A stored ranking gives each option its place in one byte: up to 255 options (a proposal has 100
# at most, governance/limits.py).
_MOST_STORED_OPTIONS = 255


def ranking_positions(options: Sequence[str], ranking: Sequence[object]) -> bytes | None:
    """The stored form of a ranking, which the count reads instead of its option names: byte i
    is the place the ranking gives `options[i]` (0 is first), or `len(options)` when it leaves
    that option unranked. None when it is not a ranking of these options (a name that is not
    one of them, or one ranked twice) or there are more options than a byte can place."""
    n = len(options)
    if n > _MOST_STORED_OPTIONS:
        return None
    index = {option: i for i, option in enumerate(options)}
    places = bytearray([n] * n)
    for place, option in enumerate(ranking):
        i = index.get(option) if isinstance(option, str) else None
        if i is None or places[i] != n:
            return None
        places[i] = place
    return bytes(places)


def stored_table(
    options: Sequence[str], stored: Iterable[tuple[int, bytes]]
) -> RankingTable | None:
    """The table of stored rankings: `stored` gives (weight, positions) pairs, `positions`
    holding end to end the rankings (`ranking_positions`, `len(options)` bytes each) of ballots
    that each weigh `weight`, a whole number ≥ 1. Equal rankings become one row.

    None when a row is not such a ranking (a place given twice or skipped, a byte out of range)
    or a weight is not a whole number ≥ 1: the caller then counts the ballots by name, which
    names what is wrong. No option name is read: that is what makes this the fast way in.
    """
    n = len(options)
    if not 0 < n <= _MOST_STORED_OPTIONS:
        return None
    blobs, weights, counts = [], [], []
    for weight, positions in stored:
        if type(weight) is not int or weight < 1 or len(positions) % n:
            return None
        blobs.append(positions)
        weights.append(weight)
        counts.append(len(positions) // n)
    if sum(map(operator.mul, weights, counts)) >= _INT64_ROOM:
        return None
    matrix = np.frombuffer(b"".join(blobs), dtype=np.uint8).reshape(-1, n)
    if matrix.size and matrix.max() > n:
        return None
    rows, sums = _distinct_rows(matrix, n, weights, counts)
    if not _rankings(rows, n).all():
        return None
    return RankingTable(rows.astype(_position_type(n)), sums, denominator=1)


# Rows of places 0 … n read as numbers in base n + 1 fit in int64 up to 15 options.
_MOST_OPTIONS_AS_NUMBERS = 15


def _distinct_rows(
    matrix: np.ndarray, n: int, weights: list[int], counts: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a matrix of places 0 … n, and each one's total weight: the first
    `counts[0]` rows weigh `weights[0]` each, the next `counts[1]` rows `weights[1]`, and so on.

    Up to 15 options each row is read as one number in base n + 1, so that the grouping is one
    sort of integers and the rows are read back from the distinct numbers; wider rows are
    compared whole (slower).
    """
    if n > _MOST_OPTIONS_AS_NUMBERS:
        rows, inverse, times = np.unique(matrix, axis=0, return_inverse=True, return_counts=True)
    else:
        powers = np.int64(n + 1) ** np.arange(n, dtype=np.int64)
        numbers = matrix.astype(np.int64) @ powers
        _, inverse, times = np.unique(numbers, return_inverse=True, return_counts=True)
        first = np.empty(len(times), dtype=np.intp)
        first[inverse] = np.arange(len(numbers))  # a row of each number (any: they are equal)
        rows = matrix[first]
    if len(weights) == 1:  # every ballot weighs the same: count each row
        return rows, times.astype(np.int64) * weights[0]
    sums = np.zeros(len(rows), dtype=np.int64)
    np.add.at(sums, inverse.reshape(-1), np.repeat(np.array(weights, dtype=np.int64), counts))
    return rows, sums


def _rankings(rows: np.ndarray, n: int) -> np.ndarray:
    """Whether each row of places is a ranking: the r options it ranks have the places
    0 … r-1, once each, and every other option has n."""
    by_option = np.ascontiguousarray(rows.T)  # sums over options run along whole rows: fast
    ranked = by_option < n
    if n <= _MOST_OPTIONS_AS_NUMBERS:  # the ranked places as bits: exactly the r lowest are set
        bits = np.left_shift(ranked, by_option, dtype=np.int32).sum(axis=0, dtype=np.int32)
        return bits == np.left_shift(1, ranked.sum(axis=0, dtype=np.int32)) - 1
    ordered = np.sort(rows, axis=1)
    return ((ordered == np.arange(n)) | (ordered == n)).all(axis=1)


def _position_type(n: int) -> type[np.signedinteger]:
    return np.int8 if n < 2**7 else np.int16 if n < 2**15 else np.int64


Rankings = Counter[Ranking] | RankingTable


def as_table(options: Sequence[str], groups: Rankings) -> RankingTable | None:
    """The rankings of non-zero weight as a `RankingTable`, or None when int64 could overflow."""
    if isinstance(groups, RankingTable):
        return groups
    rankings = list(groups)
    values = list(groups.values())
    numerator, denominator_of = _parts(values)
    scaled = list(map(numerator, values))
    denominators = set(map(denominator_of, values))
    denominator = math.lcm(*denominators)
    if denominator != 1:
        scaled = [
            n * (denominator // d) for n, d in zip(scaled, map(denominator_of, values), strict=True)
        ]
    if 0 in scaled:  # a ranking of zero weight takes no part in the count
        kept = [k for k, weight in enumerate(scaled) if weight]
        rankings = [rankings[k] for k in kept]
        scaled = [scaled[k] for k in kept]
    if sum(map(abs, scaled)) >= _INT64_ROOM:
        return None
    n, count = len(options), len(rankings)
    index = {option: i for i, option in enumerate(options)}
    lengths = np.fromiter(map(len, rankings), dtype=np.intp, count=count)
    flat = np.fromiter(
        map(index.__getitem__, itertools.chain.from_iterable(rankings)),
        dtype=np.intp,
        count=int(lengths.sum()),
    )
    dtype = _position_type(n)
    positions = np.full((count, n), n, dtype=dtype)
    if count and lengths.min() == lengths.max():  # rankings of one length: a rectangular array
        length = int(lengths[0])
        places = np.broadcast_to(np.arange(length, dtype=dtype), (count, length))
        np.put_along_axis(positions, flat.reshape(count, length), places, axis=1)
    else:  # ranking k's option i is cell k * n + i of the flattened matrix
        starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
        rows = np.repeat(np.arange(0, count * n, n), lengths)
        positions.ravel()[rows + flat] = np.arange(len(flat)) - starts
    return RankingTable(positions, np.array(scaled, dtype=np.int64), denominator)

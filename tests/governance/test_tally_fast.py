"""The NumPy counts of Schulze and IRV against plain per-ballot references on random ballots."""

from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.methods import tally, tally_ballot_file
from governance.methods.exact import format_fraction
from governance.methods.ranked import (
    _pairwise_by_loops,
    instant_runoff,
    pairwise_preferences,
    schulze_ranking,
)
from governance.methods.rankings import count_rankings, group_rankings

NAMES = ["A", "B", "C", "D", "E", "F"]
WEIGHTS = [Fraction(1), Fraction(1), Fraction(2), Fraction(1, 2), Fraction(2, 3), Fraction(7, 5)]
SMALL_WEIGHTS = st.sampled_from(WEIGHTS)
# Common denominators beyond 2**62: the counts must leave NumPy's int64 for exact Fractions.
HUGE_WEIGHTS = st.sampled_from([Fraction(1, 2**61 - 1), Fraction(1, 2**31 - 1), Fraction(3)])


@st.composite
def elections(draw, weights=SMALL_WEIGHTS, complete=False):
    """Options, and ballots ranking some of them (partial, empty and repeated rankings), or all
    of them when `complete` (rankings of one length take another path through the table)."""
    options = NAMES[: draw(st.integers(2, 6))]
    ranking = st.permutations(options).flatmap(
        lambda order: st.integers(len(order) if complete else 0, len(order)).map(
            lambda k: list(order[:k])
        )
    )
    ballots = draw(st.lists(st.tuples(ranking, weights), max_size=30))
    # Copies of a few ballots make level counts (ties) far more likely than chance would.
    copies = draw(st.lists(st.sampled_from(ballots), max_size=10)) if ballots else []
    return options, ballots + copies


def reference_pairwise(options, ballots):
    """d[x][y]: per ballot, the weight if it ranks x above y (ranked beats unranked)."""
    d = {x: dict.fromkeys(options, Fraction(0)) for x in options}
    for ranking, weight in ballots:
        place = {option: ranking.index(option) if option in ranking else len(options)
                 for option in options}  # fmt: skip
        for x in options:
            for y in options:
                if place[x] < place[y]:
                    d[x][y] += weight
    return [[d[x][y] for y in options] for x in options]


def reference_schulze(options, ballots):
    """Widest paths over winning-votes links, then tiers of unbeaten options, in option order."""
    d = reference_pairwise(options, ballots)
    n = len(options)
    p = [[d[i][j] if i != j and d[i][j] > d[j][i] else Fraction(0) for j in range(n)]
         for i in range(n)]  # fmt: skip
    for k in range(n):
        for i in range(n):
            for j in range(n):
                if len({i, j, k}) == 3:
                    p[i][j] = max(p[i][j], min(p[i][k], p[k][j]))
    remaining, tiers = list(range(n)), []
    while remaining:
        tier = [i for i in remaining if all(p[j][i] <= p[i][j] for j in remaining)]
        tiers.append([options[i] for i in tier])
        remaining = [i for i in remaining if i not in tier]
    return tiers


def reference_irv(options, ballots):
    """Per ballot, each round: (counts, exhausted, eliminated) and the winner or a tie."""
    continuing, rounds = list(options), []
    while continuing:
        counts = dict.fromkeys(continuing, Fraction(0))
        exhausted = Fraction(0)
        for ranking, weight in ballots:
            live = [option for option in ranking if option in counts]
            if live:
                counts[live[0]] += weight
            else:
                exhausted += weight
        total = sum(counts.values())
        if total == 0:
            return None, False, [*rounds, (counts, exhausted, None)]
        leader = max(continuing, key=lambda option: counts[option])
        if counts[leader] * 2 > total:
            return leader, False, [*rounds, (counts, exhausted, None)]
        if len(continuing) == 2:
            return None, True, [*rounds, (counts, exhausted, None)]
        fewest = min(counts.values())
        tied = [option for option in continuing if counts[option] == fewest]
        for earlier, _, _ in reversed(rounds):
            if len(tied) == 1:
                break
            low = min(earlier.get(option, 0) for option in tied)
            tied = [option for option in tied if earlier.get(option, 0) == low]
        loser = max(tied, key=options.index)
        rounds.append((counts, exhausted, loser))
        continuing.remove(loser)
    return None, False, rounds


@settings(max_examples=300, deadline=None)
@given(elections())
def test_pairwise_matrix_matches_per_ballot_reference(election):
    options, ballots = election
    groups = group_rankings(ballots)
    assert pairwise_preferences(options, groups) == reference_pairwise(options, ballots)


@settings(max_examples=300, deadline=None)
@given(elections())
def test_schulze_matches_reference(election):
    options, ballots = election
    voted = any(ranking for ranking, _ in ballots)
    expected = reference_schulze(options, ballots) if voted else [list(options)]
    result = tally(
        "schulze", options, [({"ranking": r}, w) for r, w in ballots], eligible=len(ballots),
        quorum=Fraction(0),
    )  # fmt: skip
    assert result["ranking"] == expected
    assert schulze_ranking(options, group_rankings(ballots)) == reference_schulze(options, ballots)


@settings(max_examples=200, deadline=None)
@given(elections(complete=True))
def test_complete_rankings_match_reference(election):
    options, ballots = election
    groups = group_rankings(ballots)
    assert pairwise_preferences(options, groups) == reference_pairwise(options, ballots)
    winner, tie, rounds = reference_irv(options, ballots)
    result = instant_runoff(options, groups)
    assert (result.winner, result.tie) == (winner, tie)
    assert [(r.counts, r.exhausted, r.eliminated) for r in result.rounds] == rounds


@settings(max_examples=200, deadline=None)
@given(elections(), st.sampled_from(["schulze", "irv", "stv"]))
def test_ranked_turnout_is_every_ballots_weight(election, method):
    """The ranked methods take the turnout from the groups: it must be the per-ballot sum."""
    options, ballots = election
    result = tally(
        method, options, [({"ranking": r}, w) for r, w in ballots], eligible=len(ballots),
        quorum=Fraction(1, 2), seats=1,
    )  # fmt: skip
    assert result["turnout"] == format_fraction(sum((w for _, w in ballots), Fraction(0)))


@settings(max_examples=300, deadline=None)
@given(elections())
def test_irv_matches_reference(election):
    options, ballots = election
    winner, tie, rounds = reference_irv(options, ballots)
    result = instant_runoff(options, group_rankings(ballots))
    assert (result.winner, result.tie) == (winner, tie)
    assert [(r.counts, r.exhausted, r.eliminated) for r in result.rounds] == rounds


@settings(max_examples=100, deadline=None)
@given(elections(weights=HUGE_WEIGHTS))
def test_huge_denominators_fall_back_to_exact_loops(election):
    """Weights whose common denominator overflows int64 still count exactly."""
    options, ballots = election
    ballots = [(ranking, Fraction(weight)) for ranking, weight in ballots]
    groups = group_rankings(ballots)
    assert pairwise_preferences(options, groups) == _pairwise_by_loops(options, groups)
    assert pairwise_preferences(options, groups) == reference_pairwise(options, ballots)
    winner, tie, rounds = reference_irv(options, ballots)
    result = instant_runoff(options, groups)
    assert (result.winner, result.tie) == (winner, tie)
    assert [(r.counts, r.exhausted, r.eliminated) for r in result.rounds] == rounds


def test_group_rankings_sums_whole_and_fractional_weights():
    groups = group_rankings(
        [(["A", "B"], Fraction(1)), (["A", "B"], Fraction(1, 2)), (["B"], Fraction(2)),
         (("A", "B"), Fraction(1))]
    )  # fmt: skip
    assert groups == Counter({("A", "B"): Fraction(5, 2), ("B",): Fraction(2)})
    assert group_rankings([(["A"], Fraction(1)), (("A",), Fraction(1)), ([], Fraction(1))]) == {
        ("A",): 2,
        (): 1,
    }


def test_count_rankings_takes_ints_mixed_numbers_and_zero_weights():
    assert count_rankings([["A"], ("A",), ["B"]], [1, 1, 1]) == {("A",): 2, ("B",): 1}
    groups = count_rankings([["A"], ["A"], ["B"], ["C"]], [1, Fraction(1, 2), 2, Fraction(0)])
    assert groups == {("A",): Fraction(3, 2), ("B",): 2, ("C",): 0}
    assert pairwise_preferences(["A", "B", "C"], groups) == reference_pairwise(
        ["A", "B", "C"], [(["A"], Fraction(3, 2)), (["B"], Fraction(2))]
    )
    assert count_rankings([], []) == Counter()


def test_count_rankings_refuses_a_weight_per_ranking_missing():
    with pytest.raises(ValueError, match="as many weights as rankings"):
        count_rankings([["A"], ["B"]], [Fraction(1)])
    with pytest.raises(ValueError):
        count_rankings([["A"], ["B"]], [Fraction(1), Fraction(1, 2), Fraction(1)])


def test_count_rankings_with_one_shared_weight_object():
    """Every ballot weighing the very same object is counted once per ranking, then scaled."""
    two_thirds = Fraction(2, 3)
    groups = count_rankings([["A"], ["A", "B"], ("A",)], [two_thirds] * 3)
    assert groups == {("A",): Fraction(4, 3), ("A", "B"): Fraction(2, 3)}
    one = Fraction(1)
    assert count_rankings([["B"], ["B"]], [one, one]) == {("B",): 2}


def test_ballot_file_counts_default_and_written_weights_alike():
    ballots = [{"ranking": ["A", "B"]}, {"ranking": ["B"], "weight": "1"}, {"ranking": ["B"]},
               {"ranking": ["A"], "weight": "3/2"}]  # fmt: skip
    result = tally_ballot_file(
        {"method": "irv", "options": ["A", "B"], "eligible": 4, "quorum": "1/2",
         "ballots": ballots}
    )  # fmt: skip
    assert result["turnout"] == "9/2"
    assert result["rounds"][0]["counts"] == {"A": "5/2", "B": "2"}
    assert result["winners"] == ["A"]

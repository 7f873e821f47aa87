"""The pure tallies: published examples, every rule's edges, properties, and an oracle."""

from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.methods import BallotFileError, parse_fraction, tally, tally_ballot_file
from governance.methods.delegation import resolve_delegations
from governance.methods.exact import format_fraction
from governance.methods.ranked import instant_runoff, schulze_ranking
from governance.methods.rankings import group_rankings
from governance.methods.stv import single_transferable_vote

ONE = Fraction(1)


def ranked(groups: dict[str, int]) -> list[tuple[dict, Fraction]]:
    """`{"ACB": 5}` → five ballots ranking A, C, B."""
    return [({"ranking": list(order)}, ONE) for order, n in groups.items() for _ in range(n)]


def choices(**counts: int) -> list[tuple[dict, Fraction]]:
    return [({"choice": c}, ONE) for c, n in counts.items() for _ in range(n)]


def run(method, options, ballots, eligible=None, quorum="0", threshold="1/2", seats=1):
    eligible = len(ballots) if eligible is None else eligible
    return tally(
        method, options, ballots, eligible=eligible, quorum=Fraction(quorum),
        threshold=Fraction(threshold), seats=seats,
    )  # fmt: skip


# Published examples ---------------------------------------------------------------------------

WIKIPEDIA_SCHULZE = {
    "ACBED": 5, "ADECB": 5, "BEDAC": 8, "CABED": 3, "CAEBD": 7, "CBADE": 2, "DCEBA": 7,
    "EBADC": 8,
}  # fmt: skip


def test_schulze_wikipedia_example():
    """Wikipedia, "Schulze method", 45 voters and 5 candidates: E > A > C > B > D."""
    result = run("schulze", list("ABCDE"), ranked(WIKIPEDIA_SCHULZE))
    assert result["ranking"] == [["E"], ["A"], ["C"], ["B"], ["D"]]
    assert (result["winners"], result["outcome"]) == (["E"], "passed")


def test_irv_tennessee_capital():
    """Wikipedia, "Instant-runoff voting": Memphis 42, Nashville 26, Chattanooga 15, Knoxville 17.

    Round 1 eliminates Chattanooga (15) → Knoxville 32; round 2 eliminates Nashville (26) →
    Knoxville 58 of 100 wins.
    """
    ballots = ranked({"MNCK": 42, "NCKM": 26, "CKNM": 15, "KCNM": 17})
    result = run("irv", list("MNCK"), ballots)
    assert result["winners"] == ["K"]
    assert [r["eliminated"] for r in result["rounds"]] == ["C", "N", None]
    assert result["rounds"][-1]["counts"] == {"M": "42", "K": "58"}


def test_stv_wikipedia_food_election():
    """Wikipedia, "Single transferable vote": 20 voters, 3 seats, Droop quota 6.

    Chocolate has 12: elected, surplus 6 passes on at value 1/2 (Strawberries 4 + 1 = 5,
    Hamburgers 2 + 1 = 3). Nobody reaches 6: Pears (2) is excluded and Oranges reaches 6.
    Hamburgers (3) is excluded; Strawberries is the only one left for the last seat.
    """
    ballots = ranked({"O": 4, "PO": 2, "CS": 8, "CH": 4, "S": 1, "H": 1})
    result = run("stv", list("OPCSH"), ballots, seats=3)
    assert result["quota"] == "6"
    assert result["winners"] == ["C", "O", "S"]
    assert result["outcome"] == "passed"


# Choice methods and quorum ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "counts", "threshold", "outcome"),
    [
        ("majority", {"agree": 3, "disagree": 2}, "1/2", "passed"),
        ("majority", {"agree": 3, "disagree": 2, "block": 1}, "1/2", "rejected"),  # a tie fails
        ("majority", {"agree": 1, "abstain": 9}, "1/2", "passed"),
        ("supermajority", {"agree": 2, "disagree": 1, "abstain": 5}, "2/3", "passed"),  # exactly
        ("supermajority", {"agree": 3, "disagree": 2}, "2/3", "rejected"),
        ("supermajority", {"agree": 3, "disagree": 1}, "0.75", "passed"),
        ("supermajority", {"abstain": 3}, "2/3", "rejected"),
        ("consensus", {"agree": 5, "abstain": 1}, "1/2", "passed"),
        ("consensus", {"agree": 5, "disagree": 1}, "1/2", "rejected"),
        ("consent", {"agree": 5, "disagree": 2}, "1/2", "passed"),
        ("consent", {"agree": 5, "block": 1}, "1/2", "rejected"),
        ("consent", {"abstain": 4}, "1/2", "rejected"),
    ],
)
def test_choice_methods(method, counts, threshold, outcome):
    ballots = [
        ({"choice": c, "reason": "no"} if c == "block" else {"choice": c}, ONE)
        for c, n in counts.items()
        for _ in range(n)
    ]
    assert run(method, [], ballots, threshold=threshold)["outcome"] == outcome


def test_weights_count():
    ballots = [({"choice": "agree"}, Fraction(3)), ({"choice": "disagree"}, ONE)]
    result = run("majority", [], ballots, eligible=4)
    assert result["counts"]["agree"] == "3" and result["turnout"] == "4"


@pytest.mark.parametrize(("cast", "outcome"), [(5, "passed"), (4, "no_quorum")])
def test_quorum_is_turnout_over_eligible_with_abstentions(cast, outcome):
    ballots = choices(agree=1, abstain=cast - 1)
    assert run("majority", [], ballots, eligible=10, quorum="1/2")["outcome"] == outcome


def test_no_eligible_members_is_no_quorum_unless_quorum_is_zero():
    assert run("majority", [], [], eligible=0, quorum="1/2")["outcome"] == "no_quorum"
    assert run("majority", [], [], eligible=0, quorum="0")["outcome"] == "rejected"


# Option methods --------------------------------------------------------------------------------


def test_approval_and_score():
    approvals = [({"approve": ["A", "B"]}, ONE), ({"approve": ["B"]}, ONE), ({"approve": []}, ONE)]
    result = run("approval", ["A", "B", "C"], approvals)
    assert (result["winners"], result["totals"]) == (["B"], {"A": "1", "B": "2", "C": "0"})
    scores = [({"scores": {"A": 5, "B": 3}}, ONE), ({"scores": {"B": 2}}, ONE)]
    assert run("score", ["A", "B"], scores)["outcome"] == "tie"
    assert run("score", ["A", "B"], [({"scores": {}}, ONE)])["outcome"] == "rejected"


def test_schulze_partial_rankings_and_ties():
    # Unranked options rank below ranked ones and level with each other.
    ballots = ranked({"A": 2, "B": 1})
    assert run("schulze", list("ABC"), ballots)["ranking"] == [["A"], ["B"], ["C"]]
    level = ranked({"AB": 1, "BA": 1})
    result = run("schulze", list("AB"), level)
    assert (result["ranking"], result["outcome"]) == ([["A", "B"]], "tie")


def test_irv_ties():
    assert run("irv", list("AB"), ranked({"A": 2, "B": 2}))["outcome"] == "tie"
    # C and B level in round 1; in no earlier round: the one listed last (C) goes.
    result = run("irv", list("ABC"), ranked({"A": 3, "BA": 2, "CB": 2}))
    assert result["rounds"][0]["eliminated"] == "C"


def test_irv_backwards_tie_break():
    # Round 1: D eliminated (1). Round 2: B and C level at 3; in round 1 B had 3, C had 2 → C.
    ballots = ranked({"A": 4, "B": 3, "C": 2, "DC": 1})
    result = run("irv", list("ABCD"), ballots)
    assert [r["eliminated"] for r in result["rounds"][:2]] == ["D", "C"]


# Ballot file -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"method": "borda"}, 'method: "borda" is not one of'),
        ({"quorum": "3/2"}, "quorum: must be between 0 and 1"),
        ({"quorum": 0.5}, "quorum: write it as a string"),
        ({"eligible": -1}, "eligible:"),
        ({"options": ["A", "A"]}, "options: an option is listed twice"),
        ({"ballots": [{"ranking": ["A", "Z"]}]}, 'ranking: "Z" is not one of the options'),
        ({"ballots": [{"ranking": ["A", "A"]}]}, "ballots[0].ranking: an option is ranked"),
        ({"ballots": [{"ranking": ["A"], "weight": "0"}]}, "ballots[0].weight: must be"),
        ({"ballots": [{"ranking": ["A"], "weight": 1.5}]}, "ballots[0].weight: write it"),
        ({"ballots": "none"}, "ballots: a list"),
    ],
)  # fmt: skip
def test_ballot_file_errors_name_the_field(change, message):
    document = {"method": "schulze", "options": ["A", "B"], "eligible": 3, "quorum": "1/2",
                "ballots": [], **change}  # fmt: skip
    with pytest.raises(BallotFileError) as error:
        tally_ballot_file(document)
    assert message in str(error.value)


def test_consent_block_needs_a_reason():
    document = {"method": "consent", "eligible": 1, "ballots": [{"choice": "block"}]}
    with pytest.raises(BallotFileError, match="ballots\\[0\\].reason: a block is a reasoned"):
        tally_ballot_file(document)


def test_ballot_file_equals_tally():
    document = {
        "method": "schulze", "options": list("ABCDE"), "eligible": 50, "quorum": "1/2",
        "ballots": [{"ranking": list(order), "member": f"m{i}"}
                    for i, (order, n) in enumerate(WIKIPEDIA_SCHULZE.items()) for _ in range(n)],
    }  # fmt: skip
    direct = run("schulze", list("ABCDE"), ranked(WIKIPEDIA_SCHULZE), eligible=50, quorum="1/2")
    assert tally_ballot_file(document) == direct


def test_fractions():
    assert parse_fraction("2/3") == Fraction(2, 3)
    assert parse_fraction("0.75") == Fraction(3, 4)
    assert format_fraction(Fraction(4, 6)) == "2/3" and format_fraction(Fraction(2)) == "2"
    for bad in ("1/0", "two", "-1/2", 0.5, True):
        with pytest.raises(ValueError):
            parse_fraction(bad)


# Delegation ------------------------------------------------------------------------------------


def test_delegation_chains_cycles_and_overrides():
    resolution = resolve_delegations(
        eligible={1, 2, 3, 4, 5, 6, 7},
        voted={3, 2},
        delegations={1: 2, 2: 9, 4: 1, 5: 6, 6: 5, 7: 8},  # 2 voted: its own delegation is void
    )
    assert resolution.weights == {2: 3, 3: 1}  # 1 → 2 and 4 → 1 → 2
    assert resolution.lost == {5, 6, 7}  # a cycle, and a chain ending at a non-voter
    assert resolution.carried_by == {1: 2, 4: 2}


@given(
    st.integers(min_value=1, max_value=30).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.sets(st.integers(0, n - 1)),
            st.dictionaries(st.integers(0, n - 1), st.integers(0, n - 1)),
        )
    )
)
def test_delegated_weight_never_exceeds_the_electorate(case):
    n, voted, delegations = case
    delegations = {k: v for k, v in delegations.items() if k != v}
    resolution = resolve_delegations(eligible=range(n), voted=voted, delegations=delegations)
    assert sum(resolution.weights.values()) + len(resolution.lost) == n
    assert set(resolution.weights) == voted


# Properties and an oracle ---------------------------------------------------------------------

OPTIONS = list("ABCD")
rankings = st.lists(
    st.permutations(OPTIONS).flatmap(lambda p: st.integers(0, 4).map(lambda k: list(p[:k]))),
    min_size=1,
    max_size=30,
)


def naive_schulze_winners(options, ballots):
    """A straightforward per-ballot Schulze (Wikipedia's pseudocode), used as an oracle."""
    d = {(x, y): 0 for x in options for y in options}
    for ranking in ballots:
        position = {o: i for i, o in enumerate(ranking)}
        for x in options:
            for y in options:
                if x != y and position.get(x, len(options)) < position.get(y, len(options)):
                    d[(x, y)] += 1
    p = {(x, y): d[(x, y)] if d[(x, y)] > d[(y, x)] else 0 for x in options for y in options}
    for i in options:
        for j in options:
            if i != j:
                for k in options:
                    if i != k and j != k:
                        p[(j, k)] = max(p[(j, k)], min(p[(j, i)], p[(i, k)]))
    return [x for x in options if all(p[(x, y)] >= p[(y, x)] for y in options if y != x)]


@settings(max_examples=150)
@given(rankings)
def test_schulze_matches_a_naive_implementation(ballots):
    tiers = schulze_ranking(OPTIONS, group_rankings((b, ONE) for b in ballots))
    assert tiers[0] == naive_schulze_winners(OPTIONS, ballots)


@settings(max_examples=100)
@given(rankings, st.randoms())
def test_ballot_order_does_not_matter(ballots, rnd):
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    for method in ("schulze", "irv", "stv"):
        seats = 2 if method == "stv" else 1
        a = run(method, OPTIONS, [({"ranking": b}, ONE) for b in ballots], seats=seats)
        b = run(method, OPTIONS, [({"ranking": b}, ONE) for b in shuffled], seats=seats)
        assert a == b


@settings(max_examples=150)
@given(rankings, st.sampled_from(OPTIONS))
def test_schulze_is_monotonic(ballots, x):
    """Raising the winner on a ballot (one place up) never makes it lose.

    Not to be confused with participation (adding a ballot that ranks x first), which Schulze
    does not promise: hypothesis found [A>C, B>A, B>A, C, C] + [A>B>C], where A wins alone
    before and ties with B after, because the new ballot turns A–B and B–C into ties.
    """
    before = schulze_ranking(OPTIONS, group_rankings((b, ONE) for b in ballots))
    if before[0] != [x]:
        return
    raised = [list(b) for b in ballots]
    for ballot in raised:
        if x in ballot and ballot.index(x) > 0:
            i = ballot.index(x)
            ballot[i - 1], ballot[i] = ballot[i], ballot[i - 1]
            break
    after = schulze_ranking(OPTIONS, group_rankings((tuple(b), ONE) for b in raised))
    assert after[0] == [x]


@settings(max_examples=150)
@given(rankings)
def test_a_condorcet_winner_wins_schulze(ballots):
    groups = group_rankings((b, ONE) for b in ballots)

    def beats(x, y):
        def above(r):
            return x in r and (y not in r or r.index(x) < r.index(y))

        return sum(above(b) for b in ballots) > sum(
            y in b and (x not in b or b.index(y) < b.index(x)) for b in ballots
        )

    condorcet = [x for x in OPTIONS if all(beats(x, y) for y in OPTIONS if y != x)]
    if condorcet:
        assert schulze_ranking(OPTIONS, groups)[0] == condorcet


@settings(max_examples=150)
@given(st.lists(st.permutations(OPTIONS), min_size=1, max_size=25))
def test_irv_agrees_with_pyrankvote_when_no_elimination_is_tied(ballots):
    import pyrankvote
    from pyrankvote import Ballot, Candidate

    result = instant_runoff(OPTIONS, Counter(tuple(b) for b in ballots))
    tied = any(
        r.eliminated and list(r.counts.values()).count(min(r.counts.values())) > 1
        for r in result.rounds
    )
    if tied or result.tie:
        return
    candidates = {o: Candidate(o) for o in OPTIONS}
    oracle = pyrankvote.instant_runoff_voting(
        list(candidates.values()),
        [Ballot(ranked_candidates=[candidates[o] for o in b]) for b in ballots],
    )
    assert [c.name for c in oracle.get_winners()] == [result.winner]


def test_stv_reports_a_tie_decided_by_option_order():
    result = single_transferable_vote(list("ABC"), Counter({("A",): 1, ("B",): 1, ("C",): 1}), 1)
    assert result.tie

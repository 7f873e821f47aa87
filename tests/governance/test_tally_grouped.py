"""The count of grouped ballots (what the server counts: a SQL GROUP BY of the ballots, with
their delegated weights) against the count of the published ballot file that lists each one."""

import json
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance import selectors, services
from governance.methods import BallotFileError, tally_ballot_file, tally_grouped
from governance.models import Ballot
from tests.factories import MemberFactory
from tests.governance.fixtures import close_on_time

OPTIONS = ["A", "B", "C", "D"]
CHOICES = ["agree", "abstain", "disagree", "block"]


def ballots_for(method):
    if method in ("schulze", "irv", "stv"):
        return st.permutations(OPTIONS).flatmap(
            lambda order: st.integers(0, len(order)).map(lambda k: {"ranking": list(order[:k])})
        )
    if method == "approval":
        return st.lists(st.sampled_from(OPTIONS), unique=True).map(
            lambda approved: {"approve": [o for o in OPTIONS if o in approved]}
        )
    return st.sampled_from(CHOICES[:3]).map(lambda choice: {"choice": choice})


@st.composite
def ballot_files(draw):
    method = draw(st.sampled_from(["schulze", "irv", "stv", "approval", "majority"]))
    ballots = draw(st.lists(ballots_for(method), max_size=25))
    ballots += draw(st.lists(st.sampled_from(ballots), max_size=15)) if ballots else []
    for ballot in ballots:  # a few delegated weights, as the published file writes them
        weight = draw(st.sampled_from([1, 1, 1, 2, 5]))
        if weight != 1:
            ballot["weight"] = str(weight)
    return {
        "method": method, "options": OPTIONS, "seats": 2 if method == "stv" else 1,
        "eligible": 40, "quorum": draw(st.sampled_from(["0", "1/2"])), "threshold": "1/2",
        "ballots": ballots,
    }  # fmt: skip


def grouped(document):
    """The file's ballots grouped as the database groups them: distinct content, total weight."""
    totals: dict[str, int] = {}
    for ballot in document["ballots"]:
        content = {key: value for key, value in ballot.items() if key != "weight"}
        key = json.dumps(content, sort_keys=True)
        totals[key] = totals.get(key, 0) + int(ballot.get("weight", "1"))
    return [(json.loads(key), weight) for key, weight in totals.items()]


@settings(max_examples=200, deadline=None)
@given(ballot_files(), st.randoms(use_true_random=False))
def test_grouped_count_is_the_count_of_the_file(document, rnd):
    groups = grouped(document)
    rnd.shuffle(groups)  # the database returns the groups in no particular order
    terms = {key: value for key, value in document.items() if key != "ballots"}
    assert tally_grouped(terms, groups) == tally_ballot_file(document)


def test_grouped_weights_are_whole_and_positive():
    terms = {"method": "majority", "options": [], "eligible": 3, "quorum": "0"}
    for weight in (0, -1, Fraction(1, 2), True):
        with pytest.raises(BallotFileError, match=r"ballots\[0\]\.weight"):
            tally_grouped(terms, [({"choice": "agree"}, weight)])
    with pytest.raises(BallotFileError, match=r"ballots\[1\]\.choice"):
        tally_grouped(terms, [({"choice": "agree"}, 1), ({"choice": "maybe"}, 2)])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "secret"), [("schulze", False), ("irv", False), ("stv", False), ("irv", True)]
)
def test_the_stored_result_is_the_count_of_the_published_file(
    cooperative, make_proposal, method, secret
):
    """30 members; ten delegate (some in chains, two in a cycle), twenty vote ranked ballots
    drawn from a handful, so that rankings repeat and delegated weights differ."""
    rnd = random.Random(21)
    members = [MemberFactory(cooperative=cooperative) for _ in range(30)]
    voters, delegators = members[:20], members[20:]
    if not secret:
        for k, member in enumerate(delegators[:8]):
            delegate = voters[k % 3] if k % 2 else delegators[k + 1]
            services.delegate_vote(actor=member, delegate=delegate)
        services.delegate_vote(actor=delegators[8], delegate=delegators[9])
        services.delegate_vote(actor=delegators[9], delegate=delegators[8])
    proposal = make_proposal(
        members[0], method=method, options=OPTIONS, seats=2 if method == "stv" else 1,
        secret=secret, allow_early_close=False,
    )  # fmt: skip
    rankings = [rnd.sample(OPTIONS, rnd.randint(1, 4)) for _ in range(5)]
    for voter in voters:
        ranking = rnd.choice(rankings)
        services.cast_vote(actor=voter, proposal=proposal, ballot={"ranking": ranking})
    if not secret:
        groups = selectors.grouped_ballots(proposal)
        assert len(groups) < Ballot.objects.filter(proposal=proposal).count()
        assert sum(weight for _content, weight in groups) > len(voters)  # delegated weight
        running = selectors.current_count(proposal)
        assert running == tally_ballot_file(selectors.ballot_file(proposal))
    close_on_time(proposal)
    proposal.refresh_from_db()
    assert proposal.tally["result"] == tally_ballot_file(proposal.tally["ballot_file"])
    assert len(proposal.tally["ballot_file"]["ballots"]) == len(voters)


@pytest.mark.parametrize(
    ("ranking", "message"),
    [
        (["A", "Z"], 'ranking: "Z" is not one of the options'),
        (["A", "A"], "ranking: an option is ranked twice"),
        (["A", ["B"]], "ranking: a list of options"),
        ("A", "ranking: a list of options"),
    ],
)
def test_a_bad_grouped_ranking_is_named(ranking, message):
    terms = {"method": "schulze", "options": OPTIONS, "eligible": 3, "quorum": "0"}
    groups = [({"ranking": ["B"]}, 2), ({"ranking": ranking}, 1)]
    with pytest.raises(BallotFileError, match=rf"^ballots\[1\]\.{message}"):
        tally_grouped(terms, groups)


def test_rankings_with_other_keys_are_normalized_as_in_a_file():
    terms = {"method": "irv", "options": OPTIONS, "eligible": 9, "quorum": "0"}
    groups = [({"ranking": ["B", "A"], "receipt": "x"}, 2), ({"ranking": ["A"]}, 3)]
    document = {**terms, "ballots": [{"ranking": ["B", "A"]}] * 2 + [{"ranking": ["A"]}] * 3}
    assert tally_grouped(terms, groups) == tally_ballot_file(document)


@given(st.lists(st.tuples(st.permutations(OPTIONS[:3]), st.integers(0, 4)), max_size=20))
def test_whole_weights_are_summed_as_the_fractions_would_be(pairs):
    from governance.methods.rankings import count_rankings

    rankings = [list(ranking) for ranking, _ in pairs]
    whole = count_rankings(rankings, [weight for _, weight in pairs])
    exact = count_rankings(rankings, [Fraction(weight, 1) + Fraction(0, 3) for _, weight in pairs])
    assert dict(whole) == dict(exact)
    assert all(type(weight) is int for weight in whole.values())

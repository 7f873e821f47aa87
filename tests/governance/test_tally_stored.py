"""The count of stored rankings (`Ballot.positions`: each option's place, one byte, read instead
of the option names) against the count of the published ballot file; the places written on
every write path (cast, change, secret ballots opened at the close, the migration's backfill);
and a ballot without readable places counted, or named, by its content as before."""

import datetime
import json
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from coop import clock
from governance import selectors, services
from governance.methods import BallotFileError, tally_ballot_file
from governance.methods.ballot_file import ballot_positions, tally_stored_rankings
from governance.methods.rankings import ranking_positions
from governance.models import Ballot, SecretBallot
from tests.factories import MemberFactory
from tests.governance.fixtures import close_on_time
from tests.migration_steps import latest_schema_after, migrate  # noqa: F401 (a fixture)

NAMES = [f"Option {n}" for n in range(20)]


@st.composite
def ranked_files(draw, most_options=7):
    """A ranked ballot file: partial rankings (empty ones too, options left unranked), copies of
    some ballots (level counts, ties), delegated weights as the published file writes them."""
    method = draw(st.sampled_from(["schulze", "irv", "stv"]))
    options = NAMES[: draw(st.integers(3 if method == "stv" else 2, most_options))]
    ranking = st.permutations(options).flatmap(
        lambda order: st.integers(0, len(order)).map(lambda k: list(order[:k]))
    )
    ballots = [{"ranking": r} for r in draw(st.lists(ranking, max_size=25))]
    ballots += draw(st.lists(st.sampled_from(ballots), max_size=15)) if ballots else []
    ballots = [dict(ballot) for ballot in ballots]
    for ballot in ballots:
        weight = draw(st.sampled_from([1, 1, 1, 2, 3, 7]))
        if weight != 1:
            ballot["weight"] = str(weight)
    return {
        "method": method, "options": options, "seats": 2 if method == "stv" else 1,
        "eligible": 40, "quorum": draw(st.sampled_from(["0", "1/2", "9/10"])),
        "threshold": "1/2", "ballots": ballots,
    }  # fmt: skip


def stored(document, rnd: random.Random) -> list[tuple[int, bytes]]:
    """The file's ballots as the database hands them over: per weight, the places of every ballot
    of that weight end to end, in no particular order."""
    by_weight: dict[int, list[bytes]] = {}
    ballots = list(document["ballots"])
    rnd.shuffle(ballots)
    for ballot in ballots:
        places = ballot_positions(document["method"], document["options"], ballot)
        by_weight.setdefault(int(ballot.get("weight", "1")), []).append(places)
    pairs = [(weight, b"".join(rows)) for weight, rows in by_weight.items()]
    rnd.shuffle(pairs)
    return pairs


def terms_of(document):
    return {key: value for key, value in document.items() if key != "ballots"}


@settings(max_examples=200, deadline=None)
@given(ranked_files(), st.randoms(use_true_random=False))
def test_the_stored_count_is_the_count_of_the_file(document, rnd):
    assert tally_stored_rankings(terms_of(document), stored(document, rnd)) == tally_ballot_file(
        document
    )


@pytest.mark.slow
@settings(max_examples=30, deadline=None)
@given(ranked_files(most_options=20).filter(lambda d: len(d["options"]) > 15), st.randoms())
def test_more_than_fifteen_options_are_grouped_whole_and_count_the_same(document, rnd):
    assert tally_stored_rankings(terms_of(document), stored(document, rnd)) == tally_ballot_file(
        document
    )


def test_no_ballot_counts_as_an_empty_file():
    document = {"method": "irv", "options": ["A", "B"], "eligible": 3, "quorum": "0",
                "ballots": []}  # fmt: skip
    assert tally_stored_rankings(terms_of(document), []) == tally_ballot_file(document)
    assert tally_stored_rankings(terms_of(document), [(1, b"")]) == tally_ballot_file(document)


def test_a_ranking_is_stored_as_each_option_s_place():
    options = ["A", "B", "C", "D"]
    assert ranking_positions(options, ["C", "A"]) == bytes([1, 4, 0, 4])
    assert ranking_positions(options, []) == bytes([4, 4, 4, 4])
    assert ranking_positions(options, ["D", "C", "B", "A"]) == bytes([3, 2, 1, 0])
    for not_a_ranking in (["A", "Z"], ["A", "A"], ["A", ["B"]], [1]):
        assert ranking_positions(options, not_a_ranking) is None
    assert ballot_positions("approval", options, {"approve": ["A"]}) is None
    assert ballot_positions("schulze", options, {"ranking": "A"}) is None


@pytest.mark.parametrize(
    ("rows", "weight"),
    [
        (bytes([0, 0, 4, 4]), 1),  # one place given twice
        (bytes([1, 4, 4, 4]), 1),  # the first place skipped
        (bytes([0, 2, 4, 4]), 1),  # a place skipped
        (bytes([0, 1, 2, 5]), 1),  # a byte beyond "unranked"
        (bytes([0, 1, 2]), 1),  # not a whole row
        (bytes([0, 1, 2, 3]), 0),
        (bytes([0, 1, 2, 3]), -2),
        (bytes([0, 1, 2, 3]), True),
        (bytes([0, 1, 2, 3]), 1.0),
    ],
)
def test_stored_places_that_are_not_a_ranking_are_left_to_the_names(rows, weight):
    terms = {"method": "schulze", "options": ["A", "B", "C", "D"], "eligible": 3, "quorum": "0"}
    assert tally_stored_rankings(terms, [(1, bytes([0, 1, 4, 4])), (weight, rows)]) is None


def test_only_ranked_methods_have_stored_places():
    terms = {"method": "approval", "options": ["A", "B"], "eligible": 3, "quorum": "0"}
    with pytest.raises(BallotFileError, match="not a ranked method"):
        tally_stored_rankings(terms, [])


# ---- the write paths, and the count through the services ---------------------------------------

OPTIONS = ["A", "B", "C", "D"]


def places_of(model, proposal):
    rows = model.objects.filter(proposal=proposal).values_list("content", "positions")
    return [(content["ranking"], bytes(positions)) for content, positions in rows]


def test_a_cast_and_a_changed_ballot_store_their_places(cooperative, make_proposal):
    voter = MemberFactory(cooperative=cooperative)
    proposal = make_proposal(voter, method="irv", options=OPTIONS, allow_early_close=False)
    services.cast_vote(actor=voter, proposal=proposal, ballot={"ranking": ["C", "A"]})
    assert places_of(Ballot, proposal) == [(["C", "A"], bytes([1, 4, 0, 4]))]
    services.cast_vote(actor=voter, proposal=proposal, ballot={"ranking": ["B", "D", "A"]})
    assert places_of(Ballot, proposal) == [(["B", "D", "A"], bytes([2, 0, 4, 1]))]


def test_ballots_of_other_methods_store_no_places(cooperative, make_proposal):
    voter = MemberFactory(cooperative=cooperative)
    proposal = make_proposal(voter, method="approval", options=OPTIONS)
    services.cast_vote(actor=voter, proposal=proposal, ballot={"approve": ["A"]})
    assert Ballot.objects.get(proposal=proposal).positions is None


def test_secret_ballots_get_their_places_when_opened(cooperative, make_proposal):
    voters = [MemberFactory(cooperative=cooperative) for _ in range(3)]
    proposal = make_proposal(
        voters[0], method="schulze", options=OPTIONS, secret=True, allow_early_close=False
    )
    rankings = [["A"], ["D", "B"], []]
    for voter, ranking in zip(voters, rankings, strict=True):
        services.cast_vote(actor=voter, proposal=proposal, ballot={"ranking": ranking})
    close_on_time(proposal)
    opened = places_of(SecretBallot, proposal)
    assert sorted(opened) == sorted(
        (ranking, ranking_positions(OPTIONS, ranking)) for ranking in rankings
    )
    proposal.refresh_from_db()
    assert proposal.tally["result"] == tally_ballot_file(proposal.tally["ballot_file"])
    assert selectors.current_count(proposal) == proposal.tally["result"]


def voted(cooperative, make_proposal, method="schulze", voters=12):
    """A ranked vote with delegations (one member's ballot counts for three): rankings repeat."""
    rnd = random.Random(7)
    members = [MemberFactory(cooperative=cooperative) for _ in range(voters + 2)]
    services.delegate_vote(actor=members[-1], delegate=members[0])
    services.delegate_vote(actor=members[-2], delegate=members[0])
    proposal = make_proposal(members[0], method=method, options=OPTIONS, allow_early_close=False)
    for member in members[:voters]:
        ranking = rnd.sample(OPTIONS, rnd.randint(0, 3))
        services.cast_vote(actor=member, proposal=proposal, ballot={"ranking": ranking})
    return proposal


def _content_read(queries) -> bool:
    return any('"content"' in query["sql"] for query in queries)


@pytest.mark.parametrize("method", ["schulze", "irv", "stv"])
def test_the_count_reads_the_places_and_no_option_name(cooperative, make_proposal, method):
    proposal = voted(cooperative, make_proposal, method)
    with CaptureQueriesContext(connection) as queries:
        result = selectors.current_count(proposal)
    assert not _content_read(queries.captured_queries)
    assert result == tally_ballot_file(selectors.ballot_file(proposal))
    assert result["turnout"] == "14"  # twelve ballots, one of them for three members


def test_a_ballot_without_places_is_counted_by_its_content(cooperative, make_proposal):
    """A ballot written by an older release or a script: the count reads the names instead."""
    proposal = voted(cooperative, make_proposal)
    Ballot.objects.filter(pk=Ballot.objects.filter(proposal=proposal).first().pk).update(
        positions=None
    )
    with CaptureQueriesContext(connection) as queries:
        result = selectors.current_count(proposal)
    assert _content_read(queries.captured_queries)
    assert result == tally_ballot_file(selectors.ballot_file(proposal))


@pytest.mark.parametrize(
    ("ranking", "places", "message"),
    [
        (["A", "Z"], None, 'ranking: "Z" is not one of the options'),
        (["A", "A"], bytes([0, 0, 4, 4]), "ranking: an option is ranked twice"),
        ("A", bytes([9, 9, 9, 9]), "ranking: a list of options"),
    ],
)
def test_a_malformed_stored_ballot_is_named_as_before(
    cooperative, make_proposal, ranking, places, message
):
    proposal = voted(cooperative, make_proposal, voters=2)
    ballot = Ballot.objects.filter(proposal=proposal).order_by("pk").last()
    Ballot.objects.filter(pk=ballot.pk).update(content={"ranking": ranking}, positions=places)
    with pytest.raises(BallotFileError, match=rf"^ballots\[\d\]\.{message}"):
        selectors.current_count(proposal)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_after")
def test_the_migration_stores_the_places_of_the_ballots_already_cast(cooperative):
    voters = [MemberFactory(cooperative=cooperative) for _ in range(3)]
    apps = migrate([("governance", "0005_single_choice_method")])
    now = clock.now()

    def proposal(method, secret=False):
        return apps.get_model("governance", "Proposal").objects.create(
            cooperative_id=cooperative.pk, author_id=voters[0].pk, title=method, method=method,
            options=OPTIONS, quorum="0", threshold="1/2", secret=secret, state="closed",
            result="passed", opens_at=now - datetime.timedelta(days=1), closes_at=now,
        )  # fmt: skip

    ranked, approval, secret = proposal("irv"), proposal("approval"), proposal("stv", True)
    contents = [{"ranking": ["B", "A"]}, {"ranking": []}, {"ranking": ["A", "Z"]}]
    ballots = apps.get_model("governance", "Ballot").objects
    for voter, content in zip(voters, contents, strict=True):
        ballots.create(proposal_id=ranked.pk, member_id=voter.pk, content=content)
        ballots.create(proposal_id=approval.pk, member_id=voter.pk, content={"approve": ["A"]})
    apps.get_model("governance", "SecretBallot").objects.create(
        proposal_id=secret.pk, content={"ranking": ["D"]}, receipt_hash="r" * 64
    )
    migrate([("governance", "0006_ballot_positions")])

    stored = Ballot.objects.filter(proposal_id=ranked.pk)
    by_content = {json.dumps(b.content): b.positions for b in stored}
    assert bytes(by_content['{"ranking": ["B", "A"]}']) == bytes([1, 0, 4, 4])
    assert bytes(by_content['{"ranking": []}']) == bytes([4, 4, 4, 4])
    assert by_content['{"ranking": ["A", "Z"]}'] is None  # named by the count, as before
    others = Ballot.objects.filter(proposal_id=approval.pk).values_list("positions", flat=True)
    assert list(others) == [None] * 3
    assert bytes(SecretBallot.objects.get(proposal_id=secret.pk).positions) == bytes([4, 4, 4, 0])

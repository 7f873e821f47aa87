"""The STV count sheet: every stage totals the valid vote, the loss by fractions included."""

import io
from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from governance import services
from governance.count_sheet import stv_stage_rows
from governance.methods import tally
from governance.methods.stv import single_transferable_vote
from tests.factories import MemberFactory

# 10 valid votes, 2 seats, quota 4. A's 7 votes elect A; the surplus of 3 passes on at
# 3/7 = 0.428571… truncated to 0.42857: 7 × 0.42857 = 2.99999 moves on, 0.00001 is lost.
TRUNCATING = {("A", "B"): 4, ("A", "C"): 3, ("B",): 2, ("C",): 1}


def test_the_loss_by_fractions_is_counted_so_each_stage_totals_the_valid_vote():
    count = single_transferable_vote(list("ABC"), Counter(TRUNCATING), 2)
    assert count.valid == 10
    surplus = count.stages[1]
    assert surplus.action == "surplus" and surplus.candidate == "A"
    assert surplus.votes == {"A": 4, "B": 2 + 4 * Fraction("0.42857"),
                             "C": 1 + 3 * Fraction("0.42857")}  # fmt: skip
    assert surplus.exhausted == 0
    assert surplus.fractions_lost == Fraction(1, 100000)
    assert [stage.total for stage in count.stages] == [10] * len(count.stages)


def test_the_ballot_file_result_carries_the_loss_and_the_total():
    ballots = [({"ranking": list(r)}, Fraction(1)) for r, n in TRUNCATING.items() for _ in range(n)]
    result = tally("stv", list("ABC"), ballots, eligible=10, quorum=Fraction(0), seats=2)
    assert result["valid"] == "10"
    assert [stage["total"] for stage in result["stages"]] == ["10"] * len(result["stages"])
    assert result["stages"][1]["fractions_lost"] == "1/100000"


@st.composite
def elections(draw):
    options = draw(st.lists(st.sampled_from("ABCDEF"), min_size=2, max_size=6, unique=True))
    rankings = st.permutations(options).flatmap(
        lambda order: st.integers(0, len(order)).map(lambda n: tuple(order[:n]))
    )
    groups = Counter(draw(st.lists(rankings, min_size=1, max_size=40)))
    seats = draw(st.integers(1, len(options) - 1))
    return options, groups, seats


@settings(max_examples=300, deadline=None)
@given(elections())
def test_every_stage_of_every_count_totals_the_valid_vote_exactly(election):
    options, groups, seats = election
    count = single_transferable_vote(options, groups, seats)
    valid = sum(weight for ranking, weight in groups.items() if ranking)
    assert count.valid == valid
    for stage in count.stages:
        assert stage.total == valid, stage
        assert stage.fractions_lost >= 0 and stage.exhausted >= 0


def test_a_tally_stored_before_the_loss_was_recorded_gets_it_back():
    stored = [
        {"action": "count", "candidate": None, "votes": {"A": "7", "B": "2", "C": "1"},
         "exhausted": "0", "elected": ["A"]},
        {"action": "surplus", "candidate": "A",
         "votes": {"A": "4", "B": "371428/100000", "C": "228571/100000"}, "exhausted": "0",
         "elected": ["A"]},
    ]  # fmt: skip
    rows = stv_stage_rows(stored)
    assert [(row["fractions_lost"], row["total"]) for row in rows] == [
        ("0", "10"), ("0.00001", "10")
    ]  # fmt: skip


@pytest.fixture
def closed_stv(cooperative, make_proposal):
    voters = [MemberFactory(cooperative=cooperative) for _ in range(10)]
    proposal = make_proposal(
        voters[0], method="stv", options=["A", "B", "C"], seats=2, allow_early_close=False
    )
    rankings = [list(r) for r, n in TRUNCATING.items() for _ in range(n)]
    for voter, ranking in zip(voters, rankings, strict=True):
        services.cast_vote(actor=voter, proposal=proposal, ballot={"ranking": ranking})
    return voters[0], services.close_proposal(proposal=proposal, actor=None)


@pytest.mark.django_db
def test_the_page_shows_the_loss_and_a_total_of_the_valid_vote(client, closed_stv):
    member, proposal = closed_stv
    client.force_login(member.user)
    page = client.get(f"/c/{member.cooperative.slug}/proposals/{proposal.pk}/").content.decode()
    assert "Loss by fractions" in page and "Non-transferable" in page
    assert '<td class="num">0.00001</td><td class="num">10</td>' in page
    assert page.count('<td class="num">10</td>') == len(proposal.tally["result"]["stages"])


@pytest.mark.django_db
def test_the_minutes_show_the_loss_and_the_totals(api, closed_stv):
    member, proposal = closed_stv
    api.force_authenticate(member.user)
    answer = api.get(f"/api/v1/coops/{member.cooperative.slug}/proposals/{proposal.pk}/minutes/")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
    text = " ".join(text.split())  # a heading wraps between its words ("Loss by / fractions")
    assert "STV stages" in text and "Loss by fractions" in text
    assert "0.00001" in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "steps"),
    [
        ("en", ("first count", "surplus of A", "Loss by fractions")),
        ("es", ("primer recuento", "excedente de A", "Pérdida por fracciones")),
        ("de", ("erste Zählung", "Überschuss von A", "Verlust durch Bruchteile")),
    ],
)
def test_the_steps_of_the_count_are_in_the_readers_language(client, closed_stv, language, steps):
    """The page and the minutes name each stage's step alike, in the reader's words, and the
    minutes keep every count of a stage whole on its line."""
    member, proposal = closed_stv
    client.force_login(member.user)
    base = f"/c/{member.cooperative.slug}/proposals/{proposal.pk}/"
    page = client.get(base, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    minutes = client.get(base + "minutes.pdf", HTTP_ACCEPT_LANGUAGE=language)
    reader = PdfReader(io.BytesIO(minutes.content))
    layout = "\n".join(sheet.extract_text(extraction_mode="layout") for sheet in reader.pages)
    rows = [" ".join(row.split()) for row in layout.splitlines()]
    flat = " ".join(" ".join(sheet.extract_text().split()) for sheet in reader.pages)
    for step in steps:
        assert step in page and step in flat
    assert "surplus" not in " ".join(rows) or language == "en"
    # stage 2: the surplus of A, its non-transferable votes, the loss and the total, one line,
    # the loss written with the language's decimal sign
    loss = "0.00001" if language == "en" else "0,00001"
    assert any(row.startswith("2 ") and row.endswith(f"0 {loss} 10") for row in rows)
    assert language == "en" or "0.00001" not in page

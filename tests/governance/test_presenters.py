"""The words of a closed vote come from one place: the page, the minutes and the result e-mail
write a ballot, a tie and an outcome alike (governance/presenters.py)."""

import io

import pytest
from django.core import mail
from django.utils import translation
from pypdf import PdfReader

from governance import presenters, services, tasks
from governance.models import Proposal
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("ballot", "text"),
    [
        ({"choice": "agree"}, "agree"),
        ({"choice": "block", "reason": "Too soon"}, "block — Too soon"),
        ({"ranking": ["B", "A", "C"]}, "1. B  2. A  3. C"),
        ({"ranking": []}, "—"),
        ({"approve": ["A", "C"]}, "A, C"),
        ({"approve": []}, "—"),
        ({"scores": {"A": 4, "B": 1}}, "A: 4, B: 1"),
    ],
)
def test_a_ballot_in_one_line(ballot, text):
    assert presenters.ballot_text(ballot) == text
    assert presenters.ballot_text({**ballot, "weight": "1"}, weight=True) == text
    assert presenters.ballot_text({**ballot, "weight": "3"}, weight=True) == f"{text} (weight 3)"


def test_an_unknown_ballot_is_shown_as_stored():
    assert presenters.ballot_text({"other": 1}) == '{"other": 1}'


def test_a_tie_names_the_level_options():
    assert presenters.tied_options({"winners": ["A", "B"]}) == ["A", "B"]
    rounds = [{"counts": {"A": "3", "B": "3", "C": "1"}}, {"counts": {"A": "3", "B": "3"}}]
    assert presenters.tied_options({"winners": [], "rounds": rounds}) == ["A", "B"]
    assert presenters.tied_options({"ranking": [["A", "C"], ["B"]]}) == ["A", "C"]


def test_the_outcome_sentence():
    proposal = Proposal(options=[], outcome_statement="")
    result = {"outcome": "tie", "winners": ["A", "B"], "turnout": "5/2", "eligible": 4,
              "quorum": "0.5"}  # fmt: skip
    assert presenters.count_sentence(proposal, result) == (
        "A tie between A, B: the co-op decides how to break it. Votes counted: 2.5; quorum 0.5."
    )
    assert presenters.outcome_sentence(proposal) == ""  # nothing counted yet
    proposal.tally = {"result": result}
    proposal.outcome_statement = "We toss a coin."
    assert presenters.outcome_sentence(proposal) == "We toss a coin."


def test_the_bars_scale_to_the_largest_count():
    assert presenters.bars({"agree": "2", "abstain": "1/2", "block": "0"}) == [
        ("agree", "2", 100.0),
        ("abstain", "0.5", 25.0),
        ("block", "0", 0.0),
    ]
    assert presenters.bars({"agree": "0"}) == [("agree", "0", 0.0)]


def test_the_page_the_minutes_and_the_e_mail_say_it_alike(
    client, cooperative, member, secretary, make_proposal, voting_floor_passed, mailoutbox
):
    colleague = MemberFactory(cooperative=cooperative)
    proposal = make_proposal(
        member, title="Adopt the four-day week", method="consent", allow_early_close=False
    )
    services.cast_vote(actor=member, proposal=proposal, ballot={"choice": "agree"})
    services.cast_vote(
        actor=colleague, proposal=proposal, ballot={"choice": "block", "reason": "Too soon"}
    )
    voting_floor_passed(proposal)
    services.close_proposal(proposal=proposal, actor=secretary)
    proposal.refresh_from_db()
    sentence = presenters.outcome_sentence(proposal)
    assert sentence.startswith("Rejected: 1 agree, 0 abstain, 0 disagree, 1 block.")

    client.force_login(member.user)
    base = f"/c/{cooperative.slug}/proposals/{proposal.pk}/"
    html = client.get(base).content.decode()
    assert sentence in html and "block — Too soon" in html
    minutes = client.get(base + "minutes.pdf")
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(minutes.content)).pages
    ).replace("\n", " ")
    assert sentence in text and "block — Too soon" in text

    mail.outbox.clear()
    Proposal.objects.filter(pk=proposal.pk).update(result_notice_sent_at=None)
    tasks.notify_result(proposal.pk)
    assert mail.outbox and sentence in mail.outbox[0].body


@pytest.fixture
def closed_with_a_delegated_vote(
    cooperative, member, secretary, make_proposal, voting_floor_passed
):
    """One delegated vote: 2 ballots cast, 3 votes counted; the secretary closed early."""
    colleague = MemberFactory(cooperative=cooperative)
    services.delegate_vote(actor=colleague, delegate=member)
    proposal = make_proposal(member, allow_early_close=False)
    services.cast_vote(actor=member, proposal=proposal, ballot={"choice": "agree"})
    services.cast_vote(actor=secretary, proposal=proposal, ballot={"choice": "agree"})
    voting_floor_passed(proposal)
    services.close_proposal(proposal=proposal, actor=secretary)
    return proposal


def test_ballots_cast_and_votes_counted_are_named_apart_after_an_early_close(
    client, cooperative, member, secretary, closed_with_a_delegated_vote, mailoutbox
):
    """One delegated vote: 2 ballots cast, 3 votes counted; the secretary closed early."""
    proposal = closed_with_a_delegated_vote
    proposal.refresh_from_db()
    assert proposal.closed_at < proposal.closes_at
    eligible = proposal.eligible_count
    cast = f"Ballots cast: 2 of {eligible} eligible members."
    counted = "Votes counted: 3 (including 1 delegated)"
    assert cast in presenters.outcome_sentence(proposal)
    assert counted in presenters.outcome_sentence(proposal)
    early = presenters.early_close_sentence(proposal)
    assert early.startswith("Voting closed early, on ") and "by a secretary" in early

    client.force_login(member.user)
    base = f"/c/{cooperative.slug}/proposals/{proposal.pk}/"
    html = client.get(base).content.decode()
    assert f'<dt>Ballots cast</dt><dd id="turnout">2 of {eligible} eligible members</dd>' in html
    assert "<dt>Votes counted</dt><dd>3 (including 1 delegated)</dd>" in html
    assert "<dt>Voting closed</dt>" in html and "closed early; planned:" in html
    assert "<dt>Voting closes</dt>" not in html
    assert early in html
    minutes = client.get(base + "minutes.pdf")
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(minutes.content)).pages
    ).replace("\n", " ")
    # The PDF writes CLDR's narrow no-break space ("1:31\u202fPM") as a no-break space.
    assert cast in text and counted in text and " ".join(early.split()) in " ".join(text.split())
    assert "3 (including 1 delegated)" in text

    mail.outbox.clear()
    Proposal.objects.filter(pk=proposal.pk).update(result_notice_sent_at=None)
    tasks.notify_result(proposal.pk)
    assert cast in mail.outbox[0].body and counted in mail.outbox[0].body
    assert early in mail.outbox[0].body


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("en", "1 of 1 eligible member", "2 of 2 eligible members"),
        ("es", "1 de 1 miembro con derecho a voto", "2 de 2 miembros con derecho a voto"),
        ("de", "1 von 1 stimmberechtigten Mitglied", "2 von 2 stimmberechtigten Mitgliedern"),
    ],
)
def test_ballots_cast_read_singular_for_one(language, one, two):
    with translation.override(language):
        assert presenters.ballots_cast_text({"cast": 1, "eligible": 1}) == one
        assert presenters.ballots_cast_text({"cast": 2, "eligible": 2}) == two


def test_one_delegated_vote_reads_singular_in_spanish(
    client, cooperative, member, closed_with_a_delegated_vote
):
    proposal = closed_with_a_delegated_vote
    client.force_login(member.user)
    client.cookies["django_language"] = "es"
    html = client.get(f"/c/{cooperative.slug}/proposals/{proposal.pk}/").content.decode()
    assert "<dd>3 (incluido 1 delegado)</dd>" in html
    with translation.override("es"):
        figures = {"counted": "4", "delegated": "2", "delegated_count": 2}
        assert presenters.votes_counted_text(figures) == "4 (incluidos 2 delegados)"


def test_the_live_turnout_of_a_co_op_of_one(client, cooperative, member, make_proposal):
    """The turnout while voting (the page's fragment, refreshed every 20 s) takes the singular
    when one member may vote."""
    proposal = make_proposal(member)
    proposal.eligible_count = 1
    proposal.save(update_fields=["eligible_count"])
    client.force_login(member.user)
    client.cookies["django_language"] = "es"
    html = client.get(f"/c/{cooperative.slug}/proposals/{proposal.pk}/").content.decode()
    assert "0 de 1 miembro con derecho a voto" in html

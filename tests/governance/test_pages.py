"""The proposal pages: drafting, opening, voting, results, delegations and the calendar feed."""

import datetime
import json
import re
import zoneinfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coop.models import Member
from governance import services
from governance.calendar import ics_escape, ics_fold
from governance.models import Ballot, CalendarFeed, Comment, Delegation, Proposal, SecretBallot
from tests.factories import MemberFactory
from tests.governance.ballot_boxes import unsealed
from tests.governance.fixtures import close_on_time
from tests.web import flashes, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def december_2029(clock):
    """The drafts below vote in January 2030: a month ahead, inside the one-year limit."""
    clock.set(datetime.datetime(2029, 12, 1, 12, tzinfo=datetime.UTC), tick=True)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Every test makes several members; hashing their passwords is not what is tested here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def page(cooperative, path=""):
    return f"/c/{cooperative.slug}/proposals/{path}"


@pytest.fixture
def colleagues(cooperative):
    return [MemberFactory(cooperative=cooperative) for _ in range(3)]


@pytest.fixture
def voting(member, colleagues, make_proposal):
    """A majority vote in progress, authored by `member`; five eligible members."""
    return make_proposal(member, title="Buy a shared laptop", allow_early_close=False)


def draft_form(**changes):
    data = {
        "title": "Join the CoTech network",
        "body": "We should **join**.",
        "kind": "general",
        "method": "majority",
        "options": "",
        "seats": "1",
        "quorum": "1/2",
        "threshold": "1/2",
        "prefill": "general|majority|1/2|1/2",
        "allow_early_close": "on",
        "discussion_starts_at": "",
        "opens_at": "2030-01-15T10:00",
        "closes_at": "2030-01-22T18:00",
        "save": "draft",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# Access -----------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login(client, voting):
    cooperative = voting.cooperative
    for path in ["", "new/", f"{voting.pk}/", f"{voting.pk}/edit/", "delegations/"]:
        response = client.get(page(cooperative, path))
        assert response.status_code == 302, path
        assert response["Location"].startswith("/login/"), path
    response = client.post(page(cooperative, f"{voting.pk}/vote/"), {"choice": "agree"})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not Ballot.objects.exists()


def test_every_page_renders_for_a_member(client, member, colleagues, voting, make_proposal):
    draft = make_proposal(member, start=False, title="A draft")
    closed = make_proposal(member, title="Settled")
    close_on_time(closed)
    signed_in(client, member)
    cooperative = member.cooperative
    for path in [
        "", "?state=closed", "new/", f"{voting.pk}/", f"{draft.pk}/", f"{draft.pk}/edit/",
        f"{closed.pk}/", "delegations/",
    ]:  # fmt: skip
        response = client.get(page(cooperative, path))
        assert response.status_code == 200, path
        assert b"governance/governance.css" in response.content
    assert client.get(page(cooperative, f"{closed.pk}/ballots.json")).status_code == 200


def test_a_member_of_another_coop_gets_404(client, outsider, voting):
    signed_in(client, outsider)
    cooperative = voting.cooperative
    for path in ["", "new/", f"{voting.pk}/", f"{voting.pk}/edit/", "delegations/"]:
        assert client.get(page(cooperative, path)).status_code == 404, path
    assert (
        client.post(page(cooperative, f"{voting.pk}/vote/"), {"choice": "agree"}).status_code == 404
    )
    # nor through their own co-op's address
    assert client.get(page(outsider.cooperative, f"{voting.pk}/")).status_code == 404
    assert not Ballot.objects.exists()


def test_other_members_drafts_are_404(client, member, colleagues, make_proposal):
    draft = make_proposal(member, start=False)
    signed_in(client, colleagues[0])
    assert client.get(page(member.cooperative, f"{draft.pk}/")).status_code == 404
    assert client.get(page(member.cooperative, f"{draft.pk}/edit/")).status_code == 404
    assert client.post(page(member.cooperative, f"{draft.pk}/delete/")).status_code == 404
    assert Proposal.objects.filter(pk=draft.pk).exists()


# The list ---------------------------------------------------------------------------------------


def test_the_list_orders_open_then_drafts_then_closed(
    client, member, colleagues, voting, make_proposal, now
):
    mine = make_proposal(member, start=False, title="My unfinished idea")
    theirs = make_proposal(colleagues[0], start=False, title="Their unfinished idea")
    closed = make_proposal(colleagues[0], title="Old question")
    close_on_time(closed)
    talk = make_proposal(colleagues[0], title="Still talking", start=False)
    services.open_proposal(actor=colleagues[0], proposal=talk)  # discussion until it opens
    signed_in(client, member)
    html = client.get(page(member.cooperative)).content.decode()
    positions = [html.index(t) for t in [voting.title, talk.title, mine.title, closed.title]]
    assert positions == sorted(positions)
    assert theirs.title not in html
    assert "You have not voted" in html
    assert "No quorum" in html  # the closed one's result
    services.cast_vote(actor=member, proposal=voting, ballot={"choice": "agree"})
    html = client.get(page(member.cooperative)).content.decode()
    assert "You have not voted" not in html and "You voted" in html


def test_the_list_costs_the_same_queries_however_long(
    client, member, colleagues, make_proposal, django_assert_max_num_queries
):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page(member.cooperative)).status_code == 200
        return len(queries)

    signed_in(client, member)
    make_proposal(member, title="First")
    close_on_time(make_proposal(member))
    client.get(page(member.cooperative))  # the session settles on the first visit
    few = count_queries()
    for number in range(6):
        make_proposal(member, title=f"Open {number}")
        make_proposal(member, title=f"Draft {number}", start=False)
        close_on_time(make_proposal(member))
    assert count_queries() == few
    with django_assert_max_num_queries(15):
        client.get(page(member.cooperative))


def test_an_empty_list_says_so(client, member):
    html = signed_in(client, member).get(page(member.cooperative)).content.decode()
    assert html.count("No proposal is open right now.") == 1
    assert "No drafts." in html and "Nothing decided yet." in html


def test_the_list_filters_by_state(client, member, colleagues, voting, make_proposal):
    closed = make_proposal(member, title="Old question")
    close_on_time(closed)
    signed_in(client, member)
    html = client.get(page(member.cooperative, "?state=closed")).content.decode()
    assert closed.title in html and voting.title not in html
    html = client.get(page(member.cooperative, "?state=voting")).content.decode()
    assert voting.title in html and closed.title not in html
    html = client.get(page(member.cooperative, "?state=nonsense")).content.decode()
    assert voting.title in html and closed.title in html


# Drafting ---------------------------------------------------------------------------------------


def test_the_new_form_is_prefilled_with_the_bylaws_floors(client, member):
    cooperative = member.cooperative
    # a co-op founded with stricter floors for general proposals
    cooperative.bylaws = {"floors": {"general": {"quorum": "2/3", "threshold": "3/5"}}}
    cooperative.save()
    html = signed_in(client, member).get(page(cooperative, "new/")).content.decode()
    assert 'name="quorum" value="2/3"' in html
    assert 'name="threshold" value="3/5"' in html
    assert "The bylaws floors per kind" in html
    for name in ["title", "body", "kind", "method", "options", "quorum", "threshold", "secret",
                 "opens_at", "closes_at", "allow_early_close"]:  # fmt: skip
        assert re.search(rf'<label[^>]* for="id_{name}"', html), name
    assert "Save draft" in html and ">Open<" in html


def test_saving_a_draft_through_the_form(client, member):
    response = signed_in(client, member).post(
        page(member.cooperative, "new/"), draft_form(quorum="0.75", secret="on")
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == page(
        member.cooperative, f"{proposal.pk}/"
    )
    assert proposal.state == "draft" and proposal.author == member
    assert (proposal.title, proposal.quorum, proposal.threshold) == (
        "Join the CoTech network", "3/4", "1/2",
    )  # fmt: skip
    assert proposal.secret and proposal.allow_early_close
    # 10:00 in Vienna in January is 09:00 UTC
    assert proposal.opens_at == datetime.datetime(2030, 1, 15, 9, 0, tzinfo=datetime.UTC)
    assert proposal.closes_at == datetime.datetime(2030, 1, 22, 17, 0, tzinfo=datetime.UTC)


def test_untouched_defaults_follow_the_chosen_kind(client, member):
    signed_in(client, member).post(
        page(member.cooperative, "new/"), draft_form(kind="bylaws", method="supermajority")
    )
    proposal = Proposal.objects.get()
    assert (proposal.quorum, proposal.threshold) == ("2/3", "3/4")


def test_options_are_one_per_line(client, member):
    signed_in(client, member).post(
        page(member.cooperative, "new/"),
        draft_form(method="schulze", options="Kimai\r\n\r\n  Toggl \r\nHarvest\r\n"),
    )
    assert Proposal.objects.get().options == ["Kimai", "Toggl", "Harvest"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"quorum": "two thirds"}, "quorum", "is not a fraction"),
        ({"threshold": "3/2"}, "threshold", "between 0 and 1"),
        ({"options": "A\nB"}, "options", "take no options"),
        ({"method": "irv", "options": "Only one"}, "options", "at least two"),
        ({"closes_at": "2030-01-14T10:00"}, "closes_at", "close after it opens"),
        ({"title": ""}, "title", "This field is required"),
    ],
)
def test_bad_terms_are_shown_on_their_field(client, member, changes, field, message):
    response = signed_in(client, member).post(
        page(member.cooperative, "new/"), draft_form(**changes)
    )
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.content.decode()
    assert not Proposal.objects.exists()


def _local(cooperative, when):
    return when.astimezone(zoneinfo.ZoneInfo(cooperative.time_zone)).strftime("%Y-%m-%dT%H:%M")


def test_open_button_publishes_the_proposal(client, member, colleagues, now, clock):
    opens = now + datetime.timedelta(days=1, hours=1)  # after the day of discussion of general
    response = signed_in(client, member).post(
        page(member.cooperative, "new/"),
        draft_form(opens_at=_local(member.cooperative, opens), save=None, open="open"),
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert proposal.state == "discussion" and proposal.discussion_starts_at == now
    assert "open for discussion until voting opens" in " ".join(flashes(response))
    clock.set(proposal.opens_at)
    services.sweep()
    proposal.refresh_from_db()
    assert proposal.state == "voting" and proposal.eligible_count == 4


def test_a_draft_whose_vote_is_over_cannot_open(client, member, clock):
    past = signed_in(client, member).post(
        page(member.cooperative, "new/"),
        draft_form(opens_at="2001-01-01T10:00", closes_at="2001-01-02T10:00", open="open"),
    )
    assert past.status_code == 400
    assert "Voting would close in the past." in past.context["form"].errors["closes_at"]
    assert not Proposal.objects.exists()
    client.post(page(member.cooperative, "new/"), draft_form())
    proposal = Proposal.objects.get()
    clock.set(datetime.datetime(2030, 2, 1, tzinfo=datetime.UTC))  # the draft's vote is over
    response = signed_in(client, member).post(page(member.cooperative, f"{proposal.pk}/open/"))
    proposal.refresh_from_db()
    assert proposal.state == "draft"
    assert "Voting would already be over" in " ".join(flashes(response))


def test_dates_that_skip_the_discussion_are_refused_naming_the_floor(client, member):
    # Three hours of discussion and 19 of voting, from the clock's 1 December 2029, 12:00 UTC.
    response = signed_in(client, member).post(
        page(member.cooperative, "new/"),
        draft_form(opens_at="2029-12-01T16:00", closes_at="2029-12-02T11:00", open="open"),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["opens_at"] == [
        "The bylaws require at least 1 day of discussion for general proposals: voting opens "
        "too soon."
    ]
    assert "voting closes too soon" in errors["closes_at"][0]
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"quorum": "0"}, "quorum", "a quorum of at least 1/2 for general proposals"),
        ({"quorum": "1/1000000"}, "quorum", "a quorum of at least 1/2 for general proposals"),
        ({"threshold": "1/3"}, "threshold", "a threshold of at least 1/2 for general proposals"),
        (
            {"kind": "membership", "method": "supermajority", "quorum": "1/2", "threshold": "3/5",
             "prefill": "membership|supermajority|1/2|2/3"},
            "threshold", "a threshold of at least 2/3 for membership proposals",
        ),
        (
            {"kind": "membership", "prefill": "membership|majority|1/2|2/3", "threshold": "2/3"},
            "method", "which majority does not apply: choose supermajority or consensus",
        ),
        ({"closes_at": "2030-01-16T09:00"}, "closes_at", "at least 2 days of voting"),
    ],
)  # fmt: skip
def test_the_form_refuses_terms_looser_than_the_floors(client, member, changes, field, message):
    response = signed_in(client, member).post(
        page(member.cooperative, "new/"), draft_form(**changes)
    )
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Proposal.objects.exists()


def test_editing_a_draft(client, member, make_proposal):
    draft = make_proposal(member, start=False, quorum="2/3")
    client = signed_in(client, member)
    form = client.get(page(member.cooperative, f"{draft.pk}/edit/")).content.decode()
    assert 'value="2/3"' in form and draft.title in form
    response = client.post(
        page(member.cooperative, f"{draft.pk}/edit/"),
        draft_form(title="Better title", quorum="2/3", prefill="general|majority|2/3|1/2"),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.quorum) == ("Better title", "2/3")


def test_changing_the_kind_of_a_draft_takes_its_defaults(client, member, make_proposal):
    draft = make_proposal(member, start=False)
    signed_in(client, member).post(
        page(member.cooperative, f"{draft.pk}/edit/"),
        draft_form(kind="membership", method="supermajority"),
    )
    draft.refresh_from_db()
    assert (draft.kind, draft.quorum, draft.threshold) == ("membership", "1/2", "2/3")


def test_opening_a_draft_from_its_page(client, member, colleagues, make_proposal, clock):
    draft = make_proposal(member, start=False)
    client = signed_in(client, member)
    html = client.get(page(member.cooperative, f"{draft.pk}/")).content.decode()
    assert f'action="{page(member.cooperative, f"{draft.pk}/open/")}"' in html
    response = client.post(page(member.cooperative, f"{draft.pk}/open/"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "discussion"
    again = client.post(page(member.cooperative, f"{draft.pk}/open/"))
    assert flashes(again)[-1] == "This proposal is already in discussion."


def test_a_draft_left_too_long_opens_only_with_a_full_discussion(
    client, member, colleagues, make_proposal, clock
):
    draft = make_proposal(member, start=False)
    clock.advance(datetime.timedelta(hours=2))  # voting would open after 22 hours of discussion
    response = signed_in(client, member).post(page(member.cooperative, f"{draft.pk}/open/"))
    assert response.status_code == 302
    assert "at least 1 day of discussion" in flashes(response)[-1]
    assert "Move “voting opens” to" in flashes(response)[-1]
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_only_drafts_are_edited(client, member, voting):
    response = signed_in(client, member).post(
        page(member.cooperative, f"{voting.pk}/edit/"), draft_form(title="Sneaky")
    )
    assert response.status_code == 302
    assert "Only a draft can be changed" in " ".join(flashes(response))
    voting.refresh_from_db()
    assert voting.title == "Buy a shared laptop"


def test_the_author_withdraws_and_deletes(client, member, colleagues, voting, make_proposal):
    client = signed_in(client, member)
    response = client.post(page(member.cooperative, f"{voting.pk}/withdraw/"))
    assert response.status_code == 302
    voting.refresh_from_db()
    assert voting.state == "withdrawn"
    again = client.post(page(member.cooperative, f"{voting.pk}/withdraw/"), follow=True)
    assert again.status_code == 200 and "already withdrawn" in again.content.decode()
    draft = make_proposal(member, start=False)
    response = client.post(page(member.cooperative, f"{draft.pk}/delete/"))
    assert response["Location"] == page(member.cooperative)
    assert not Proposal.objects.filter(pk=draft.pk).exists()
    deleted = client.post(page(member.cooperative, f"{voting.pk}/delete/"), follow=True)
    assert "Only a draft can be deleted" in deleted.content.decode()


def test_a_colleague_cannot_withdraw(client, colleagues, voting):
    response = signed_in(client, colleagues[0]).post(
        page(voting.cooperative, f"{voting.pk}/withdraw/")
    )
    assert "Only the author or a secretary" in " ".join(flashes(response))
    voting.refresh_from_db()
    assert voting.state == "voting"


# The proposal's page ----------------------------------------------------------------------------


def test_the_page_shows_the_sanitized_body_and_the_terms(client, member, colleagues, make_proposal):
    proposal = make_proposal(
        member,
        body="Plan:\n\n* **fast** laptops\n\n<script>alert(1)</script>[x](javascript:alert(2))",
        method="supermajority",
        closes_at=datetime.datetime(2030, 7, 1, 16, 30, tzinfo=datetime.UTC),
    )
    html = signed_in(client, member).get(page(member.cooperative, f"{proposal.pk}/")).content
    html = html.decode()
    assert "<li><strong>fast</strong> laptops</li>" in html
    assert "<script>alert(1)" not in html and "javascript:" not in html
    assert "Jul 1, 2030, 6:30\u202fPM CEST" in html  # closes_at in Vienna time, CLDR English
    assert "supermajority" in html and "2/3" in html
    assert "0 of 4 eligible members" in html


def test_voting_with_a_choice_ballot_and_changing_it(client, member, colleagues, voting):
    client = signed_in(client, colleagues[0])
    detail = page(voting.cooperative, f"{voting.pk}/")
    form = client.get(detail).content.decode()
    assert 'type="radio" name="choice" value="agree"' in form and 'for="id_choice_0"' in form
    response = client.post(page(voting.cooperative, f"{voting.pk}/vote/"), {"choice": "agree"})
    assert response.status_code == 302 and response["Location"] == detail
    assert flashes(response) == ["You voted."]
    assert Ballot.objects.get(member=colleagues[0]).content == {"choice": "agree"}
    html = client.get(detail).content.decode()
    assert "You voted." in html and "Your ballot: agree." in html and "Change my vote" in html
    response = client.post(page(voting.cooperative, f"{voting.pk}/vote/"), {"choice": "disagree"})
    assert flashes(response) == ["Your vote was changed."]
    assert Ballot.objects.get(member=colleagues[0]).content == {"choice": "disagree"}


def test_a_ballot_without_a_choice_is_refused(client, colleagues, voting):
    response = signed_in(client, colleagues[0]).post(page(voting.cooperative, f"{voting.pk}/vote/"))
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not Ballot.objects.exists()


def test_a_consent_block_needs_a_reason(client, member, colleagues, make_proposal):
    proposal = make_proposal(member, method="consent")
    client = signed_in(client, colleagues[0])
    vote = page(proposal.cooperative, f"{proposal.pk}/vote/")
    response = client.post(vote, {"choice": "block", "reason": "  "})
    assert response.status_code == 400
    assert response.context["ballot_form"].errors["reason"] == [
        "A block is a reasoned objection: say why."
    ]
    # The error is tied to its textarea: Django's aria-describedby names `<id>_error`.
    assert 'id="id_reason_error"' in response.content.decode()
    assert 'aria-describedby="id_reason_helptext id_reason_error"' in response.content.decode()
    assert not Ballot.objects.exists()
    response = client.post(vote, {"choice": "block", "reason": "It breaks our budget."})
    assert response.status_code == 302
    assert Ballot.objects.get().content == {"choice": "block", "reason": "It breaks our budget."}


def test_voting_with_a_ranked_ballot(client, member, colleagues, make_proposal):
    proposal = make_proposal(
        member, method="schulze", options=["Kimai", "Toggl", "Harvest"], allow_early_close=False
    )
    client = signed_in(client, colleagues[0])
    html = client.get(page(proposal.cooperative, f"{proposal.pk}/")).content.decode()
    for number, place in enumerate(["1st", "2nd", "3rd"]):
        assert f'<label for="id_rank_{number}">{place} choice' in html
        assert f'<select name="rank_{number}"' in html
    vote = page(proposal.cooperative, f"{proposal.pk}/vote/")
    response = client.post(vote, {"rank_0": "Harvest", "rank_1": "Kimai", "rank_2": ""})
    assert response.status_code == 302
    assert Ballot.objects.get().content == {"ranking": ["Harvest", "Kimai"]}
    html = client.get(page(proposal.cooperative, f"{proposal.pk}/")).content.decode()
    assert "1. Harvest  2. Kimai" in html
    assert '<option value="Harvest" selected>' in html  # the form is prefilled with the ballot


def test_a_ranked_ballot_ranks_each_option_once(client, member, colleagues, make_proposal):
    proposal = make_proposal(member, method="irv", options=["A", "B", "C"])
    response = signed_in(client, colleagues[0]).post(
        page(proposal.cooperative, f"{proposal.pk}/vote/"), {"rank_0": "A", "rank_1": "A"}
    )
    assert response.status_code == 400
    assert "ranked already" in " ".join(response.context["ballot_form"].errors["rank_1"])
    empty = client.post(page(proposal.cooperative, f"{proposal.pk}/vote/"), {"rank_0": ""})
    assert "Choose at least your 1st choice." in empty.content.decode()
    assert not Ballot.objects.exists()


def test_approval_and_score_ballots(client, member, colleagues, make_proposal):
    approval = make_proposal(member, method="approval", options=["A", "B", "C"])
    score = make_proposal(member, method="score", options=["A", "B"])
    client = signed_in(client, colleagues[0])
    client.post(page(member.cooperative, f"{approval.pk}/vote/"), {"approve": ["C", "A"]})
    client.post(page(member.cooperative, f"{score.pk}/vote/"), {"score_0": "5", "score_1": "2"})
    assert Ballot.objects.get(proposal=approval).content == {"approve": ["A", "C"]}
    assert Ballot.objects.get(proposal=score).content == {"scores": {"A": 5, "B": 2}}


def test_a_secret_ballot_shows_its_receipt_once(client, member, colleagues, make_proposal):
    proposal = make_proposal(member, secret=True, allow_early_close=False)
    client = signed_in(client, colleagues[0])
    vote = page(proposal.cooperative, f"{proposal.pk}/vote/")
    response = client.post(vote, {"choice": "agree"})
    assert response.status_code == 200
    html = response.content.decode()
    receipt = re.search(r'class="receipt-code"><code>([0-9a-f]{16})</code>', html).group(1)
    [(ballot, receipt_hash)] = unsealed(proposal)
    assert (ballot, receipt_hash) == ({"choice": "agree"}, services.receipt_hash(receipt))
    assert not SecretBallot.objects.exists()  # sealed until voting closes
    # One answer to "has this member voted" (the voter roll), in the receipt and the section.
    assert "You have not voted" not in html
    assert 'class="marker voted"' in html and "Secret ballots are final." in html
    assert "finds" in html or "find your ballot" in html
    later = client.get(page(proposal.cooperative, f"{proposal.pk}/")).content.decode()
    assert receipt not in later and "Secret ballots are final." in later
    assert 'name="choice"' not in later  # no form for a second secret ballot
    again = client.post(vote, {"choice": "disagree"})
    assert again.status_code == 302
    assert flashes(again) == ["You have voted: secret ballots are final."]
    assert len(unsealed(proposal)) == 1


def test_the_last_secret_ballot_still_shows_its_receipt(client, member, colleagues, make_proposal):
    proposal = make_proposal(member, secret=True)
    for other in colleagues:
        services.cast_vote(actor=other, proposal=proposal, ballot={"choice": "agree"})
    response = signed_in(client, member).post(
        page(member.cooperative, f"{proposal.pk}/vote/"), {"choice": "disagree"}
    )
    html = response.content.decode()
    receipt = re.search(r'class="receipt-code"><code>([0-9a-f]{16})</code>', html).group(1)
    assert "Result" in html and "voting closed early" in html
    assert services.receipt_hash(receipt)[:16] in html  # and its line in the published list


def test_voting_on_a_closed_proposal_is_a_clear_message(client, member, colleagues, voting):
    close_on_time(voting)
    response = signed_in(client, colleagues[0]).post(
        page(voting.cooperative, f"{voting.pk}/vote/"), {"choice": "agree"}, follow=True
    )
    assert response.status_code == 200
    assert "Voting on this proposal is not open." in response.content.decode()
    assert not Ballot.objects.exists()


def test_a_member_admitted_after_opening_does_not_vote(client, cooperative, voting):
    late = MemberFactory(cooperative=cooperative)
    client = signed_in(client, late)
    html = client.get(page(cooperative, f"{voting.pk}/")).content.decode()
    assert "not a voting member when voting opened" in html and 'name="choice"' not in html
    response = client.post(page(cooperative, f"{voting.pk}/vote/"), {"choice": "agree"})
    assert flashes(response) == ["You were not a voting member when voting opened."]


def test_the_last_vote_closes_early(client, member, colleagues, make_proposal):
    proposal = make_proposal(member)
    for other in colleagues:
        services.cast_vote(actor=other, proposal=proposal, ballot={"choice": "agree"})
    response = signed_in(client, member).post(
        page(member.cooperative, f"{proposal.pk}/vote/"), {"choice": "agree"}, follow=True
    )
    html = response.content.decode()
    assert "voting closed early" in html
    assert "Passed: 4 agree, 0 abstain, 0 disagree, 0 block." in html


def test_a_closed_open_ballot_shows_result_ballots_and_the_file(
    client, member, colleagues, make_proposal, tmp_path, capsys
):
    proposal = make_proposal(member, method="schulze", options=["A", "B", "C"],
                             allow_early_close=False)  # fmt: skip
    rankings = [["A", "B"], ["B", "A", "C"], ["A"]]
    for voter, ranking in zip([member, *colleagues[:2]], rankings, strict=True):
        services.cast_vote(actor=voter, proposal=proposal, ballot={"ranking": ranking})
    close_on_time(proposal)
    client = signed_in(client, colleagues[2])
    html = client.get(page(member.cooperative, f"{proposal.pk}/")).content.decode()
    assert "Passed" in html and "Chosen: A." in html
    assert "Schulze ranking" in html
    assert member.display_name in html and "1. B  2. A  3. C" in html
    assert 'name="rank_0"' not in html  # no ballot form once closed
    response = client.get(page(member.cooperative, f"{proposal.pk}/ballots.json"))
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    proposal.refresh_from_db()
    assert document == proposal.tally["ballot_file"]
    assert {b["member"] for b in document["ballots"]} == {
        m.user.email for m in [member, *colleagues[:2]]
    }
    path = tmp_path / "ballots.json"
    path.write_bytes(response.content)
    call_command("recount", str(path))
    assert json.loads(capsys.readouterr().out) == proposal.tally["result"]


def test_a_closed_secret_ballot_lists_receipts_not_names(client, member, colleagues, make_proposal):
    proposal = make_proposal(member, secret=True, allow_early_close=False)
    receipt = services.cast_vote(actor=colleagues[0], proposal=proposal, ballot={"choice": "agree"})
    services.cast_vote(actor=colleagues[1], proposal=proposal, ballot={"choice": "disagree"})
    close_on_time(proposal)
    client = signed_in(client, member)
    html = client.get(page(member.cooperative, f"{proposal.pk}/")).content.decode()
    assert colleagues[0].display_name not in html and colleagues[0].user.email not in html
    assert services.receipt_hash(receipt)[:16] in html
    found = client.post(page(member.cooperative, f"{proposal.pk}/receipt/"), {"receipt": receipt})
    assert 'class="found" id="my-ballot"' in found.content.decode()
    missing = client.post(page(member.cooperative, f"{proposal.pk}/receipt/"), {"receipt": "nope"})
    assert flashes(missing) == ["No ballot in the published list has this receipt code."]
    document = json.loads(
        client.get(page(member.cooperative, f"{proposal.pk}/ballots.json")).content
    )
    assert all("member" not in ballot for ballot in document["ballots"])


def _closed(make_proposal, voters, method, options, ballots, **fields):
    proposal = make_proposal(
        voters[0], method=method, options=options, allow_early_close=False, **fields
    )
    for voter, ballot in zip(voters, ballots, strict=True):
        services.cast_vote(actor=voter, proposal=proposal, ballot=ballot)
    return close_on_time(proposal)


def test_the_count_of_each_method_is_shown(client, member, colleagues, make_proposal):
    voters = [member, *colleagues]
    irv = _closed(
        make_proposal, voters, "irv", ["A", "B", "C"],
        [{"ranking": r} for r in (["A", "B"], ["B", "C"], ["C", "B"], ["A"])],
    )  # fmt: skip
    stv = _closed(
        make_proposal, voters, "stv", ["A", "B", "C"],
        [{"ranking": r} for r in (["A", "B"], ["A", "C"], ["A"], ["B"])], seats=2,
    )  # fmt: skip
    approval = _closed(
        make_proposal, voters, "approval", ["A", "B"],
        [{"approve": a} for a in (["A"], ["A", "B"], ["B"], ["A"])],
    )  # fmt: skip
    client = signed_in(client, member)

    def html(proposal):
        return client.get(page(member.cooperative, f"{proposal.pk}/")).content.decode()

    irv_page = html(irv)
    assert "Instant-runoff rounds" in irv_page
    assert "A tie between A, B: the co-op decides how to break it." in irv_page
    stv_page = html(stv)
    assert "STV stages" in stv_page and "quota 2 votes" in stv_page
    assert "Chosen: A, B." in stv_page
    approval_page = html(approval)
    assert "Approvals per option" in approval_page and "Chosen: A." in approval_page
    assert '<tr class="winner"><th scope="row">A</th><td class="num">3</td>' in approval_page


def test_ballots_are_not_published_before_the_close(client, member, voting):
    response = signed_in(client, member).get(page(member.cooperative, f"{voting.pk}/ballots.json"))
    assert response.status_code == 409  # as the API's ballots/ answers
    assert "Ballots are published when voting closes." in response.content.decode()


def test_comments_during_voting_only(client, member, colleagues, voting, make_proposal):
    client = signed_in(client, colleagues[0])
    url = page(voting.cooperative, f"{voting.pk}/comments/")
    response = client.post(url, {"body": "Which *model*?"})
    assert response.status_code == 302
    html = client.get(page(voting.cooperative, f"{voting.pk}/")).content.decode()
    assert "Which <em>model</em>?" in html
    assert client.post(url, {"body": ""}).status_code == 400
    close_on_time(voting)
    late = client.post(url, {"body": "Too late"})
    assert flashes(late) == ["Comments are open during discussion and voting."]
    assert Comment.objects.count() == 1


def test_a_secretary_closes_voting_early(client, secretary, member, voting, voting_floor_passed):
    signed_in(client, member).post(page(voting.cooperative, f"{voting.pk}/close/"))
    voting.refresh_from_db()
    assert voting.state == "voting"
    too_soon = signed_in(client, secretary).post(page(voting.cooperative, f"{voting.pk}/close/"))
    assert "at least 2 days of voting for general proposals" in flashes(too_soon)[-1]
    voting.refresh_from_db()
    assert voting.state == "voting"
    html = signed_in(client, secretary).get(page(voting.cooperative, f"{voting.pk}/")).content
    close_form = re.search(r'<form[^>]*/close/"[^>]*>', html.decode()).group(0)
    assert 'data-confirm="Close voting now and count the ballots? Nobody can vote' in close_form
    assert 'data-confirm-action="Close voting and count"' in close_form
    voting_floor_passed(voting)
    signed_in(client, secretary).post(page(voting.cooperative, f"{voting.pk}/close/"))
    voting.refresh_from_db()
    assert voting.state == "closed"


# Delegations ------------------------------------------------------------------------------------


def test_delegating_and_revoking(client, member, colleagues, outsider):
    client = signed_in(client, member)
    url = page(member.cooperative, "delegations/")
    html = client.get(url).content.decode()
    assert colleagues[0].display_name in html
    assert f'<option value="{member.pk}"' not in html  # not to oneself
    response = client.post(url, {"delegate": colleagues[0].pk, "kind": ""})
    assert response.status_code == 302
    client.post(url, {"delegate": colleagues[1].pk, "kind": "spending"})
    active = Delegation.objects.filter(delegator=member, revoked_at__isnull=True)
    assert {(d.delegate_id, d.kind) for d in active} == {
        (colleagues[0].pk, ""), (colleagues[1].pk, "spending"),
    }  # fmt: skip
    html = client.get(url).content.decode()
    assert "every kind of proposal" in html and "spending proposals" in html
    client.post(page(member.cooperative, "delegations/revoke/"), {"kind": "spending"})
    assert set(active.values_list("kind", flat=True)) == {""}
    again = client.post(page(member.cooperative, "delegations/revoke/"), {"kind": "spending"})
    assert flashes(again)[-1] == "You have no delegation for this to revoke."
    refused = client.post(url, {"delegate": outsider.pk, "kind": ""})
    assert refused.status_code == 400
    assert "Select a valid choice" in refused.content.decode()


def test_who_delegates_to_me(client, member, colleagues):
    services.delegate_vote(actor=colleagues[0], delegate=member, kind="bylaws")
    html = signed_in(client, member).get(page(member.cooperative, "delegations/")).content.decode()
    assert f"{colleagues[0].display_name}, for bylaws proposals" in html


def test_the_proposal_page_mentions_my_delegation(client, member, colleagues, voting):
    services.delegate_vote(actor=colleagues[0], delegate=member)
    html = signed_in(client, colleagues[0]).get(page(member.cooperative, f"{voting.pk}/")).content
    assert f"delegated to {member.display_name}" in html.decode()


# Calendar feed ----------------------------------------------------------------------------------


def test_ics_escaping_and_folding():
    assert ics_escape('a,b;c\\d\ne\r\nf"') == 'a\\,b\\;c\\\\d\\ne\\nf"'
    line = "SUMMARY:" + "ä" * 80
    folded = ics_fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join([parts[0], *(p[1:] for p in parts[1:])]) == line  # unfolds to the original
    assert ics_fold("SHORT:x") == "SHORT:x"


def test_the_calendar_feed(client, member, colleagues, make_proposal, now):
    long_title = 'Budget, "travel"; and \\ the rest\n' + "of the year " * 6
    proposal = make_proposal(colleagues[0], title=long_title.replace("\n", " ") + "ü")
    talk = make_proposal(colleagues[0], title="Later, maybe", start=False)
    services.open_proposal(actor=colleagues[0], proposal=talk)  # in discussion
    make_proposal(member, start=False, title="Private draft")
    client = signed_in(client, member)
    listing = client.get(page(member.cooperative)).content.decode()
    assert "Create my calendar address" in listing
    client.post(page(member.cooperative, "calendar/"))
    feed = CalendarFeed.objects.get(member=member)
    listing = client.get(page(member.cooperative)).content.decode()
    address = f"http://testserver/c/{member.cooperative.slug}/proposals/calendar/{feed.token}.ics"
    assert address in listing
    client.logout()
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    raw = response.content
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    lines = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"
    unfolded = raw.decode().replace("\r\n ", "").split("\r\n")[:-1]
    assert "VERSION:2.0" in unfolded and any(line.startswith("PRODID:") for line in unfolded)
    assert unfolded.count("BEGIN:VEVENT") == unfolded.count("END:VEVENT") == 3
    summary = next(line for line in unfolded if line.startswith("SUMMARY:Vote closes: Budget"))
    assert summary.startswith('SUMMARY:Vote closes: Budget\\, "travel"\\; and \\\\ the rest of')
    assert summary.endswith("ü")
    assert any(b"\r\n " in raw for _ in [0])  # the long summary was folded
    assert f"DTSTART:{proposal.closes_at.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}" in unfolded
    assert f"DTSTART:{talk.opens_at.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}" in unfolded
    assert f"UID:proposal-{proposal.pk}-closes@testserver" in unfolded
    assert sum(line.startswith("DTSTAMP:") for line in unfolded) == 3
    assert any("You have not voted yet." in line for line in unfolded if "DESCRIPTION" in line)
    assert "Private draft" not in raw.decode()


def test_a_wrong_or_old_calendar_token_is_404(client, member, outsider):
    signed_in(client, member).post(page(member.cooperative, "calendar/"))
    old = CalendarFeed.objects.get(member=member).token
    client.logout()
    assert client.get(page(member.cooperative, "calendar/wrong-token.ics")).status_code == 404
    # the right token under another co-op's address
    assert client.get(page(outsider.cooperative, f"calendar/{old}.ics")).status_code == 404
    signed_in(client, member).post(page(member.cooperative, "calendar/"))
    client.logout()
    assert client.get(page(member.cooperative, f"calendar/{old}.ics")).status_code == 404
    new = CalendarFeed.objects.get(member=member).token
    assert client.get(page(member.cooperative, f"calendar/{new}.ics")).status_code == 200
    Member.objects.filter(pk=member.pk).update(status=Member.Status.DEPARTED)
    assert client.get(page(member.cooperative, f"calendar/{new}.ics")).status_code == 404


def test_the_result_chart_scales_bars_to_the_largest_count(
    client, member, colleagues, secretary, make_proposal, voting_floor_passed
):
    proposal = make_proposal(member, title="Paint the office", allow_early_close=False)
    choices = ["agree", "agree", "disagree", "abstain"]
    for voter, choice in zip([member, *colleagues], choices, strict=True):
        services.cast_vote(actor=voter, proposal=proposal, ballot={"choice": choice})
    voting_floor_passed(proposal)
    services.close_proposal(proposal=proposal, actor=secretary)
    html = (
        signed_in(client, member).get(page(member.cooperative, f"{proposal.pk}/")).content.decode()
    )
    bars = dict(re.findall(r'<svg class="bar (\w+)".*?width="([\d.]+)"', html))
    assert bars == {"agree": "100.0", "abstain": "50.0", "disagree": "50.0", "block": "0.0"}


def test_a_draft_with_an_action_and_its_details(client, member, colleagues):
    """The page drafts an action from its fields (tests/governance/test_action_forms.py has
    one per action); a draft left without an action carries no payload."""
    applicant = MemberFactory(cooperative=member.cooperative, status="applicant")
    signed_in(client, member)
    form = page(member.cooperative, "new/")
    listing = client.get(form).content.decode()
    assert 'data-action="admit_member"' in listing and "Admit a member" in listing
    ignored = client.post(form, draft_form(**{"admit_member__member": str(applicant.pk)}))
    assert ignored.status_code == 302
    assert Proposal.objects.get().action_payload == {}  # no action chosen: details ignored
    response = client.post(
        form,
        draft_form(
            title="Admit", kind="membership", method="supermajority", action="admit_member",
            **{"admit_member__member": str(applicant.pk), "admit_member__status": "active"},
        ),
    )  # fmt: skip
    assert response.status_code == 302
    proposal = Proposal.objects.get(action="admit_member")
    assert proposal.action_payload == {"member": applicant.pk, "status": "active"}


def test_the_turnout_is_live_while_voting(client, member, colleagues, voting):
    signed_in(client, member)
    detail = client.get(page(member.cooperative, f"{voting.pk}/")).content.decode()
    assert f'hx-get="/c/{member.cooperative.slug}/proposals/{voting.pk}/turnout/"' in detail
    turnout = page(member.cooperative, f"{voting.pk}/turnout/")
    assert "0 of 4 eligible members" in client.get(turnout).content.decode()
    services.cast_vote(actor=colleagues[0], proposal=voting, ballot={"choice": "agree"})
    assert "1 of 4 eligible members" in client.get(turnout).content.decode()

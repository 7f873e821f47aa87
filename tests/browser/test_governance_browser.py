"""Voting in Chromium with every ballot form: consent (agree, abstain, disagree, a block that
needs its reason), majority and supermajority, approval, score, ranked Schulze, IRV and STV by
keyboard, a secret ballot's receipt found in the published list; and a delegation."""

import re

import pytest

from governance import services
from governance.models import Ballot, Delegation
from tests.factories import MemberFactory
from tests.governance.ballot_boxes import unsealed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def colleagues(cooperative):
    return [MemberFactory(cooperative=cooperative) for _ in range(3)]


def _open(page, live_server, proposal):
    page.goto(f"{live_server.url}/c/{proposal.cooperative.slug}/proposals/{proposal.pk}/")


def test_a_consent_block_needs_its_reason(
    live_server, page, log_in, member, colleagues, make_proposal
):
    from playwright.sync_api import expect

    proposal = make_proposal(
        colleagues[0], title="Move to a four-day week", method="consent", allow_early_close=False
    )
    log_in(page, member)
    page.goto(f"{live_server.url}/c/{member.cooperative.slug}/proposals/")
    page.get_by_role("link", name="Move to a four-day week").click()
    expect(page.get_by_text("You have not voted.")).to_be_visible()

    page.get_by_label(re.compile(r"^Block")).check()
    page.get_by_role("button", name="Vote", exact=True).click()
    expect(page.get_by_text("A block is a reasoned objection: say why.")).to_be_visible()
    assert not Ballot.objects.exists()

    page.get_by_role("textbox", name="Reason").fill("Our clients need support on Fridays.")
    page.get_by_role("button", name="Vote", exact=True).click()
    expect(page.locator(".marker.voted")).to_be_visible()
    ballot = Ballot.objects.get(proposal=proposal, member=member)
    assert ballot.content == {"choice": "block", "reason": "Our clients need support on Fridays."}

    # An open ballot can change until voting closes.
    page.get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Change my vote").click()
    expect(page.locator(".marker.voted")).to_contain_text("Your ballot: agree.")
    ballot.refresh_from_db()
    assert ballot.content == {"choice": "agree"}


def test_ranking_options_by_keyboard(live_server, page, log_in, member, colleagues, make_proposal):
    from playwright.sync_api import expect

    proposal = make_proposal(
        colleagues[0],
        title="Where the education fund goes",
        method="schulze",
        options=["Django Girls", "Wagtail Space", "PSF grants"],
        allow_early_close=False,
    )
    log_in(page, member)
    _open(page, live_server, proposal)
    first = page.get_by_label("1st choice")
    first.focus()
    first.select_option("PSF grants")
    page.keyboard.press("Tab")  # the next select is reached by keyboard
    second = page.get_by_label("2nd choice")
    expect(second).to_be_focused()
    second.select_option("Django Girls")
    page.get_by_role("button", name="Vote", exact=True).click()
    expect(page.locator(".marker.voted")).to_be_visible()
    assert Ballot.objects.get(member=member).content == {"ranking": ["PSF grants", "Django Girls"]}


def test_a_secret_ballot_shows_its_receipt_once(
    live_server, page, log_in, member, colleagues, make_proposal
):
    from playwright.sync_api import expect

    proposal = make_proposal(
        colleagues[0], title="Elect the treasurer", secret=True, allow_early_close=False
    )
    log_in(page, member)
    _open(page, live_server, proposal)
    page.get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Vote", exact=True).click()
    expect(page.get_by_text("Your receipt code:")).to_be_visible()
    receipt = page.locator(".receipt code, code.receipt").first.inner_text().strip()
    [(_ballot, receipt_hash)] = unsealed(proposal)
    assert receipt_hash == services.receipt_hash(receipt)
    _open(page, live_server, proposal)  # reloading never shows the code again
    expect(page.locator(".marker.voted")).to_be_visible()
    assert receipt not in page.content()

    # When voting closes, the receipt finds the ballot in the published list.
    secretary = MemberFactory(cooperative=member.cooperative, is_secretary=True)
    services.close_proposal(proposal=proposal, actor=secretary, now=proposal.closes_at)
    _open(page, live_server, proposal)
    page.get_by_label("Your receipt code").fill(receipt)
    page.get_by_role("button", name="Find my ballot").click()
    found = page.locator("#my-ballot")
    expect(found).to_contain_text("your ballot")
    expect(found).to_contain_text("agree")
    assert services.receipt_hash(receipt) in found.locator("code").get_attribute("title")


def test_delegating_my_vote(live_server, page, log_in, member, colleagues):
    from playwright.sync_api import expect

    delegate = colleagues[1]
    log_in(page, member)
    page.goto(f"{live_server.url}/c/{member.cooperative.slug}/proposals/delegations/")
    page.get_by_label("Delegate my vote to").select_option(label=delegate.display_name)
    page.get_by_role("button", name=re.compile("Delegate")).click()
    expect(page.get_by_role("status")).to_be_visible()
    delegation = Delegation.objects.get(delegator=member, revoked_at__isnull=True)
    assert delegation.delegate == delegate and delegation.kind == ""


def test_consent_abstain_then_disagree_with_a_reason(
    live_server, page, log_in, member, colleagues, make_proposal
):
    from playwright.sync_api import expect

    proposal = make_proposal(
        colleagues[0], title="Join the regional federation", method="consent",
        allow_early_close=False,
    )  # fmt: skip
    log_in(page, member)
    _open(page, live_server, proposal)
    page.get_by_role("textbox", name="Reason").fill("Only an objection keeps its reason.")
    page.get_by_label(re.compile(r"^Abstain")).check()
    page.get_by_role("button", name="Vote", exact=True).click()
    expect(page.locator(".marker.voted")).to_be_visible()
    ballot = Ballot.objects.get(proposal=proposal, member=member)
    assert ballot.content == {"choice": "abstain"}

    page.get_by_label("Disagree", exact=True).check()
    page.get_by_role("textbox", name="Reason").fill("The fee is a fifth of our reserve.")
    page.get_by_role("button", name="Change my vote").click()
    expect(page.locator(".marker.voted")).to_contain_text("disagree")
    ballot.refresh_from_db()
    assert ballot.content == {"choice": "disagree", "reason": "The fee is a fifth of our reserve."}


@pytest.mark.parametrize(
    ("method", "label", "stored"),
    [
        ("majority", "Disagree", {"choice": "disagree"}),
        ("supermajority", "Disagree", {"choice": "disagree"}),
    ],
)
def test_a_majority_ballot(
    live_server, page, log_in, member, colleagues, make_proposal, method, label, stored
):
    """Under a majority a block would only be a no: the form does not offer it."""
    from playwright.sync_api import expect

    proposal = make_proposal(
        colleagues[0], title="Buy a second server", method=method, allow_early_close=False
    )
    log_in(page, member)
    _open(page, live_server, proposal)
    expect(page.get_by_label(re.compile("^Block"))).to_have_count(0)
    page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Vote", exact=True).click()
    expect(page.locator(".marker.voted")).to_be_visible()
    assert Ballot.objects.get(proposal=proposal, member=member).content == stored


def test_an_approval_ballot(live_server, page, log_in, member, colleagues, make_proposal):
    from playwright.sync_api import expect

    proposal = make_proposal(
        colleagues[0], title="Conferences we sponsor", method="approval",
        options=["PyCon Africa", "DjangoCon Europe", "FOSDEM"], allow_early_close=False,
    )  # fmt: skip
    log_in(page, member)
    _open(page, live_server, proposal)
    page.get_by_label("PyCon Africa").check()
    page.get_by_label("FOSDEM").check()
    page.get_by_role("button", name="Vote", exact=True).click()
    expect(page.locator(".marker.voted")).to_be_visible()
    ballot = Ballot.objects.get(proposal=proposal, member=member)
    assert ballot.content == {"approve": ["PyCon Africa", "FOSDEM"]}

    # The changed ballot starts from the stored one: unticking one leaves the other.
    expect(page.get_by_label("FOSDEM")).to_be_checked()
    page.get_by_label("PyCon Africa").uncheck()
    page.get_by_role("button", name="Change my vote").click()
    expect(page.locator(".marker.voted")).to_be_visible()
    ballot.refresh_from_db()
    assert ballot.content == {"approve": ["FOSDEM"]}


def test_a_score_ballot(live_server, page, log_in, member, colleagues, make_proposal):
    from playwright.sync_api import expect

    proposal = make_proposal(
        colleagues[0], title="Rate the office candidates", method="score",
        options=["Calle Mayor", "Old printworks"], allow_early_close=False,
    )  # fmt: skip
    log_in(page, member)
    _open(page, live_server, proposal)
    expect(page.get_by_label("Calle Mayor")).to_have_value("0")
    page.get_by_label("Calle Mayor").select_option("2")
    page.get_by_label("Old printworks").select_option("5")
    page.get_by_role("button", name="Vote", exact=True).click()
    expect(page.locator(".marker.voted")).to_be_visible()
    assert Ballot.objects.get(proposal=proposal, member=member).content == {
        "scores": {"Calle Mayor": 2, "Old printworks": 5}
    }


def _rank_by_keyboard(page, choices, options_count):
    """Fill the ranking and vote with the keyboard only: type-ahead picks an option in a
    focused select, Tab moves on, Enter on the focused button votes."""
    from playwright.sync_api import expect

    page.get_by_label("1st choice").focus()
    for place, choice in enumerate(choices):
        if place:
            page.keyboard.press("Tab")
        page.keyboard.type(choice)
    for _ in range(options_count - len(choices)):
        page.keyboard.press("Tab")  # past the places left empty
    page.keyboard.press("Tab")
    vote = page.get_by_role("button", name="Vote", exact=True)
    expect(vote).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".marker.voted")).to_be_visible()


def test_an_irv_ballot_by_keyboard_only(
    live_server, page, log_in, member, colleagues, make_proposal
):
    proposal = make_proposal(
        colleagues[0], title="Name of the new project", method="irv",
        options=["Acorn", "Birch", "Cedar"], allow_early_close=False,
    )  # fmt: skip
    log_in(page, member)
    _open(page, live_server, proposal)
    _rank_by_keyboard(page, ["Cedar", "Acorn"], options_count=3)
    assert Ballot.objects.get(proposal=proposal, member=member).content == {
        "ranking": ["Cedar", "Acorn"]
    }


def test_an_stv_ballot_for_two_seats_by_keyboard(
    live_server, page, log_in, member, colleagues, make_proposal
):
    from playwright.sync_api import expect

    proposal = make_proposal(
        colleagues[0], title="Elect two delegates to the federation", method="stv", seats=2,
        options=["Ana", "Bruno", "Chandra", "Dara"], allow_early_close=False,
    )  # fmt: skip
    log_in(page, member)
    _open(page, live_server, proposal)
    expect(page.get_by_label("4th choice")).to_be_visible()
    _rank_by_keyboard(page, ["Dara", "Bruno", "Ana"], options_count=4)
    assert Ballot.objects.get(proposal=proposal, member=member).content == {
        "ranking": ["Dara", "Bruno", "Ana"]
    }

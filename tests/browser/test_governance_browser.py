"""Voting in Chromium: a consent ballot (with a block that needs its reason), a ranked ballot
by keyboard-usable selects, a secret ballot's receipt, and a delegation."""

import re

import pytest

from governance import services
from governance.models import Ballot, Delegation, SecretBallot
from tests.factories import MemberFactory

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
    stored = SecretBallot.objects.get(proposal=proposal)
    assert stored.receipt_hash == services.receipt_hash(receipt)
    _open(page, live_server, proposal)  # reloading never shows the code again
    expect(page.locator(".marker.voted")).to_be_visible()
    assert receipt not in page.content()


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

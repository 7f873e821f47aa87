"""Logging in and out in Chromium: a page asked for while logged out comes after the login."""

import re

import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_logging_in_leads_to_the_page_asked_for_and_out_again(live_server, page, member):
    from playwright.sync_api import expect

    proposals = f"{live_server.url}/c/{member.cooperative.slug}/proposals/"
    page.goto(proposals)
    page.wait_for_url(re.compile(r"/login/\?next=/c/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")

    page.get_by_label("E-mail address").fill(member.user.email.upper())
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".errorlist")).to_contain_text("enter a correct")
    expect(page.get_by_label("E-mail address")).to_have_value(member.user.email.upper())
    member.user.refresh_from_db()
    assert member.user.last_login is None

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(proposals)
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposals")
    member.user.refresh_from_db()
    assert member.user.last_login is not None

    page.locator("summary", has_text="Account:").click()  # the account menu
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{live_server.url}/login/")
    page.goto(proposals)
    page.wait_for_url(re.compile(r"/login/\?next=/c/"))

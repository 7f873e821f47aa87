"""Switching the language in Chromium: the switcher in the header posts to Django's set_language,
which keeps the choice in a cookie and sends the member back to the page they were on."""

import pytest
from django.utils import translation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAVIGATION = ["Dashboard", "Hours", "Proposals", "Money", "Billing", "Bank", "Books", "Members"]


def in_language(code, words):
    with translation.override(code):
        return [translation.gettext(word) for word in words]


def test_switching_to_spanish_translates_the_navigation(live_server, page, log_in, member):
    from playwright.sync_api import expect

    spanish_nav = in_language("es", NAVIGATION)
    untranslated = [
        word for word, spanish in zip(NAVIGATION, spanish_nav, strict=True) if word == spanish
    ]
    assert not untranslated, f"the Spanish catalog lacks {untranslated}"
    [main_es, language_es] = in_language("es", ["Main", "Language"])

    log_in(page, member)
    hours = f"{live_server.url}/c/{member.cooperative.slug}/hours/"
    page.goto(hours)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # The choice applies at once (coop/header.js); the button is the fallback without JavaScript.
    expect(page.get_by_role("button", name="Change language")).to_be_hidden()
    page.get_by_label("Language", exact=True).select_option(label="Español")

    page.wait_for_url(hours)  # back on the page it was switched from
    expect(page.locator("html")).to_have_attribute("lang", "es")
    navigation = page.get_by_role("navigation", name=main_es, exact=True)
    expect(navigation.get_by_role("link")).to_have_text(spanish_nav)
    expect(page.get_by_label(language_es, exact=True)).to_have_value("es")
    cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    assert cookies["django_language"] == "es"

    # The choice sticks: the next page is in Spanish too.
    page.goto(f"{live_server.url}/c/{member.cooperative.slug}/proposals/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(navigation.get_by_role("link", name=spanish_nav[2])).to_have_attribute(
        "aria-current", "page"
    )


def test_without_javascript_the_button_changes_the_language(live_server, browser, log_in, member):
    from playwright.sync_api import expect

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, member)
        hours = f"{live_server.url}/c/{member.cooperative.slug}/hours/"
        page.goto(hours)
        page.get_by_label("Language", exact=True).select_option(label="Deutsch")
        expect(page.locator("html")).to_have_attribute("lang", "en")  # nothing sent yet
        page.get_by_role("button", name="Change language").click()
        page.wait_for_url(hours)
        expect(page.locator("html")).to_have_attribute("lang", "de")
    finally:
        context.close()

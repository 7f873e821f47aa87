"""Playwright driving Debian's Chromium against pytest-django's live server.

Playwright's sync API runs an asyncio event loop in the test's thread, and Django refuses ORM
calls from a thread with a running loop (SynchronousOnlyOperation). The tests set up data with the
ORM before and after driving the page, never concurrently with it, so allowing it here is safe.
`playwright install` cannot download a browser on these machines: the system Chromium is used.
Every test module here marks itself `pytestmark = pytest.mark.browser`.
"""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    refused = []
    # Chromium reports what the Content-Security-Policy blocked on the console: a script, style
    # or handler the policy refuses is a page that silently does not work.
    page.on(
        "console",
        lambda message: refused.append(message.text)
        if "Content Security Policy" in message.text
        else None,
    )
    yield page
    context.close()
    assert refused == [], f"the Content-Security-Policy refused: {refused}"


@pytest.fixture
def log_in(live_server):
    """Log a member in through the login page."""
    from tests.factories import PASSWORD

    def log_in(page, member, password=PASSWORD):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("E-mail address").fill(member.user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/c/**")

    return log_in

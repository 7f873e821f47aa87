"""The site on a phone (390 × 844, an iPhone 12–14) in Chromium: a one-row header with a menu,
the week grid as a day view, and the language applied as soon as it is chosen."""

import datetime

import pytest

from coop.hours import timers
from tests.browser.test_accessibility import AXE, assert_accessible
from tests.factories import ClientFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = datetime.date(2026, 12, 9)  # a Wednesday
PHONE = {"width": 390, "height": 844}
HEADER_MOST = 0.10 * PHONE["height"]


@pytest.fixture(autouse=True)
def today(clock):
    clock.set(TODAY)


@pytest.fixture
def project(cooperative):
    return ProjectFactory(
        client=ClientFactory(cooperative=cooperative, name="Municipality of Rosario"),
        name="Open data portal",
    )


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


def hours(live_server, member, query=""):
    return f"{live_server.url}/c/{member.cooperative.slug}/hours/{query}"


def header_height(page) -> float:
    return page.locator("header.top").bounding_box()["height"]


def test_the_header_is_one_row_and_its_menu_opens_by_keyboard(
    live_server, phone, log_in, member, project
):
    from playwright.sync_api import expect

    log_in(phone, member)
    phone.goto(hours(live_server, member))
    navigation = phone.get_by_role("navigation", name="Main")
    toggle = phone.get_by_role("button", name="Menu")
    expect(navigation).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    assert header_height(phone) <= HEADER_MOST

    toggle.focus()
    phone.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(navigation.get_by_role("link", name="Hours")).to_be_visible()
    expect(phone.get_by_label("Language", exact=True)).to_be_visible()
    expect(phone.get_by_label("Project for the timer")).to_be_visible()
    phone.keyboard.press("Escape")
    expect(navigation).to_be_hidden()
    expect(toggle).to_be_focused()


def test_a_running_timer_stays_in_the_one_row(live_server, phone, log_in, member, project):
    from playwright.sync_api import expect

    timers.start_timer(actor=member, project=project)
    log_in(phone, member)
    for language in ("en", "es", "de"):
        phone.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        phone.goto(hours(live_server, member))
        expect(phone.locator("#timer-elapsed")).to_be_visible()
        stop = phone.locator(".timer-form button").first
        expect(stop).to_be_visible()
        assert header_height(phone) <= HEADER_MOST, language


def test_without_javascript_nothing_is_folded_away(live_server, browser, log_in, member):
    from playwright.sync_api import expect

    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, member)
        page.goto(hours(live_server, member))
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
        expect(page.get_by_role("button", name="Change language")).to_be_visible()
    finally:
        context.close()


def test_the_week_grid_is_a_day_view_that_starts_today(live_server, phone, log_in, member, project):
    from playwright.sync_api import expect

    log_in(phone, member)
    phone.goto(hours(live_server, member))
    head = phone.locator(".week-grid thead th:visible")
    expect(head).to_have_count(3)  # the project, today, the week's total
    expect(head.nth(1)).to_contain_text("Wed")
    expect(head.nth(1)).to_contain_text("Dec 9")
    cell = phone.get_by_label("Open data portal on Wed, Dec 9")
    expect(cell).to_be_visible()
    expect(phone.get_by_label("Open data portal on Tue, Dec 8")).to_be_hidden()
    # Nothing sticks out sideways: the day fits the screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    cell.fill("1:30")
    cell.press("Tab")
    expect(phone.locator(f"#msg-{project.pk}-2026-12-09")).to_have_text("saved")
    expect(phone.locator("#week-total")).to_have_text("1:30")

    days = phone.get_by_role("navigation", name="Days")
    days.get_by_role("link", name="Previous day: Tue, Dec 8").click()
    expect(phone.locator(".week-grid thead th:visible").nth(1)).to_contain_text("Dec 8")
    days.get_by_role("link", name="Previous day: Mon, Dec 7").click()
    days.get_by_role("link", name="Previous day: Sun, Dec 6").click()  # into last week
    expect(phone.locator(".week-grid thead th:visible").nth(1)).to_contain_text("Dec 6")
    expect(phone.locator(".week-nav strong")).to_contain_text("Nov 30")


def test_the_week_grid_keeps_its_seven_days_on_a_wide_screen(
    live_server, page, log_in, member, project
):
    from playwright.sync_api import expect

    log_in(page, member)
    page.goto(hours(live_server, member, "?day=2026-12-08"))
    expect(page.locator(".week-grid thead th:visible")).to_have_count(9)
    expect(page.get_by_role("navigation", name="Days")).to_be_hidden()


def test_the_language_applies_on_change(live_server, phone, log_in, member):
    from playwright.sync_api import expect

    log_in(phone, member)
    url = hours(live_server, member)
    phone.goto(url)
    phone.get_by_role("button", name="Menu").click()
    expect(phone.get_by_role("button", name="Change language")).to_be_hidden()
    phone.get_by_label("Language", exact=True).select_option(label="Español")
    phone.wait_for_url(url)
    expect(phone.locator("html")).to_have_attribute("lang", "es")


def test_the_phone_layout_is_accessible(live_server, phone, log_in, member, project):
    if not AXE.exists():
        pytest.skip("needs node_modules/axe-core: run `npm ci` (make test does)")
    timers.start_timer(actor=member, project=project)
    log_in(phone, member)
    phone.goto(hours(live_server, member))
    assert_accessible(phone)
    phone.get_by_role("button", name="Menu").click()
    phone.get_by_role("navigation", name="Main").wait_for(state="visible")
    assert_accessible(phone)


@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_the_new_proposal_form_fits_the_phone(live_server, phone, log_in, member, language):
    """The longest form of the site, with the bylaws floors' table and every action's fields:
    nothing wider than the screen in any language (German made it 692 px wide)."""
    from playwright.sync_api import expect

    log_in(phone, member)
    phone.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    phone.goto(f"{live_server.url}/c/{member.cooperative.slug}/proposals/new/")
    expect(phone.locator("html")).to_have_attribute("lang", language)
    expect(phone.locator("main form").first).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

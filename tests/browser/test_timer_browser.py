"""The header timer in Chromium: it ticks every second, and its project menu is not cut off in
any language."""

import datetime
import re

import pytest

from coop.hours import timers
from tests.factories import ClientFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def today(clock):
    clock.set(datetime.date(2026, 12, 9))


@pytest.fixture
def project(cooperative):
    return ProjectFactory(
        client=ClientFactory(cooperative=cooperative, name="Municipality of Rosario"),
        name="Open data portal",
    )


def test_the_timer_ticks_every_second(live_server, page, log_in, member, project):
    from playwright.sync_api import expect

    timers.start_timer(actor=member, project=project)
    log_in(page, member)
    page.goto(f"{live_server.url}/c/{member.cooperative.slug}/hours/")
    elapsed = page.locator("#timer-elapsed")
    expect(elapsed).to_have_text(re.compile(r"^0:00:0[0-9]$"))
    expect(elapsed).to_have_text(re.compile(r"^0:00:0[1-9]$"))  # seconds, not minutes, tick
    first = elapsed.text_content()
    expect(elapsed).not_to_have_text(first)
    assert re.fullmatch(r"0:00:\d\d", elapsed.text_content())


def test_discarding_the_timer_asks_first_and_stopping_does_not(
    live_server, page, log_in, member, project
):
    from playwright.sync_api import expect

    from coop.models import RunningTimer, TimeEntry

    timers.start_timer(actor=member, project=project)
    log_in(page, member)
    page.goto(f"{live_server.url}/c/{member.cooperative.slug}/hours/")
    dialog = page.locator("#confirm-dialog")
    page.locator("#timer").get_by_role("button", name="Discard").click()
    expect(dialog).to_be_visible()
    expect(dialog).to_have_accessible_name(
        "Discard the timer for Open data portal? The time it counted is not recorded, and this "
        "cannot be undone."
    )
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert RunningTimer.objects.filter(member=member).exists()
    page.locator("#timer").get_by_role("button", name="Discard").click()
    dialog.get_by_role("button", name="Discard the timer").click()
    expect(page.locator("#timer .timer-elapsed")).to_have_count(0)
    assert not RunningTimer.objects.filter(member=member).exists()
    assert not TimeEntry.objects.filter(member=member).exists()

    timers.start_timer(actor=member, project=project)
    page.reload()
    page.locator("#timer").get_by_role("button", name="Stop").click()
    expect(page.locator("#timer .timer-elapsed")).to_have_count(0)
    expect(dialog).to_be_hidden()  # stopping records the time: nothing to ask


PROMPT_FITS = """select => {
    const context = document.createElement("canvas").getContext("2d");
    const style = getComputedStyle(select);
    context.font = style.font;
    const text = context.measureText(select.options[0].text).width;
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
        - 16;  // the drop-down arrow
    return [text, room];
}"""


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_the_timer_menu_is_not_cut_off(live_server, page, log_in, member, project, language, width):
    log_in(page, member)
    page.set_viewport_size({"width": width, "height": 844})
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/c/{member.cooperative.slug}/hours/")
    toggle = page.locator("#menu-toggle")
    if toggle.is_visible():
        toggle.click()
    select = page.locator("#timer-project")
    text, room = select.evaluate(PROMPT_FITS)
    assert text <= room, f"{select.locator('option').first.text_content()!r} is cut off"

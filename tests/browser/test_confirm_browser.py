"""The confirmation dialog in Chromium, by keyboard only: Tab, Enter and Escape."""

import datetime

import pytest

from coop.models import TimeEntry
from tests.browser.test_accessibility import AXE, assert_accessible
from tests.factories import ClientFactory, ProjectFactory, TimeEntryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = datetime.date(2026, 12, 9)


@pytest.fixture(autouse=True)
def today(clock):
    clock.set(TODAY)


@pytest.fixture
def entry(member):
    project = ProjectFactory(
        client=ClientFactory(cooperative=member.cooperative, name="Municipality of Rosario"),
        name="Open data portal",
    )
    return TimeEntryFactory(
        member=member, project=project, date=datetime.date(2026, 12, 8), minutes=90
    )


def tab_to(page, name: str, most: int = 60) -> None:
    """Press Tab until the focused element is the button called `name`."""
    for _ in range(most):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        if focused.startswith(name):
            return
    pytest.fail(f"Tab never reached {name!r}")


def test_cancel_with_escape_and_confirm_with_enter(live_server, page, log_in, member, entry):
    from playwright.sync_api import expect

    log_in(page, member)
    page.goto(f"{live_server.url}/c/{member.cooperative.slug}/hours/entries/?month=2026-12")
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_hidden()

    tab_to(page, "Delete")
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_accessible_name(
        "Delete the entry of 1:30 on Dec 8, 2026 for Open data portal? This cannot be undone."
    )
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Delete the entry of Dec 8")).to_be_focused()
    assert TimeEntry.objects.filter(pk=entry.pk).exists()

    # Enter on the focused Cancel button cancels as well.
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    assert TimeEntry.objects.filter(pk=entry.pk).exists()

    page.keyboard.press("Enter")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Delete the entry")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("The entry was deleted.")).to_be_visible()
    assert not TimeEntry.objects.filter(pk=entry.pk).exists()


def test_the_edit_page_asks_before_deleting(live_server, page, log_in, member, entry):
    from playwright.sync_api import expect

    log_in(page, member)
    page.goto(f"{live_server.url}/c/{member.cooperative.slug}/hours/entries/{entry.pk}/edit/")
    page.get_by_role("button", name="Delete this entry").click()
    dialog = page.locator("#confirm-dialog")
    dialog.get_by_role("button", name="Delete the entry").click()
    expect(page.get_by_text("The entry was deleted.")).to_be_visible()
    assert not TimeEntry.objects.exists()


def test_the_open_dialog_is_accessible(live_server, page, log_in, member, entry):
    if not AXE.exists():
        pytest.skip("needs node_modules/axe-core: run `npm ci` (make test does)")
    log_in(page, member)
    page.goto(f"{live_server.url}/c/{member.cooperative.slug}/hours/entries/?month=2026-12")
    page.get_by_role("button", name="Delete the entry of Dec 8").click()
    page.locator("#confirm-dialog").wait_for(state="visible")
    assert_accessible(page)


def test_a_dialog_reopened_before_the_last_close_event_still_confirms(
    live_server, page, log_in, member, entry
):
    """Enter on Cancel, then at once Enter on the row's Delete, then Enter on "Delete the entry".

    The dialog's "close" event is queued, not dispatched: a quick hand (or a busy machine) reopens
    the dialog before the close of the cancelled one arrives. That late event used to forget the
    form the open dialog asks about, and the confirm button then did nothing. Here the cancel and
    the reopening run in one task, so the late close arrives after the reopening every time.
    """
    from playwright.sync_api import expect

    log_in(page, member)
    page.goto(f"{live_server.url}/c/{member.cooperative.slug}/hours/entries/?month=2026-12")
    delete = page.get_by_role("button", name="Delete the entry of Dec 8")
    dialog = page.locator("#confirm-dialog")
    delete.click()
    expect(dialog).to_be_visible()
    page.evaluate(
        """() => {
          document.querySelector("#confirm-dialog [data-confirm-cancel]").click();
          document.querySelector("form.inline[data-confirm] button").click();
        }"""
    )
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    dialog.get_by_role("button", name="Delete the entry").click()
    expect(page.get_by_text("The entry was deleted.")).to_be_visible()
    assert not TimeEntry.objects.filter(pk=entry.pk).exists()

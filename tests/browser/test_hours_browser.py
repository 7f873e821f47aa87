"""The week grid in Chromium: a cell saves itself when the member leaves it (htmx)."""

import datetime

import pytest

from coop.models import TimeEntry
from tests.factories import ClientFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = datetime.date(2026, 12, 9)  # a Wednesday: the grid shows 7–13 December


@pytest.fixture(autouse=True)
def today(clock):
    """The pages and the rules both see 9 December 2026 as today, in every time zone."""
    clock.set(TODAY)


@pytest.fixture
def project(cooperative):
    return ProjectFactory(
        client=ClientFactory(cooperative=cooperative, name="Municipality of Rosario"),
        name="Open data portal",
    )


def open_grid(page, live_server, log_in, member):
    log_in(page, member)
    page.goto(f"{live_server.url}/c/{member.cooperative.slug}/hours/")
    return page


def test_typing_a_duration_saves_the_cell_and_updates_the_month(
    live_server, page, log_in, member, project
):
    from playwright.sync_api import expect

    open_grid(page, live_server, log_in, member)
    expect(page.get_by_role("heading", level=1)).to_have_text("My hours")
    expect(page.get_by_role("link", name="Hours")).to_have_attribute("aria-current", "page")
    expect(page.locator("#month-summary")).to_contain_text("Nothing logged this month yet.")

    cell = page.get_by_label("Open data portal on Tue, Dec 8")
    cell.fill("1:30")
    cell.press("Tab")

    expect(page.locator("#month-total")).to_have_text("1:30")
    expect(page.locator("#week-total")).to_have_text("1:30")
    expect(page.locator(f"#msg-{project.pk}-2026-12-08")).to_have_text("saved")
    # The month summary arrived whole (out of band), and the grid's row kept its nine cells.
    summary = page.locator("#month-summary table tbody tr")
    expect(summary).to_have_count(1)
    expect(summary).to_contain_text("Open data portal")
    expect(page.locator(".week-grid tbody tr").first.locator("> th, > td")).to_have_count(9)
    expect(page.locator(f"#row-total-{project.pk}")).to_have_text("1:30")
    expect(page.locator("#day-total-1")).to_have_text("1:30")
    saved = TimeEntry.objects.get(member=member)
    assert (saved.project_id, saved.date, saved.minutes) == (project.pk, TODAY.replace(day=8), 90)


def test_a_bad_value_shows_the_error_in_the_cell(live_server, page, log_in, member, project):
    from playwright.sync_api import expect

    open_grid(page, live_server, log_in, member)
    cell = page.get_by_label("Open data portal on Tue, Dec 8")
    cell.fill("abc")
    cell.press("Tab")

    status = page.locator(f"#msg-{project.pk}-2026-12-08")
    expect(status).to_have_text("“abc” is not a duration: write it as 1:30, 1.5h, 1,5 or 90m.")
    cell = page.get_by_label("Open data portal on Tue, Dec 8")
    expect(cell).to_have_attribute("aria-invalid", "true")
    expect(cell).to_have_value("abc")
    expect(page.locator("#month-summary")).to_contain_text("Nothing logged this month yet.")
    assert not TimeEntry.objects.exists()

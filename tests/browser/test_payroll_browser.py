"""The treasurer's month end in Chromium: log in, draft September, inspect and approve it, get
the payslip.

Set PAYROLL_SCREENSHOTS=/some/dir to also save screenshots of the pages (desktop and phone).
"""

import os
import pathlib
import re

import pytest

from payroll.models import Distribution
from tests.factories import PASSWORD
from tests.payroll.books import SEPTEMBER

SCREENSHOTS = os.environ.get("PAYROLL_SCREENSHOTS")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _screenshot(page, name):
    if not SCREENSHOTS:
        return
    folder = pathlib.Path(SCREENSHOTS)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(folder / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(folder / f"{name}-phone.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not overflow, f"{name} overflows a 390 px wide screen"


def test_the_treasurer_drafts_approves_and_downloads_a_payslip(
    live_server,
    page,
    cooperative,
    treasurer,
    books,
):
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("E-mail address").fill(treasurer.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/c/{cooperative.slug}/")

    page.goto(f"{live_server.url}/c/{cooperative.slug}/money/?month=2026-09")
    expect(page.get_by_role("heading", level=1)).to_have_text("Money of September 2026")
    expect(page.locator("tfoot").first).to_contain_text("12,000.00")
    _screenshot(page, "money-overview")

    page.get_by_role("button", name="Draft the distribution").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Distribution of September 2026")
    expect(page.locator(".status-line .badge")).to_have_text("draft")
    chart = page.get_by_role("img", name=re.compile(r"^Where the surplus of \S*10,500\.00\b"))
    expect(chart).to_be_visible()
    _screenshot(page, "money-distribution-draft")

    # Inspect the draft: one row per member, mine marked, with the stored share and its reason.
    distribution = Distribution.objects.get(cooperative=cooperative, month=SEPTEMBER)
    assert distribution.status == "draft"
    lines = distribution.lines.filter(kind="member")
    expect(page.locator("tbody.member-line")).to_have_count(len(books))
    mine = page.locator("tbody.member-line.mine")
    expect(mine).to_contain_text("you")
    expect(mine).to_contain_text(f"{lines.get(member=treasurer).share:,.2f}")
    mine.get_by_text("How this share was computed").click()
    expect(mine.locator("details p").first).to_be_visible()
    assert sum(line.share for line in lines) == distribution.member_pool

    page.get_by_role("button", name="Approve", exact=True).click()
    # Approving locks the month: the page asks first.
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_contain_text("locked for good")
    dialog.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator(".status-line .badge")).to_have_text("approved")
    expect(page.get_by_role("status")).to_contain_text("Approved the distribution")
    distribution.refresh_from_db()
    assert distribution.status == "approved"
    _screenshot(page, "money-distribution-approved")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="My payslip (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert pathlib.Path(download.path()).read_bytes().startswith(b"%PDF")

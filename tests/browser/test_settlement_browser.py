"""A leaver's settlement in Chromium: the treasurer drafts it from the settlements page, reads
the bylaws' figures (30% kept, five yearly instalments) and approves it through the dialog."""

import datetime
from decimal import Decimal

import pytest

from payroll.models import CapitalAccountEntry
from payroll.settlement_models import Settlement
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_treasurer_drafts_and_approves_a_leavers_settlement(
    live_server, page, log_in, clock, cooperative, treasurer
):
    from playwright.sync_api import expect

    clock.set(datetime.date(2026, 11, 10))
    cooperative.bylaws = {
        **cooperative.bylaws,
        "settlement": {"refundable_share": "0.70", "instalments": 5, "interest_rate": "0.02"},
    }
    cooperative.save()
    leaver = MemberFactory(
        cooperative=cooperative, status="departed", departed_on=datetime.date(2026, 6, 30)
    )
    CapitalAccountEntry.objects.create(
        cooperative=cooperative, member=leaver, kind="allocation",
        amount=Decimal("10000.00"), date=datetime.date(2025, 12, 31),
    )  # fmt: skip

    log_in(page, treasurer)
    page.goto(f"{live_server.url}/c/{cooperative.slug}/money/settlements/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Settlements")
    page.get_by_label("Member", exact=True).select_option(str(leaver.pk))
    page.get_by_role("button", name="Draft the settlement").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Settlement of {leaver.display_name}"
    )
    expect(page.get_by_role("status")).to_contain_text("is drafted from the bylaws")
    expect(page.locator("#settlement-balance")).to_contain_text("10,000.00")
    expect(page.locator("#settlement-retained")).to_contain_text("3,000.00")
    expect(page.locator("#settlement-refundable")).to_contain_text("7,000.00")
    expect(page.locator("#instalments tbody tr")).to_have_count(5)
    expect(page.locator("#instalments tbody tr").first).to_contain_text("1,400.00")

    page.get_by_role("button", name="Approve the settlement").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_contain_text("collective reserve")
    dialog.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("is approved")
    expect(page.locator(".lead .badge")).to_have_text("approved")

    settlement = Settlement.objects.get(member=leaver)
    assert (settlement.status, settlement.approved_by) == ("approved", treasurer)
    assert settlement.refundable == Decimal("7000.00")
    assert CapitalAccountEntry.objects.get(member=leaver, kind="retention").amount == Decimal(
        "-3000.00"
    )

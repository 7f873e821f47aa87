"""The treasurer's billing loop in Chromium: last month's unbilled hours → "Invoice these
hours" → the draft editor → issue (after the confirm dialog) → the numbered PDF → a payment →
the invoice paid → the payment in the month's revenue, without its VAT. The billing pages
pass axe on the way (tests/browser/test_accessibility.py)."""

import datetime
import io
import pathlib
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from billing.models import Invoice
from payroll.models import Revenue
from tests.billing.invoicing_factories import World
from tests.browser.test_accessibility import AXE, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def today(clock):
    clock.set(datetime.date(2026, 11, 10))


@pytest.fixture
def world():
    """October's hours of a domestic client (Austria, standard VAT of 20 %) at 100 EUR/h:
    Ana 2 h + 1 h 30, Bo 2 h on the client's one project: 5 h 30, €550.00 net, €660.00 due."""
    world = World()
    world.client.country = "AT"
    world.client.vat_id = ""
    world.client.save(update_fields=["country", "vat_id"])
    world.entry(day=datetime.date(2026, 10, 5), minutes=120)
    world.entry(day=datetime.date(2026, 10, 6), minutes=90)
    world.entry(member=world.bo, day=datetime.date(2026, 10, 7), minutes=120)
    return world


def pdf_text(path: str) -> str:
    reader = PdfReader(io.BytesIO(pathlib.Path(path).read_bytes()))
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))


def test_hours_become_an_issued_invoice_a_payment_and_revenue(live_server, page, log_in, world):
    from playwright.sync_api import expect

    if not AXE.exists():
        pytest.skip("needs node_modules/axe-core: run `npm ci` (make test does)")
    billing = f"{live_server.url}/c/{world.cooperative.slug}/billing"
    log_in(page, world.treasurer)

    # Last month's unbilled hours, one section per client, one button.
    page.get_by_role("navigation", name="Main", exact=True).get_by_role(
        "link", name="Billing"
    ).click()
    page.get_by_role("link", name="Unbilled hours").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Unbilled hours")
    acme = page.get_by_role("region", name=re.compile(r"^Acme"))
    expect(acme).to_contain_text("5:30")
    assert_accessible(page)
    acme.get_by_label("Lines").select_option("member")
    acme.get_by_role("button", name="Invoice these hours").click()

    # The draft editor: one line per member, exact hours, EN 16931 totals.
    expect(page.get_by_role("status")).to_contain_text("The draft invoice was made.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("draft #")
    lines = page.locator("table.money").first.locator("tbody tr")
    expect(lines).to_have_count(2)
    expect(lines.nth(0)).to_contain_text("3.5")
    expect(lines.nth(1)).to_contain_text("2")
    totals = page.locator("table.totals")
    expect(totals).to_contain_text("€550.00")
    expect(totals).to_contain_text("€110.00")
    expect(totals.locator(".total")).to_have_text("€660.00")
    assert_accessible(page)

    # A manual line (a rebilled expense), then issue after the dialog.
    page.get_by_label("Description").fill("Hosting, October")
    page.get_by_label("Quantity").fill("1")
    page.get_by_label("Price").fill("40.00")
    page.get_by_role("button", name="Add the line").click()
    expect(lines).to_have_count(3)
    expect(totals.locator(".total")).to_have_text("€708.00")
    page.get_by_role("button", name="Issue", exact=True).click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_contain_text("can no longer change")
    dialog.get_by_role("button", name="Issue", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2026-0001")
    expect(page.locator("h1 .badge")).to_have_text("issued")
    assert_accessible(page)

    # The PDF carries the number, the amount and the payment reference.
    invoice = Invoice.objects.get(number="2026-0001")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF (Factur-X)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    text = pdf_text(download.path())
    assert "2026-0001" in text
    assert "708.00" in text
    assert invoice.payment_reference.replace(" ", "") in text.replace(" ", "")

    # A payment in two parts: the invoice is partly paid, then paid.
    page.get_by_role("link", name="Record a payment").click()
    page.get_by_label("Received on").fill("2026-11-10")
    page.get_by_label("Amount received").fill("300")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded €300.00")
    page.goto(f"{billing}/invoices/{invoice.pk}/")
    expect(page.get_by_text("Open: €408.00")).to_be_visible()
    page.get_by_role("link", name="Record a payment").click()
    page.get_by_label("Received on").fill("2026-11-10")
    page.get_by_label("Amount received").fill("408.00")
    page.get_by_role("button", name="Record the payment").click()
    page.goto(f"{billing}/invoices/{invoice.pk}/")
    expect(page.locator("h1 .badge")).to_have_text("paid")
    expect(page.get_by_role("link", name="Record a payment")).to_have_count(0)

    # The revenue of November: €708.00 received, €590.00 of it revenue (118.00 is VAT owed).
    page.goto(f"{live_server.url}/c/{world.cooperative.slug}/money/?month=2026-11")
    revenue = page.get_by_role("region", name="Revenue received")
    expect(revenue.locator("tbody tr").first).to_contain_text("2026-0001")
    expect(revenue.locator("tfoot")).to_contain_text("590.00")
    recorded = Revenue.objects.filter(
        cooperative=world.cooperative, received_on__month=11, received_on__year=2026
    )
    assert sum(row.amount for row in recorded) == Decimal("590.00")

    # Nothing is open: the aging page says so, and passes axe.
    page.goto(f"{billing}/aging/")
    expect(page.get_by_text("No invoice is open.")).to_be_visible()
    assert_accessible(page)


def test_a_member_reads_the_invoices_and_cannot_issue(live_server, page, log_in, world):
    """Transparency: every member reads the invoices, and finds no button that changes them."""
    from playwright.sync_api import expect

    from billing import invoicing, issuing

    draft = invoicing.draft_invoice(
        actor=world.treasurer,
        client=world.client,
        start=datetime.date(2026, 10, 1),
        end=datetime.date(2026, 10, 31),
        grouping="project",
    )
    issuing.issue_invoice(actor=world.treasurer, invoice=draft)
    log_in(page, world.ana)
    page.goto(f"{live_server.url}/c/{world.cooperative.slug}/billing/invoices/")
    page.get_by_role("link", name="2026-0001").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2026-0001")
    expect(page.get_by_text("Open: €660.00")).to_be_visible()
    expect(page.get_by_role("button")).not_to_have_count(0)  # the header's own buttons
    expect(page.get_by_role("button", name="Issue", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Record a payment")).to_have_count(0)

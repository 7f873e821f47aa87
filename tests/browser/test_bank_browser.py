"""The treasurer reconciles the bank in Chromium: a camt.053 statement uploaded through the
statement page (preview, then import) → "Find matches" → the incoming transfer confirmed as the
payment of an issued invoice, the outgoing one as the cash line of an approved distribution
(by the EndToEndId of the co-op's own SEPA file) → the unmatched queue empty. Both pages pass
axe (tests/browser/test_accessibility.py), and the second confirm is done with the keyboard."""

import datetime
import re
from decimal import Decimal

import pytest

from billing.models import Invoice, Payment
from payroll.documents import end_to_end_id
from payroll.models import Distribution
from tests.banking.factories_import import IBAN, World
from tests.banking.factories_match import approved_distribution
from tests.billing.payment_factories import issued_invoice
from tests.browser.test_accessibility import AXE, PHONE, assert_accessible
from tests.factories import ClientFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLIENT_IBAN = "AT483200000012345864"
MEMBER_IBAN = "AT611904300234573201"
DESKTOP = {"width": 1280, "height": 900}  # tests/browser/conftest.py

STATEMENT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>GIRO20261105</MsgId><CreDtTm>2026-11-05T18:00:00+01:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>{iban}-2026-11</Id>
      <ElctrncSeqNb>11</ElctrncSeqNb>
      <CreDtTm>2026-11-05T18:00:00+01:00</CreDtTm>
      <Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal>
        <Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-01</Dt></Dt>
      </Bal>
      <Bal>
        <Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="EUR">{closing}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-05</Dt></Dt>
      </Bal>
{entries}    </Stmt>
  </BkToCstmrStmt>
</Document>
"""

ENTRY = """      <Ntry>
        <Amt Ccy="EUR">{amount}</Amt>
        <CdtDbtInd>{sign}</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>{day}</Dt></BookgDt>
        <ValDt><Dt>{day}</Dt></ValDt>
        <AcctSvcrRef>{reference}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{family}</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
          <TxDtls>
            <Refs><EndToEndId>{end_to_end_id}</EndToEndId></Refs>
            <Amt Ccy="EUR">{amount}</Amt>
            <CdtDbtInd>{sign}</CdtDbtInd>
            <RltdPties>{parties}</RltdPties>
            <RmtInf><Ustrd>{remittance}</Ustrd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
"""


def camt053(*, invoice: Invoice, end_to_end: str) -> bytes:
    """A camt.053.001.08 statement of the account: the client pays the invoice on 3 November,
    and the co-op pays Ana's €500.00 of cash on 4 November."""
    paid_in = ENTRY.format(
        amount=f"{invoice.gross_total:.2f}", sign="CRDT", day="2026-11-03", reference="GIRO-1",
        family="RCDT", end_to_end_id="NOTPROVIDED", remittance=f"Rechnung {invoice.number}",
        parties=f"<Dbtr><Pty><Nm>Alpenblick Tischlerei GmbH</Nm></Pty></Dbtr>"
        f"<DbtrAcct><Id><IBAN>{CLIENT_IBAN}</IBAN></Id></DbtrAcct>",
    )  # fmt: skip
    paid_out = ENTRY.format(
        amount="500.00", sign="DBIT", day="2026-11-04", reference="GIRO-2", family="ICDT",
        end_to_end_id=end_to_end, remittance="Auszahlung September 2026",
        parties=f"<Cdtr><Pty><Nm>Ana</Nm></Pty></Cdtr>"
        f"<CdtrAcct><Id><IBAN>{MEMBER_IBAN}</IBAN></Id></CdtrAcct>",
    )  # fmt: skip
    closing = Decimal("1000.00") + invoice.gross_total - Decimal("500.00")
    return STATEMENT.format(
        iban=IBAN, closing=f"{closing:.2f}", entries=paid_in + paid_out
    ).encode()


@pytest.fixture(autouse=True)
def today(clock):
    clock.set(datetime.date(2026, 11, 10))


@pytest.fixture
def world():
    """A co-op with a treasurer and an account; an issued invoice of €660.00 to a client, and
    September's approved distribution with Ana's cash line of €500.00."""
    world = World()
    buyer = ClientFactory(cooperative=world.cooperative, name="Alpenblick Tischlerei GmbH")
    world.invoice = issued_invoice(buyer, lines=[(ProjectFactory(client=buyer), Decimal("660.00"))])
    world.distribution = approved_distribution(world.cooperative, [("member", "Ana", "500.00")])
    world.line = world.distribution.lines.get()
    return world


def test_a_statement_is_imported_and_reconciled(live_server, page, log_in, world, tmp_path):
    from playwright.sync_api import expect

    if not AXE.exists():
        pytest.skip("needs node_modules/axe-core: run `npm ci` (make test does)")
    bank = f"{live_server.url}/c/{world.cooperative.slug}/bank"
    statement = camt053(invoice=world.invoice, end_to_end=end_to_end_id(world.line))
    log_in(page, world.treasurer)

    # Upload → preview → import.
    page.goto(f"{bank}/statements/upload/")
    page.get_by_label("Statement file").set_input_files(
        {"name": "november.xml", "mimeType": "application/xml", "buffer": statement}
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preview of november.xml")
    expect(page.locator("main")).to_contain_text("2 in the file: 2 new, 0 imported before")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text("2 transactions were added.")

    # The reconciliation page, from the bank's pages: find the matches.
    page.get_by_role("navigation", name="Bank pages").get_by_role(
        "link", name="Reconciliation"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reconciliation")
    expect(page.locator("main")).to_contain_text("2 transactions are not matched yet.")
    page.get_by_role("button", name="Find matches").click()
    expect(page.get_by_role("status")).to_contain_text("2 suggestions were found.")
    paid_in = page.get_by_role("region", name=re.compile("Alpenblick"))
    expect(paid_in).to_contain_text(f"Invoice {world.invoice.number}")
    expect(paid_in).to_contain_text("the invoice number is in the remittance information")
    paid_out = page.get_by_role("region", name=re.compile(r"Ana$"))
    expect(paid_out).to_contain_text(end_to_end_id(world.line))
    expect(paid_out).to_contain_text("the EndToEndId is the one Cooperage wrote")
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)

    # Confirm the invoice's payment with the mouse, and the payout with the keyboard.
    paid_in.get_by_role("button", name=re.compile("^Confirm")).click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Confirmed: €660.00 for Invoice {world.invoice.number}"
    )
    confirm_payout = page.get_by_role("region", name=re.compile(r"Ana$")).get_by_role(
        "button", name=re.compile("^Confirm")
    )
    confirm_payout.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Confirmed: €500.00 for Ana")
    expect(page.locator("main")).to_contain_text("0 transactions are not matched yet.")
    expect(page.locator("main")).to_contain_text("No suggestion waits.")
    confirmed = page.get_by_role("table", name="Matches confirmed lately, the latest first")
    expect(confirmed.locator("tbody tr")).to_have_count(2)
    expect(confirmed.get_by_role("button", name=re.compile("^Undo"))).to_have_count(2)

    # The queue is empty.
    page.get_by_role("link", name="The unmatched queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The unmatched queue")
    expect(page.locator("main")).to_contain_text("Every transaction is matched or set aside.")
    assert_accessible(page)

    # What confirming recorded: the invoice's payment, the distribution paid.
    world.invoice.refresh_from_db()
    assert world.invoice.status == Invoice.Status.PAID
    payment = Payment.objects.get(invoice=world.invoice)
    assert (payment.amount, payment.received_on) == (Decimal("660.00"), datetime.date(2026, 11, 3))
    world.distribution.refresh_from_db()
    assert world.distribution.status == Distribution.Status.PAID


def test_matching_by_hand_and_setting_aside_from_the_queue(live_server, page, log_in, world):
    """A fee with no code matched by hand (after a refusal that names the field), a transfer to
    the co-op's savings set aside with a note, by keyboard; axe on the forms with their errors."""
    from playwright.sync_api import expect

    from banking.models import BankMatch
    from payroll.models import Expense
    from tests.banking.factories_match import bank_transaction

    bank_transaction(world.account, "-12.50", counterparty_name="Giro fees",
                     booking_date=datetime.date(2026, 11, 2))  # fmt: skip
    bank_transaction(world.account, "-300.00", counterparty_name="Own savings",
                     booking_date=datetime.date(2026, 11, 3))  # fmt: skip
    queue = f"{live_server.url}/c/{world.cooperative.slug}/bank/unmatched/"
    log_in(page, world.treasurer)
    page.goto(queue)
    expect(page.locator("main")).to_contain_text("2 transactions wait.")
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)

    page.get_by_role("link", name=re.compile("^Match by hand.*-€12.50")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Match a transaction by hand")
    page.get_by_label("Part 1: what the money was").select_option("bank_fee")
    page.get_by_label("Part 1: amount").fill("12.00")
    page.get_by_role("button", name="Match and confirm").click()
    expect(page.get_by_role("alert")).to_contain_text("must add up to €12.50")
    assert_accessible(page)
    page.get_by_label("Part 1: amount").fill("-1")
    page.get_by_role("button", name="Match and confirm").click()
    # The sum's refusal above is an .errorlist as well: wait for this answer's own error, on the
    # field, or axe measures a page still loading (unstyled nav links, refused as too small).
    expect(page.get_by_label("Part 1: amount")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert")).to_have_count(0)
    assert_accessible(page)
    page.get_by_label("Part 1: amount").fill("12.50")
    page.get_by_role("button", name="Match and confirm").click()
    expect(page.get_by_role("status")).to_contain_text("Matched in 1 part and confirmed.")
    assert Expense.objects.get(category="Bank fees").amount == Decimal("12.50")

    page.goto(queue)
    expect(page.locator("main")).to_contain_text("1 transaction waits.")
    page.get_by_label("Why (optional)").fill("to our\u202esavings")  # a bidi override
    page.get_by_role("button", name=re.compile("^Set aside")).click()
    expect(page.get_by_role("alert")).to_contain_text("Why (optional): ")
    assert_accessible(page)
    page.get_by_label("Why (optional)").fill("to our savings account")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=re.compile("^Set aside"))).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("was set aside.")
    expect(page.locator("main")).to_contain_text("Every transaction is matched or set aside.")
    set_aside = page.get_by_role("table", name="Transactions set aside lately, the latest first")
    expect(set_aside).to_contain_text("to our savings account")
    assert_accessible(page)
    assert BankMatch.objects.get(kind="nothing").note == "to our savings account"

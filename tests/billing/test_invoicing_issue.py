"""Issuing: gapless numbers per co-op and year from the pattern, what an EU invoice needs,
issuing twice, credit notes and their limits."""

import datetime
from decimal import Decimal

import pytest
from stdnum import iso11649

from billing import invoice_lines, invoicing, issuing
from billing.models import BilledEntry, InvoiceSequence, InvoiceStatus
from coop.errors import InvalidInput, StateConflict
from coop.models import AuditEvent
from tests.billing.invoicing_factories import OCTOBER, World

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock):
    clock.set(D(2026, 11, 2))
    return World()


def drafted(world, minutes=60, client=None):
    world.entry(minutes=minutes, project=None if client is None else client.projects.first())
    return invoicing.draft_invoice(
        actor=world.treasurer, client=client or world.client, start=OCTOBER[0], end=OCTOBER[1]
    )


def manual(world, amount="100"):
    invoice = invoicing.draft_empty_invoice(actor=world.treasurer, client=world.client)
    invoice_lines.add_line(
        actor=world.treasurer, invoice=invoice, description="Work", quantity=1, unit_price=amount
    )
    return invoice


def issue(world, invoice):
    return issuing.issue_invoice(actor=world.treasurer, invoice=invoice)


def test_issuing_numbers_dates_and_freezes(world):
    invoice = issue(world, drafted(world))
    assert (invoice.number, invoice.year, invoice.sequence) == ("2026-0001", 2026, 1)
    assert invoice.status == InvoiceStatus.ISSUED
    assert (invoice.issue_date, invoice.due_date) == (D(2026, 11, 2), D(2026, 11, 16))
    assert iso11649.is_valid(invoice.payment_reference)
    assert invoice.payment_reference.endswith("20260001")
    assert invoice.seller["vat_id"] == "ATU13585627"
    assert invoice.buyer["legal_name"] == "Acme GmbH" and invoice.buyer["country"] == "DE"
    assert AuditEvent.objects.filter(verb="invoice.issued", object_id=str(invoice.pk)).exists()
    assert issue(world, manual(world)).number == "2026-0002"


def test_numbers_restart_each_year_and_follow_the_pattern(world, clock):
    world.settings.number_pattern = "AR-{year}/{number:05d}"
    world.settings.save()
    assert issue(world, manual(world)).number == "AR-2026/00001"
    clock.set(D(2027, 1, 4))
    assert issue(world, manual(world)).number == "AR-2027/00001"
    assert issue(world, manual(world)).number == "AR-2027/00002"


def test_a_failed_issue_leaves_no_gap(world):
    first = issue(world, manual(world))
    world.client.address = ""
    world.client.save()
    with pytest.raises(InvalidInput) as refused:
        issue(world, manual(world))
    assert refused.value.field == "address"
    world.settings.number_pattern = "{year}"  # fails after the number was taken
    world.settings.save()
    world.client.address = "Somewhere 1"
    world.client.save()
    pending = manual(world)
    with pytest.raises(InvalidInput) as refused:
        issue(world, pending)
    assert refused.value.field == "number_pattern"
    assert InvoiceSequence.objects.get(cooperative=world.cooperative, year=2026).last_number == 1
    world.settings.number_pattern = "{year}-{number:04d}"
    world.settings.save()
    assert first.number == "2026-0001"
    assert issue(world, pending).number == "2026-0002"


def test_issuing_twice_is_409_naming_the_number(world):
    invoice = issue(world, manual(world))
    with pytest.raises(StateConflict) as refused:
        issue(world, invoice)
    assert refused.value.status == 409
    assert "2026-0001" in refused.value.message


def test_no_lines_is_400(world):
    invoice = invoicing.draft_empty_invoice(actor=world.treasurer, client=world.client)
    with pytest.raises(InvalidInput) as refused:
        issue(world, invoice)
    assert refused.value.field == "lines"


@pytest.mark.parametrize(
    ("owner", "field", "value"),
    [
        ("client", "country", ""),
        ("cooperative", "address", ""),
        ("cooperative", "country", ""),
    ],
)
def test_what_an_eu_invoice_needs(world, owner, field, value):
    target = getattr(world, owner)
    setattr(target, field, value)
    target.save()
    with pytest.raises(InvalidInput) as refused:
        issue(world, manual(world))
    assert refused.value.field == field


def test_the_coop_needs_a_vat_id_or_a_tax_number(world):
    world.cooperative.vat_id = ""
    world.cooperative.save()
    with pytest.raises(InvalidInput) as refused:
        issue(world, manual(world))
    assert refused.value.field == "vat_id"
    world.cooperative.tax_number = "12 345/6789"
    world.cooperative.save()
    assert issue(world, manual(world)).number == "2026-0001"


def test_a_draft_changes_no_more_once_issued(world):
    invoice = issue(world, manual(world))
    with pytest.raises(StateConflict):
        invoice_lines.add_line(
            actor=world.treasurer, invoice=invoice, description="More", quantity=1, unit_price=1
        )
    with pytest.raises(StateConflict):
        invoicing.delete_draft(actor=world.treasurer, invoice=invoice)


# --- credit notes -----------------------------------------------------------------------------


def test_a_full_credit_note_cancels_and_may_release_the_hours(world):
    entry = world.entry(minutes=90)
    invoice = issue(
        world,
        invoicing.draft_invoice(
            actor=world.treasurer, client=world.client, start=OCTOBER[0], end=OCTOBER[1]
        ),
    )
    note = issuing.credit_invoice(
        actor=world.treasurer, invoice=invoice, reason="Wrong client", release_hours=True
    )
    assert note.kind == "credit_note" and note.corrects == invoice
    assert note.number == "2026-0002"
    assert note.gross_total == invoice.gross_total == Decimal("180.00")
    assert [line.credited_line_id for line in note.lines.all()] == [
        line.pk for line in invoice.lines.all()
    ]
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CREDITED
    assert not BilledEntry.objects.filter(entry=entry).exists()
    assert invoice.lines.get().minutes == 90  # the issued invoice keeps its lines
    again = invoicing.draft_invoice(
        actor=world.treasurer, client=world.client, start=OCTOBER[0], end=OCTOBER[1]
    )
    assert again.lines.get().minutes == 90
    with pytest.raises(StateConflict):
        issuing.credit_invoice(actor=world.treasurer, invoice=invoice)


def test_a_full_credit_note_without_release_keeps_the_hours_billed(world):
    entry = world.entry(minutes=60)
    invoice = issue(
        world,
        invoicing.draft_invoice(
            actor=world.treasurer, client=world.client, start=OCTOBER[0], end=OCTOBER[1]
        ),
    )
    issuing.credit_invoice(actor=world.treasurer, invoice=invoice)
    assert BilledEntry.objects.filter(entry=entry).exists()


def test_partial_credit_notes_may_not_exceed_the_invoice(world):
    invoice = issue(world, manual(world, "100"))  # 120.00 with VAT
    line = invoice.lines.get()
    note = issuing.credit_invoice(
        actor=world.treasurer, invoice=invoice, lines=[(line, Decimal("40"))], reason="Discount"
    )
    assert (note.net_total, note.gross_total) == (Decimal("40.00"), Decimal("48.00"))
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED
    with pytest.raises(InvalidInput) as refused:
        issuing.credit_invoice(actor=world.treasurer, invoice=invoice, lines=[(line, "60.01")])
    assert refused.value.field == "amount"
    with pytest.raises(InvalidInput) as refused:
        issuing.credit_invoice(actor=world.treasurer, invoice=invoice, lines=[(line, "-1")])
    assert refused.value.field == "amount"
    issuing.credit_invoice(actor=world.treasurer, invoice=invoice, lines=[(line, "60")])
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CREDITED


def test_a_credit_note_of_a_draft_is_409(world):
    with pytest.raises(StateConflict) as refused:
        issuing.credit_invoice(actor=world.treasurer, invoice=manual(world))
    assert refused.value.status == 409

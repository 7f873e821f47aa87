"""Sending an invoice to the client (once, with its PDF; later when the PDF is not made yet) and
reminding the treasurers of overdue invoices, level by level, never twice."""

import datetime
from decimal import Decimal

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.files.base import ContentFile

from billing import payments, sending, tasks
from billing.models import BillingSettings, Invoice
from coop.errors import InvalidInput, StateConflict
from tests.billing.payment_factories import issued_invoice
from tests.factories import ClientFactory, MemberFactory

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def client(cooperative):
    return ClientFactory(cooperative=cooperative, name="City of Vienna")


def with_pdf(invoice):
    """The files made for the invoice (docs17's task makes them; here: stand-ins)."""
    invoice.refresh_from_db()
    invoice.pdf.save(f"{invoice.number}.pdf", ContentFile(PDF), save=False)
    invoice.xml.save(f"{invoice.number}.xml", ContentFile(b"<Invoice/>"), save=False)
    invoice.save()
    return invoice


def test_sending_twice_sends_one_email(
    clock, treasurer, client, django_capture_on_commit_callbacks
):
    clock.set(datetime.date(2026, 10, 2))
    invoice = with_pdf(issued_invoice(client, language="de"))
    with django_capture_on_commit_callbacks(execute=True):
        sending.send_invoice(actor=treasurer, invoice=invoice)  # the task runs (eager)
    assert tasks.send_invoice_email(invoice.pk) == sending.ALREADY_SENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["accounts@client.example"]
    assert message.subject.startswith(f"Rechnung {invoice.number}")
    assert message.extra_headers["Message-ID"].startswith(f"<invoice-{invoice.pk}@")
    assert [name for name, _content, _type in message.attachments] == [
        f"{invoice.number}.pdf", f"{invoice.number}.xml",
    ]  # fmt: skip
    assert message.attachments[0][1] == PDF
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.SENT
    first_sent_at = invoice.sent_at
    assert first_sent_at is not None
    with pytest.raises(StateConflict) as refused:
        sending.send_invoice(actor=treasurer, invoice=invoice)
    assert refused.value.code == "already_sent"
    invoice.refresh_from_db()
    assert invoice.sent_at == first_sent_at


def test_without_its_pdf_the_email_waits(
    clock, treasurer, client, django_capture_on_commit_callbacks
):
    clock.set(datetime.date(2026, 10, 2))
    invoice = issued_invoice(client)
    with django_capture_on_commit_callbacks(execute=True):
        sending.send_invoice(actor=treasurer, invoice=invoice)
    assert mail.outbox == []
    # In a worker (not eager), the task asks to be run again later.
    with pytest.raises(Retry):
        tasks.send_invoice_email(invoice.pk)
    assert tasks.sweep_invoice_emails() == 0  # nothing to send before the PDF exists
    with_pdf(invoice)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_invoice_emails() == 1
    assert len(mail.outbox) == 1
    assert tasks.sweep_invoice_emails() == 0


def test_a_client_with_no_invoice_email(
    clock, treasurer, client, django_capture_on_commit_callbacks
):
    clock.set(datetime.date(2026, 10, 2))
    invoice = issued_invoice(client, email="")
    with pytest.raises(InvalidInput) as refused:
        sending.send_invoice(actor=treasurer, invoice=invoice)
    assert refused.value.field == "invoice_email"
    client.invoice_email = "billing@vienna.example"
    client.save()
    with django_capture_on_commit_callbacks(execute=True):
        sending.send_invoice(actor=treasurer, invoice=with_pdf(invoice))
    assert mail.outbox[0].to == ["billing@vienna.example"]


def test_a_draft_is_not_sent(clock, treasurer, client):
    invoice = issued_invoice(client)
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.DRAFT)
    invoice.refresh_from_db()
    with pytest.raises(StateConflict):
        sending.send_invoice(actor=treasurer, invoice=invoice)


def test_dunning_levels_over_days(clock, cooperative, treasurer, client):
    """Due 31 October; levels at 7, 30 and 60 days past due (the default)."""
    MemberFactory(cooperative=cooperative, is_treasurer=True, language="es")
    invoice = issued_invoice(client, due_date=datetime.date(2026, 10, 31))
    issued_invoice(client, due_date=datetime.date(2027, 12, 31))  # not due
    clock.set(datetime.date(2026, 11, 6))  # 6 days overdue: nothing yet
    assert tasks.remind_overdue_invoices() == 0
    clock.set(datetime.date(2026, 11, 7))
    assert tasks.remind_overdue_invoices() == 1
    assert len(mail.outbox) == 2  # one per treasurer
    english, spanish = sorted(mail.outbox, key=lambda m: m.to[0] != treasurer.user.email)
    assert invoice.number in english.body
    assert "€1,000.00 open, 7 days overdue, reminder level 1" in english.body
    assert "1.000,00" in spanish.body
    assert tasks.remind_overdue_invoices() == 0  # the same day again: nothing twice
    clock.set(datetime.date(2026, 11, 29))
    assert tasks.remind_overdue_invoices() == 0
    clock.set(datetime.date(2026, 11, 30))
    assert tasks.remind_overdue_invoices() == 1
    invoice.refresh_from_db()
    assert (invoice.dunning_level, invoice.last_reminded_on) == (2, datetime.date(2026, 11, 30))
    assert len(mail.outbox) == 4
    # Months later, one reminder at the highest level reached, not one per level missed.
    clock.set(datetime.date(2027, 3, 1))
    assert tasks.remind_overdue_invoices() == 1
    invoice.refresh_from_db()
    assert invoice.dunning_level == 3
    assert tasks.remind_overdue_invoices() == 0


def test_a_paid_invoice_is_never_dunned(clock, cooperative, treasurer, client):
    BillingSettings.objects.create(cooperative=cooperative, dunning_days=[1])
    invoice = issued_invoice(client, due_date=datetime.date(2026, 10, 31))
    clock.set(datetime.date(2026, 10, 31))
    payments.record_payment(
        actor=treasurer, invoice=invoice, received_on=datetime.date(2026, 10, 31),
        amount=Decimal("1000.00"), currency="EUR",
    )  # fmt: skip
    clock.set(datetime.date(2026, 11, 15))
    assert tasks.remind_overdue_invoices() == 0
    assert mail.outbox == []


def test_the_co_ops_own_levels(clock, cooperative, treasurer, client):
    BillingSettings.objects.create(cooperative=cooperative, dunning_days=[14])
    invoice = issued_invoice(client, due_date=datetime.date(2026, 10, 31))
    clock.set(datetime.date(2026, 11, 7))
    assert tasks.remind_overdue_invoices() == 0
    clock.set(datetime.date(2026, 11, 14))
    assert tasks.remind_overdue_invoices() == 1
    invoice.refresh_from_db()
    assert invoice.dunning_level == 1

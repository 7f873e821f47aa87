"""The stored files of an issued invoice: made once, the same bytes on every try, by the worker,
by the sweep after a lost message, and recorded when they fail."""

import datetime
import hashlib
from decimal import Decimal
from unittest import mock

import facturx
import pytest
from django.db import transaction

from billing import documents, enqueue, tasks
from billing.models import Invoice, InvoiceDocumentFailure
from coop.errors import StateConflict
from tests.billing.document_factories import IssuedInvoiceFactory, add_line

pytestmark = pytest.mark.django_db


def issued(**fields) -> Invoice:
    invoice = IssuedInvoiceFactory(**fields)
    add_line(invoice)
    return invoice


def test_make_documents_stores_the_factur_x_pdf_and_the_xml_once():
    invoice = issued()
    assert documents.make_documents(invoice) is True
    invoice.refresh_from_db()
    assert invoice.pdf.name.endswith("invoice-2026-0001.pdf")
    assert invoice.xml.name.endswith("invoice-2026-0001.xml")
    pdf, xml = invoice.pdf.read(), invoice.xml.read()
    assert facturx.get_facturx_xml_from_pdf(pdf)[1] == xml
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert documents.make_documents(invoice) is False
    invoice.refresh_from_db()
    assert invoice.pdf.name.endswith("invoice-2026-0001.pdf")


def test_the_same_invoice_gives_the_same_bytes_whenever_it_is_made(clock):
    invoice = issued()
    clock.set(datetime.datetime(2026, 11, 2, 9, 0, 1, tzinfo=datetime.UTC))
    first = documents.build_files(invoice)
    clock.set(datetime.datetime(2027, 3, 5, 17, 44, 59, tzinfo=datetime.UTC))
    second = documents.build_files(invoice)
    assert hashlib.sha256(first.pdf).digest() == hashlib.sha256(second.pdf).digest()
    assert first.xml == second.xml


def test_a_retry_after_a_kill_replaces_the_orphan_file():
    invoice = issued()
    documents.make_documents(invoice)
    invoice.refresh_from_db()
    name, content = invoice.pdf.name, invoice.pdf.read()
    # the worker died after writing the files and before its commit: no row points to them
    Invoice.objects.filter(pk=invoice.pk).update(pdf="", xml="")
    invoice.refresh_from_db()
    assert documents.make_documents(invoice) is True
    invoice.refresh_from_db()
    assert invoice.pdf.name == name
    assert invoice.pdf.read() == content


def test_a_draft_has_no_files():
    invoice = issued(status=Invoice.Status.DRAFT, number="", sequence=None, issue_date=None)
    with pytest.raises(StateConflict):
        documents.make_documents(invoice)
    assert tasks.make_invoice_documents(invoice.pk) is False


def test_the_issue_enqueues_the_task_on_commit(django_capture_on_commit_callbacks):
    invoice = issued()
    with django_capture_on_commit_callbacks(execute=True):
        enqueue.invoice_documents(invoice)
        invoice.refresh_from_db()
        assert not invoice.pdf
    invoice.refresh_from_db()
    assert invoice.pdf and invoice.xml


def test_a_rolled_back_issue_enqueues_nothing():
    invoice = issued()
    with (
        mock.patch.object(tasks.make_invoice_documents, "delay") as delay,
        transaction.atomic(),
    ):
        enqueue.invoice_documents(invoice)
        transaction.set_rollback(True)
    delay.assert_not_called()


def test_the_sweep_makes_what_a_lost_message_left_undone():
    lost = issued(number="2026-0001")
    done = issued(number="2026-0002", cooperative=lost.cooperative, client=lost.client)
    documents.make_documents(done)
    IssuedInvoiceFactory(status=Invoice.Status.DRAFT, number="", sequence=None, issue_date=None)
    assert tasks.sweep_invoice_documents() == 1
    lost.refresh_from_db()
    assert lost.pdf and lost.xml
    assert tasks.sweep_invoice_documents() == 0


def test_a_failure_is_recorded_retried_by_the_sweep_and_then_left_alone():
    invoice = issued()
    with mock.patch.object(documents, "build_files", side_effect=ValueError("bad IBAN")):
        assert tasks.make_invoice_documents(invoice.pk) is False
        failure = InvoiceDocumentFailure.objects.get(invoice=invoice)
        assert (failure.attempts, failure.reason) == (1, "bad IBAN")
        assert tasks.sweep_invoice_documents() == 1  # attempt 2
        assert tasks.sweep_invoice_documents() == 1  # attempt 3
        assert tasks.sweep_invoice_documents() == 0  # given up: the download tells why
    failure.refresh_from_db()
    assert failure.attempts == InvoiceDocumentFailure.MAX_ATTEMPTS
    assert documents.make_documents(invoice) is True
    assert not InvoiceDocumentFailure.objects.filter(invoice=invoice).exists()


def test_a_credit_note_gets_its_files_too():
    corrected = issued(number="2026-0003")
    note = IssuedInvoiceFactory(
        cooperative=corrected.cooperative, client=corrected.client,
        kind=Invoice.Kind.CREDIT_NOTE, corrects=corrected, number="2026-0004",
    )  # fmt: skip
    add_line(note, quantity=Decimal("1"))
    assert tasks.make_invoice_documents(note.pk) is True
    note.refresh_from_db()
    assert note.pdf.name.endswith("credit-note-2026-0004.pdf")


def test_the_sweep_is_on_the_beat_schedule(settings):
    tasks_on_beat = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "billing.tasks.sweep_invoice_documents" in tasks_on_beat


@pytest.mark.postgres
def test_on_postgresql_the_lock_takes_the_invoice_row_only():
    """`SELECT … FOR NO KEY UPDATE` with the corrected invoice joined: PostgreSQL refuses a lock
    on an outer join's nullable side, so only the invoice's own row is locked."""
    corrected = issued(number="2026-0003")
    note = IssuedInvoiceFactory(
        cooperative=corrected.cooperative, client=corrected.client,
        kind=Invoice.Kind.CREDIT_NOTE, corrects=corrected, number="2026-0004",
    )  # fmt: skip
    add_line(note, quantity=Decimal("1"))
    assert documents.make_documents(corrected) is True
    assert documents.make_documents(note) is True

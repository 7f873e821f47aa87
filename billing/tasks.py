"""Celery tasks of billing: the files of issued invoices (PDF with e-invoice, and the XML),
e-mailing them to clients, and reminding the treasurers of overdue ones.

Idempotent: an invoice's files are stored once (`billing.documents.make_documents` holds the
invoice's row), so a redelivered message (acks_late) or a second worker finishes the work
without duplicating it. A build that fails is recorded (`InvoiceDocumentFailure`) and tried again
by the sweep, up to `MAX_ATTEMPTS` times, as payroll does with a distribution's files. Sending
and reminding are idempotent as billing/sending.py says; beat's sweeps redo what a lost message
left undone.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db.models import Q

from billing import documents, enqueue, sending
from billing.models import Invoice, InvoiceDocumentFailure
from coop.models import Cooperative

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = InvoiceDocumentFailure.MAX_ATTEMPTS


def _needs_files():
    """Issued invoices (and credit notes) without both files, not given up on."""
    return (
        Invoice.objects.exclude(status=Invoice.Status.DRAFT)
        .filter(Q(pdf="") | Q(xml=""))
        .exclude(document_failure__attempts__gte=MAX_ATTEMPTS)
    )


@shared_task(acks_late=True)
def make_invoice_documents(invoice_id: int) -> bool:
    """Make the files of one issued invoice; True if this call made them."""
    invoice = Invoice.objects.select_related("cooperative").filter(pk=invoice_id).first()
    if invoice is None or invoice.is_draft:
        return False
    try:
        return documents.make_documents(invoice)
    except Exception as error:  # whatever breaks a file is recorded and retried, not lost
        logger.exception("files of invoice %s failed", invoice_id)
        documents.record_failure(invoice, error)
        return False


@shared_task(acks_late=True)
def sweep_invoice_documents() -> int:
    """Every few minutes (beat): enqueue the files of issued invoices that lack them.

    The issue enqueues them on commit; this catches a message lost while the broker was down, a
    worker that died, and a build that failed fewer than `MAX_ATTEMPTS` times (one attempt per
    sweep). Returns how many invoices were enqueued.
    """
    pending = list(_needs_files().order_by("pk").values_list("pk", flat=True))
    for invoice_id in pending:
        make_invoice_documents.delay(invoice_id)
    return len(pending)


# A PDF is made by the worker in seconds; until then the e-mail waits this long between tries.
PDF_WAIT_SECONDS = 60
PDF_TRIES = 30


@shared_task(bind=True, acks_late=True, max_retries=PDF_TRIES)
def send_invoice_email(self, invoice_id: int) -> str:
    """E-mail the invoice to the client once; without its PDF yet, try again later."""
    result = sending.deliver_invoice(invoice_id)
    if result == sending.PDF_MISSING:
        if self.request.is_eager:
            # No worker to wait in (no broker): the sweep sends it once the PDF is made.
            return result
        raise self.retry(countdown=PDF_WAIT_SECONDS)
    return result


@shared_task(acks_late=True)
def sweep_invoice_emails() -> int:
    """(beat) Ask again for the e-mails asked for and not sent whose PDF is made."""
    unsent = sending.unsent_invoices()
    for invoice_id in unsent:
        enqueue.invoice_email(invoice_id)
    return len(unsent)


@shared_task(acks_late=True)
def remind_overdue_invoices() -> int:
    """(beat) Raise the dunning levels reached and tell each co-op's treasurers; returns how
    many invoices were raised."""
    raised = 0
    for cooperative in Cooperative.objects.order_by("pk"):
        try:
            raised += sending.remind_treasurers(cooperative)
        except Exception:  # one co-op's mail failure must not stop the others' reminders
            logger.exception("invoice reminders of %s", cooperative.slug)
    return raised

"""Celery tasks of billing: the files of issued invoices (PDF with e-invoice, and the XML).

Idempotent: an invoice's files are stored once (`billing.documents.make_documents` holds the
invoice's row), so a redelivered message (acks_late) or a second worker finishes the work
without duplicating it. A build that fails is recorded (`InvoiceDocumentFailure`) and tried again
by the sweep, up to `MAX_ATTEMPTS` times, as payroll does with a distribution's files.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db.models import Q

from billing import documents
from billing.models import Invoice, InvoiceDocumentFailure

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

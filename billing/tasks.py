"""Celery tasks of billing: e-mailing issued invoices to clients and reminding of overdue ones.

Each is idempotent (billing/sending.py says how): a redelivered message or a second worker sends
nothing twice, and beat's sweeps redo what a lost message left undone.
"""

import logging

from celery import shared_task

from billing import enqueue, sending
from coop.models import Cooperative

logger = logging.getLogger(__name__)

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

"""The tasks billing's services enqueue, by name, each sent once the transaction commits.

Services call these functions and never import billing.tasks, which imports the services. A task
is imported when it is enqueued, not when this module loads (see `coop.enqueue.after_commit`).
"""

from billing.models import Invoice
from coop.enqueue import after_commit


def invoice_documents(invoice: Invoice) -> None:
    """Make the PDF and the e-invoice of an issued invoice or credit note; the sweep
    (`billing.tasks.sweep_invoice_documents`) enqueues again what a lost message left undone."""
    from billing.tasks import make_invoice_documents

    after_commit(make_invoice_documents, invoice.pk)


def invoice_email(invoice_id: int) -> None:
    """E-mail an issued invoice to the client once its PDF is made; the sweep asks again."""
    from billing.tasks import send_invoice_email

    after_commit(send_invoice_email, invoice_id)

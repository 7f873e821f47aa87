"""The tasks billing's services enqueue, by name, each sent once the transaction commits.

The one place that knows them: services call these functions and never import billing.tasks,
which imports the services (see `coop.enqueue.after_commit`).
"""

from coop.enqueue import after_commit


def invoice_email(invoice_id: int) -> None:
    """E-mail an issued invoice to the client once its PDF is made; the sweep asks again."""
    from billing.tasks import send_invoice_email

    after_commit(send_invoice_email, invoice_id)

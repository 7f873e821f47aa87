"""The files of an issued invoice or credit note: the Factur-X PDF (the invoice PDF with its
e-invoice embedded) and the CII XML on its own, stored once on the invoice (`Invoice.pdf`,
`Invoice.xml`), and who may download them.

`make_documents` is idempotent (made once; callers for one invoice queue on its row lock) and
deterministic (the same invoice gives the same bytes, so a retried task stores what the first
try would have). The worker makes them after the issue (`billing.tasks`), the sweep makes what a
lost message left undone, and a download of an invoice whose files are not there yet makes them
on the spot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from billing import einvoice, invoice_pdf
from billing.models import Invoice, InvoiceDocumentFailure, InvoiceKind
from coop import clock
from coop.errors import StateConflict
from coop.models import Member


@dataclass(frozen=True)
class InvoiceFiles:
    pdf: bytes  # the Factur-X PDF: the invoice with factur-x.xml embedded (PDF/A-3)
    xml: bytes  # the CII XML (EN 16931)


def build_files(invoice: Invoice) -> InvoiceFiles:
    """Both files of an issued invoice, from its stored lines and snapshots."""
    if invoice.is_draft:
        raise StateConflict(_("A draft has no files: they are made when it is issued."))
    lines = list(invoice.lines.order_by("position"))
    xml = einvoice.xml(invoice, lines)
    pdf = einvoice.factur_x_pdf(invoice, invoice_pdf.build(invoice, lines), xml)
    return InvoiceFiles(pdf=pdf, xml=xml)


def file_stem(invoice: Invoice) -> str:
    """The files' name without extension: "invoice-2026-0001", "credit-note-2026-0002"."""
    kind = "credit-note" if invoice.kind == InvoiceKind.CREDIT_NOTE else "invoice"
    number = re.sub(r"[^A-Za-z0-9._-]+", "-", invoice.number or f"draft-{invoice.pk}")
    return f"{kind}-{number}"


def make_documents(invoice: Invoice) -> bool:
    """Make and store the invoice's PDF and XML unless they are there; True if this call made
    them. A draft is refused (StateConflict); a failure to build raises and stores nothing."""
    with transaction.atomic():
        # Only the invoice's row: PostgreSQL locks no row of an outer join's nullable side
        # (the corrected invoice of a credit note).
        locked = (
            Invoice.objects.select_for_update(no_key=True, of=("self",))
            .select_related("cooperative", "corrects")
            .get(pk=invoice.pk)
        )
        if locked.pdf and locked.xml:
            invoice.pdf, invoice.xml = locked.pdf, locked.xml
            return False
        files = build_files(locked)
        stem = file_stem(locked)
        for field, content, extension in (("pdf", files.pdf, "pdf"), ("xml", files.xml, "xml")):
            stored = getattr(locked, field)
            name = f"{stem}.{extension}"
            # A file under this name with no row pointing to it is what a worker killed before
            # its commit left behind: replace it rather than store a second copy next to it.
            path = stored.field.generate_filename(locked, name)
            if stored.storage.exists(path):
                stored.storage.delete(path)
            stored.save(name, ContentFile(content), save=False)
        locked.save(update_fields=["pdf", "xml", "updated_at"])
        InvoiceDocumentFailure.objects.filter(invoice=locked).delete()
    invoice.pdf, invoice.xml = locked.pdf, locked.xml
    return True


def record_failure(invoice: Invoice, error: Exception) -> InvoiceDocumentFailure:
    """Why the files could not be made, and how often: the sweep tries again until
    `InvoiceDocumentFailure.MAX_ATTEMPTS`."""
    reason = (str(error) or type(error).__name__)[:1000]
    failure, created = InvoiceDocumentFailure.objects.get_or_create(
        invoice=invoice, defaults={"reason": reason, "failed_at": clock.now()}
    )
    if not created:
        failure.attempts += 1
        failure.reason = reason
        failure.failed_at = clock.now()
        failure.save(update_fields=["attempts", "reason", "failed_at"])
    return failure


def invoice_to_read(member: Member, pk: int) -> Invoice:
    """The invoice of the member's co-op that the member may download the files of: every
    member may (transparency), the treasurer too; another co-op's is not found (404)."""
    invoice = (
        Invoice.objects.select_related("cooperative", "corrects")
        .filter(cooperative=member.cooperative, pk=pk)
        .first()
    )
    if invoice is None:
        raise Http404(_("No such invoice."))
    return invoice


def issued_files(invoice: Invoice) -> Invoice:
    """The invoice with its files, made now if the worker has not made them yet; a draft is a
    409 (its PDF preview is the treasurer's: `draft_preview`)."""
    if invoice.is_draft:
        raise StateConflict(
            _("This invoice is a draft: its files are made when it is issued."),
            code="invoice_draft",
        )
    if not (invoice.pdf and invoice.xml):
        try:
            make_documents(invoice)
        except Exception as error:  # shown as a 409, and recorded for the sweep
            record_failure(invoice, error)
            raise StateConflict(
                _("The files of this invoice could not be made (%(reason)s).")
                % {"reason": str(error) or type(error).__name__},
                code="document_failed",
            ) from error
    return invoice


def draft_preview(invoice: Invoice) -> bytes:
    """A draft's PDF for the treasurer, marked "DRAFT — not an invoice"; never stored."""
    return invoice_pdf.build(invoice)

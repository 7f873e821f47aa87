"""Downloads of an invoice's files: the PDF (Factur-X, with the e-invoice inside) and the CII
XML. Every member of the co-op may download them (transparency); a draft's PDF is a preview for
the treasurer, marked as not an invoice. The read rule is `billing.documents`'."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from billing import documents
from billing.models import Invoice
from coop import pdf
from coop.errors import StateConflict
from coop.models import Member
from coop.refusals import refused_page
from coop.selectors import membership_or_404

CONTENT_TYPES = {"pdf": "application/pdf", "xml": "application/xml"}


def file_response(invoice: Invoice, kind: str) -> FileResponse:
    """The stored file as an attachment, with its type; the caller made sure it exists."""
    stored = invoice.pdf if kind == "pdf" else invoice.xml
    return FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=f"{documents.file_stem(invoice)}.{kind}",
        content_type=CONTENT_TYPES[kind],
    )


def draft_response(invoice: Invoice) -> HttpResponse:
    return pdf.pdf_response(
        documents.draft_preview(invoice), f"{documents.file_stem(invoice)}-draft.pdf"
    )


def download(member: Member, invoice: Invoice, kind: str) -> HttpResponseBase:
    """The one answer of the page and the API: the file, a draft's preview, or a 409."""
    if invoice.is_draft and kind == "pdf" and member.is_treasurer:
        return draft_response(invoice)
    documents.issued_files(invoice)
    return file_response(invoice, kind)


def _download(request: HttpRequest, coop_slug: str, pk: int, kind: str) -> HttpResponseBase:
    member = membership_or_404(request.user, coop_slug)  # type: ignore[arg-type]
    invoice = documents.invoice_to_read(member, pk)
    try:
        return download(member, invoice, kind)
    except StateConflict as error:
        return refused_page(request, error)


@login_required
def invoice_pdf(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponseBase:
    return _download(request, coop_slug, pk, "pdf")


@login_required
def invoice_xml(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponseBase:
    return _download(request, coop_slug, pk, "xml")

"""How stored files are sent, the one answer of the pages and the API: a distribution's
documents and an expense's receipt."""

import mimetypes

from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _

from coop import pdf
from payroll import report_pdf, selectors
from payroll.models import DistributionDocument, Expense, ExpenseClaim

CONTENT_TYPES = {
    DistributionDocument.Kind.PAYSLIP: "application/pdf",
    DistributionDocument.Kind.REPORT: "application/pdf",
    DistributionDocument.Kind.CSV: "text/csv; charset=utf-8",
    DistributionDocument.Kind.SEPA: "application/xml; charset=utf-8",
}


def document_response(document: DistributionDocument) -> HttpResponse:
    """The file as an attachment, with its type and, for text, its character set.

    The report is written for its reader: built now, in the request's language, from the same
    stored lines as the stored copy (why that is right and cheap: `payroll.report_pdf`). The
    payslips are the member's, in the member's language; the CSV and SEPA files are for banks.
    """
    if document.kind == DistributionDocument.Kind.REPORT:
        distribution, lines = selectors.report_contents(document.distribution_id)
        return pdf.pdf_response(
            report_pdf.build(distribution, lines), document.file.name.rsplit("/", 1)[-1]
        )
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.file.name.rsplit("/", 1)[-1],
        content_type=CONTENT_TYPES.get(document.kind),
    )


# The types a receipt is served as; anything else (a file stored before uploads were checked by
# content) is served as bytes to save, never as something a browser would open and run.
RECEIPT_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp")
OTHER_FILE = "application/octet-stream"


def receipt_content_type(name: str) -> str:
    guessed, _encoding = mimetypes.guess_type(name)
    return guessed if guessed in RECEIPT_TYPES else OTHER_FILE


def receipt_response(expense: Expense | ExpenseClaim) -> FileResponse:
    """The receipt as an attachment with its content type; 404 when the expense has none (or
    its file is gone). The caller has checked that the reader belongs to the expense's co-op."""
    if not expense.receipt:
        raise Http404(_("This expense has no receipt."))
    name = expense.receipt.name.rsplit("/", 1)[-1]
    try:
        file = expense.receipt.open("rb")
    except FileNotFoundError:
        raise Http404(_("This expense has no receipt.")) from None
    response = FileResponse(file, as_attachment=True, filename=name)
    response["Content-Type"] = receipt_content_type(name)
    return response

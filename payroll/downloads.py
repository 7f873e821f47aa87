"""How a stored file of a distribution is sent: the same headers from the pages and the API."""

from django.http import FileResponse

from payroll.models import DistributionDocument

CONTENT_TYPES = {
    DistributionDocument.Kind.PAYSLIP: "application/pdf",
    DistributionDocument.Kind.REPORT: "application/pdf",
    DistributionDocument.Kind.CSV: "text/csv; charset=utf-8",
    DistributionDocument.Kind.SEPA: "application/xml; charset=utf-8",
}


def document_response(document: DistributionDocument) -> FileResponse:
    """The file as an attachment, with its type and, for text, its character set."""
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.file.name.rsplit("/", 1)[-1],
        content_type=CONTENT_TYPES.get(document.kind),
    )

"""The files of an invoice or credit note: its PDF (Factur-X, the e-invoice embedded) and its
CII XML (EN 16931). Every member reads them; the read rule and the answers are the pages'
(`billing.views.documents`)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.views import APIView

from api.permissions import HasCoopRole, TokenScope
from api.scoping import CooperativeScopedMixin
from api.views.core import COOP_SLUG
from billing import documents
from billing.views.documents import download

INVOICE_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="invoice id")
FILE = OpenApiResponse(OpenApiTypes.BINARY, description="the file, as an attachment")
NOT_FOUND = OpenApiResponse(description="no such invoice in this co-op")
CONFLICT = OpenApiResponse(
    description="a draft (its files are made when it is issued; the treasurer gets the PDF "
    "preview), or files that could not be made"
)


class InvoiceFileView(CooperativeScopedMixin, APIView):
    """One file of an invoice of the co-op; any member may download it."""

    permission_classes = [TokenScope, HasCoopRole]
    kind = ""

    def get(self, request, coop_slug, pk):
        invoice = documents.invoice_to_read(self.membership, pk)
        return download(self.membership, invoice, self.kind)


class InvoicePdfView(InvoiceFileView):
    """The invoice or credit note as PDF, in the invoice's language, with its EPC QR code and,
    embedded, its EN 16931 XML (Factur-X / ZUGFeRD). A draft: 409, or for the treasurer a
    preview marked "DRAFT — not an invoice"."""

    kind = "pdf"

    @extend_schema(
        parameters=[COOP_SLUG, INVOICE_ID],
        summary="The invoice as PDF (Factur-X: the EN 16931 XML is embedded)",
        responses={(200, "application/pdf"): FILE, 404: NOT_FOUND, 409: CONFLICT},
    )
    def get(self, request, coop_slug, pk):
        return super().get(request, coop_slug, pk)


class InvoiceXmlView(InvoiceFileView):
    """The e-invoice alone: CII XML, EN 16931 profile, valid against the Factur-X XSD. A
    draft: 409."""

    kind = "xml"

    @extend_schema(
        parameters=[COOP_SLUG, INVOICE_ID],
        summary="The e-invoice: CII XML, EN 16931 profile (Factur-X / ZUGFeRD)",
        responses={(200, "application/xml"): FILE, 404: NOT_FOUND, 409: CONFLICT},
    )
    def get(self, request, coop_slug, pk):
        return super().get(request, coop_slug, pk)

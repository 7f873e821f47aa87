"""Invoices and credit notes, their lines, issuing, and the unbilled hours. Every member reads
(transparency); the treasurer writes."""

from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.idempotency import idempotent
from api.serializers.billing_invoices import (
    CreditNoteCreateSerializer,
    InvoiceCreateSerializer,
    InvoiceDetailSerializer,
    InvoiceLineSerializer,
    InvoiceLineWriteSerializer,
    InvoiceSerializer,
    InvoiceUpdateSerializer,
    UnbilledQuerySerializer,
    UnbilledRowSerializer,
)
from api.views.core import COOP_SLUG, CoopScopedViewSet
from billing import invoice_lines, invoicing, issuing
from billing.models import Invoice, InvoiceLine
from billing.selectors import invoices_of
from billing.unbilled import unbilled_summary
from coop.errors import InvalidInput
from coop.models import Client
from coop.models.cooperative import Role

SCHEMA = {"parameters": [COOP_SLUG]}
TREASURER = (Role.TREASURER,)
INVOICE_ID = OpenApiParameter("invoice_id", int, OpenApiParameter.PATH, description="invoice")
LINES = {"parameters": [COOP_SLUG, INVOICE_ID]}


@extend_schema_view(
    list=extend_schema(**SCHEMA, summary="Invoices and credit notes (every member may read)"),
    retrieve=extend_schema(**SCHEMA, summary="One invoice with its lines and VAT breakdown"),
    destroy=extend_schema(**SCHEMA, summary="Delete a draft; its hours are unbilled again"),
)
class InvoiceViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, CoopScopedViewSet
):
    serializer_class = InvoiceSerializer
    write_roles = TREASURER
    filterset_fields = ["status", "client", "kind"]
    ordering_fields = ["issue_date", "created_at", "gross_total"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_serializer_class(self):
        return InvoiceSerializer if self.action == "list" else InvoiceDetailSerializer

    def scoped_queryset(self, cooperative):
        invoices = invoices_of(cooperative)
        if self.action != "list":
            invoices = invoices.prefetch_related("lines", "credit_notes")
        return invoices

    def _respond(self, invoice, code=status.HTTP_200_OK):
        fresh = self.scoped_queryset(self.cooperative).get(pk=invoice.pk)
        return Response(InvoiceDetailSerializer(fresh, context=self.get_serializer_context()).data,
                        status=code)  # fmt: skip

    @idempotent
    @extend_schema(
        **SCHEMA,
        request=InvoiceCreateSerializer,
        responses={201: InvoiceDetailSerializer},
        summary="Draft an invoice: from a client's unbilled hours of a period, or empty",
    )
    def create(self, request, coop_slug):
        serializer = InvoiceCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "period_start" in data:
            invoice = invoicing.draft_invoice(
                actor=self.membership, client=data["client"], start=data["period_start"],
                end=data["period_end"], grouping=data["grouping"],
            )  # fmt: skip
        else:
            invoice = invoicing.draft_empty_invoice(actor=self.membership, client=data["client"])
        return self._respond(invoice, status.HTTP_201_CREATED)

    @extend_schema(
        **SCHEMA,
        request=InvoiceUpdateSerializer,
        responses=InvoiceDetailSerializer,
        summary="Change a draft's note, buyer reference, language or period",
    )
    def partial_update(self, request, coop_slug, pk=None):
        invoice = self.get_object()
        serializer = InvoiceUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invoice = invoicing.update_draft(
            actor=self.membership, invoice=invoice, **serializer.validated_data
        )
        return self._respond(invoice)

    def perform_destroy(self, instance):
        invoicing.delete_draft(actor=self.membership, invoice=instance)

    @idempotent
    @extend_schema(
        **SCHEMA,
        request=None,
        responses=InvoiceDetailSerializer,
        summary="Issue a draft: its number, dates and payment reference (treasurer)",
    )
    @action(detail=True, methods=["post"])
    def issue(self, request, coop_slug, pk=None):
        invoice = issuing.issue_invoice(actor=self.membership, invoice=self.get_object())
        return self._respond(invoice)

    @idempotent
    @extend_schema(
        **SCHEMA,
        request=CreditNoteCreateSerializer,
        responses={201: InvoiceDetailSerializer},
        summary="Credit an issued invoice, all of it or some lines' amounts (treasurer)",
    )
    @action(detail=True, methods=["post"], url_path="credit-notes")
    def credit_notes(self, request, coop_slug, pk=None):
        invoice = self.get_object()
        serializer = CreditNoteCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        lines = None
        if data.get("lines") is not None:
            by_id = {line.pk: line for line in invoice.lines.all()}
            lines = []
            for item in data["lines"]:
                if item["line"] not in by_id:
                    raise InvalidInput(
                        gettext("Line %(id)s is not a line of this invoice.")
                        % {"id": item["line"]},
                        field="lines",
                    )
                lines.append((by_id[item["line"]], item["amount"]))
        note = issuing.credit_invoice(
            actor=self.membership, invoice=invoice, lines=lines, reason=data["reason"],
            release_hours=data["release_hours"],
        )  # fmt: skip
        return self._respond(note, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(**LINES, summary="The lines of an invoice"),
    retrieve=extend_schema(**LINES, summary="One line"),
    destroy=extend_schema(**LINES, summary="Remove a line of a draft (treasurer)"),
)
class InvoiceLineViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, CoopScopedViewSet
):
    serializer_class = InvoiceLineSerializer
    write_roles = TREASURER
    pagination_class = None
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def _invoice(self) -> Invoice:
        invoice = (
            Invoice.objects.filter(cooperative=self.cooperative, pk=self.kwargs["invoice_id"])
            .select_related("client", "cooperative")
            .first()
        )
        if invoice is None:
            raise Http404
        return invoice

    def scoped_queryset(self, cooperative):
        return InvoiceLine.objects.filter(
            invoice__cooperative=cooperative, invoice_id=self.kwargs["invoice_id"]
        ).select_related("invoice__client", "invoice__cooperative")

    @extend_schema(
        **LINES,
        request=InvoiceLineWriteSerializer,
        responses={201: InvoiceLineSerializer},
        summary="Add a manual line to a draft (treasurer)",
    )
    def create(self, request, coop_slug, invoice_id=None):
        invoice = self._invoice()
        serializer = InvoiceLineWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        line = invoice_lines.add_line(
            actor=self.membership, invoice=invoice, **serializer.validated_data
        )
        return Response(InvoiceLineSerializer(line).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        **LINES,
        request=InvoiceLineWriteSerializer(partial=True),
        responses=InvoiceLineSerializer,
        summary="Change a line of a draft (treasurer)",
    )
    def partial_update(self, request, coop_slug, invoice_id=None, pk=None):
        line = self.get_object()
        serializer = InvoiceLineWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        line = invoice_lines.update_line(
            actor=self.membership, line=line, **serializer.validated_data
        )
        return Response(InvoiceLineSerializer(line).data)

    def perform_destroy(self, instance):
        invoice_lines.remove_line(actor=self.membership, line=instance)


class UnbilledViewSet(CoopScopedViewSet):
    """Unbilled billable minutes of a period, per client, project and member."""

    serializer_class = UnbilledRowSerializer
    model = Client
    pagination_class = None

    def scoped_queryset(self, cooperative):
        return Client.objects.filter(cooperative=cooperative)

    @extend_schema(
        parameters=[COOP_SLUG, UnbilledQuerySerializer],
        responses=UnbilledRowSerializer(many=True),
        summary="Unbilled hours of a period (every member may read)",
    )
    def list(self, request, coop_slug):
        query = UnbilledQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        client = None
        if "client" in query.validated_data:
            client = (
                self.scoped_queryset(self.cooperative)
                .filter(pk=query.validated_data["client"])
                .first()
            )
            if client is None:
                raise InvalidInput(gettext("No such client in this co-op."), field="client")
        if query.validated_data["end"] < query.validated_data["start"]:
            raise InvalidInput(gettext("The period ends before it starts."), field="end")
        rows = unbilled_summary(
            self.cooperative, query.validated_data["start"], query.validated_data["end"], client
        )
        return Response(UnbilledRowSerializer(rows, many=True).data)

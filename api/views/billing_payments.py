"""Payments of invoices, sending an invoice, open balances and the aging report.

Plain routes beside the invoices' own viewset: `invoices/{invoice_id}/payments/`,
`invoices/{invoice_id}/send/`, `payments/`, `balances/`, `billing/aging/`. Every member reads;
the treasurer writes.
"""

import datetime

import django_filters
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.filters import IdFilter, MonthFilter
from api.idempotency import IdempotentCreateMixin, idempotent
from api.permissions import HasCoopRole, TokenScope
from api.scoping import CooperativeScopedMixin
from api.serializers.billing_payments import (
    AgingSerializer,
    BalanceSerializer,
    InvoiceSentSerializer,
    PaymentSerializer,
)
from api.views.core import COOP_SLUG, CoopScopedViewSet
from billing import balances, payments, sending
from billing.models import Invoice, Payment, PaymentRevenue
from coop.clock import today_in
from coop.models.cooperative import Role

TREASURER = (Role.TREASURER,)
INVOICE_ID = OpenApiParameter("invoice_id", int, OpenApiParameter.PATH, description="invoice id")
SCHEMA = {"parameters": [COOP_SLUG]}
ON_INVOICE = {"parameters": [COOP_SLUG, INVOICE_ID]}


class PaymentFilter(django_filters.FilterSet):
    client = IdFilter(field_name="invoice__client", help_text="a client id")
    month = MonthFilter(field_name="received_on", help_text="received in this month, YYYY-MM")

    class Meta:
        model = Payment
        fields = ["client", "month"]


def _payments(cooperative):
    return (
        Payment.objects.filter(cooperative=cooperative)
        .select_related("invoice")
        .prefetch_related(
            Prefetch("revenue_links", queryset=PaymentRevenue.objects.only("payment", "revenue"))
        )
    )


class InvoiceScoped:
    """The invoice named by the route, of the caller's co-op (404 otherwise)."""

    def invoice(self) -> Invoice:
        if getattr(self, "swagger_fake_view", False):
            return Invoice()
        invoice_id = self.kwargs["invoice_id"]
        found = (
            Invoice.objects.select_related("cooperative", "client")
            .filter(cooperative=self.cooperative, pk=invoice_id)
            .first()
        )
        if found is None:
            raise Http404
        return found


@extend_schema_view(
    list=extend_schema(**ON_INVOICE, summary="Payments of one invoice (every member may read)"),
    create=extend_schema(
        **ON_INVOICE,
        summary="Record a payment of an issued invoice (treasurer); it becomes the month's revenue",
    ),
)
class InvoicePaymentViewSet(
    IdempotentCreateMixin,
    InvoiceScoped,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    CoopScopedViewSet,
):
    serializer_class = PaymentSerializer
    write_roles = TREASURER
    ordering_fields = ["received_on", "amount"]

    def scoped_queryset(self, cooperative):
        return _payments(cooperative).filter(invoice=self.invoice())

    def perform_create(self, serializer):
        serializer.instance = payments.record_payment(
            actor=self.membership, invoice=self.invoice(), **serializer.validated_data
        )


@extend_schema_view(
    list=extend_schema(**SCHEMA, summary="Payments of invoices (every member may read)"),
    retrieve=extend_schema(**SCHEMA, summary="One payment, with the revenue it made"),
    destroy=extend_schema(
        **SCHEMA,
        summary="Remove a payment (treasurer): its revenue is deleted, or taken back by a "
        "correction in the current month when its month was distributed",
    ),
)
class PaymentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    CoopScopedViewSet,
):
    serializer_class = PaymentSerializer
    write_roles = TREASURER
    filterset_class = PaymentFilter
    ordering_fields = ["received_on", "amount"]

    def scoped_queryset(self, cooperative):
        return _payments(cooperative)

    def perform_destroy(self, instance):
        payments.remove_payment(actor=self.membership, payment=instance)


class SendInvoiceViewSet(InvoiceScoped, CoopScopedViewSet):
    serializer_class = InvoiceSentSerializer
    write_roles = TREASURER
    model = Invoice

    def scoped_queryset(self, cooperative):
        return Invoice.objects.filter(cooperative=cooperative)

    @idempotent
    @extend_schema(
        **ON_INVOICE,
        request=None,
        responses={202: InvoiceSentSerializer},
        summary="E-mail an issued invoice to the client (treasurer), with its PDF, once",
    )
    def create(self, request, coop_slug, invoice_id):
        """Sent by the worker once the invoice's PDF is made; 400 `invoice_email` when the
        client has none, 409 for a draft or an invoice sent already."""
        invoice = sending.send_invoice(actor=self.membership, invoice=self.invoice())
        return Response(self.get_serializer(invoice).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    list=extend_schema(
        parameters=[COOP_SLUG, OpenApiParameter("client", int, description="one client's")],
        summary="Open balances per client and currency (every member may read)",
    )
)
class BalanceViewSet(mixins.ListModelMixin, CoopScopedViewSet):
    serializer_class = BalanceSerializer
    model = Invoice
    pagination_class = None
    filter_backends: list = []

    def scoped_queryset(self, cooperative):
        return Invoice.objects.filter(cooperative=cooperative)

    def list(self, request, coop_slug):
        client = request.query_params.get("client", "")
        if client and not client.isdigit():
            raise ValidationError({"client": ["A client id is a whole number."]})
        found = self.cooperative.clients.filter(pk=client).first() if client else None
        if client and found is None:
            raise ValidationError({"client": ["No such client."]})
        rows = balances.balances(self.cooperative, found)
        return Response(BalanceSerializer(rows, many=True).data)


class AgingView(CooperativeScopedMixin, generics.GenericAPIView):
    """The aging report: one object with a report per currency."""

    serializer_class = AgingSerializer
    permission_classes = [TokenScope, HasCoopRole]
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return Invoice.objects.none()

    @extend_schema(
        parameters=[
            COOP_SLUG,
            OpenApiParameter("on", datetime.date, description="the day to age on (today)"),
        ],
        responses=AgingSerializer,
        summary="Aging: open amounts by client and days past due, per currency",
    )
    def get(self, request, coop_slug):
        on = request.query_params.get("on")
        try:
            day = datetime.date.fromisoformat(on) if on else today_in(self.cooperative)
        except ValueError:
            raise ValidationError({"on": ["Give the day as YYYY-MM-DD."]}) from None
        reports = balances.aging(self.cooperative, day)
        return Response(AgingSerializer({"on": day, "currencies": reports}).data)

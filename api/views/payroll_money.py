"""Revenue and expenses: every member reads them; the treasurer records and decides them."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from api.filters import ExpenseFilter, RevenueFilter
from api.idempotency import IdempotentCreateMixin, idempotent
from api.serializers.payroll import ExpenseSerializer, RevenueSerializer
from api.views.core import COOP_SLUG, CoopScopedViewSet
from coop.models.cooperative import Role
from payroll.downloads import OTHER_FILE, RECEIPT_TYPES, receipt_response
from payroll.models import Expense, Revenue
from payroll.services import money_in, spending

SCHEMA = {"parameters": [COOP_SLUG]}
TREASURER = (Role.TREASURER,)
FILE = OpenApiResponse(OpenApiTypes.BINARY, description="the file")


@extend_schema_view(
    list=extend_schema(**SCHEMA, summary="Revenue received (every member may read)"),
    retrieve=extend_schema(**SCHEMA, summary="One payment received"),
    create=extend_schema(**SCHEMA, summary="Record revenue (treasurer)"),
    destroy=extend_schema(**SCHEMA, summary="Delete revenue of an open month (treasurer)"),
)
class RevenueViewSet(
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    CoopScopedViewSet,
):
    serializer_class = RevenueSerializer
    write_roles = TREASURER
    filterset_class = RevenueFilter
    ordering_fields = ["received_on", "amount"]

    def scoped_queryset(self, cooperative):
        return Revenue.objects.filter(cooperative=cooperative).select_related("client")

    def perform_create(self, serializer):
        serializer.instance = money_in.record_revenue(
            actor=self.membership, cooperative=self.cooperative, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        money_in.delete_revenue(actor=self.membership, revenue=instance)


@extend_schema_view(
    list=extend_schema(**SCHEMA, summary="Expenses (every member may read)"),
    retrieve=extend_schema(**SCHEMA, summary="One expense, with its status"),
    create=extend_schema(**SCHEMA, summary="Record an expense (treasurer)"),
)
class ExpenseViewSet(
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    CoopScopedViewSet,
):
    serializer_class = ExpenseSerializer
    write_roles = TREASURER
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_class = ExpenseFilter
    ordering_fields = ["date", "amount"]

    def scoped_queryset(self, cooperative):
        return Expense.objects.filter(cooperative=cooperative)

    def perform_create(self, serializer):
        serializer.instance = spending.record_expense(
            actor=self.membership, cooperative=self.cooperative, **serializer.validated_data
        )

    @extend_schema(
        **SCHEMA,
        responses={
            **{(200, media_type): FILE for media_type in (*RECEIPT_TYPES, OTHER_FILE)},
            404: OpenApiResponse(description="no such expense, or it has no receipt"),
        },
        summary="Download an expense's receipt",
    )
    @action(detail=True, methods=["get"])
    def receipt(self, request, coop_slug, pk=None):
        """The receipt file as an attachment: a PDF or an image (any other file as bytes)."""
        return receipt_response(self.get_object())

    @idempotent
    @extend_schema(**SCHEMA, request=None, responses=ExpenseSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, coop_slug, pk=None):
        """Approve (up to the bylaws' spending limit; above it a spending proposal decides)."""
        expense = spending.decide_expense(
            actor=self.membership, expense=self.get_object(), approve=True
        )
        return Response(self.get_serializer(expense).data)

    @idempotent
    @extend_schema(**SCHEMA, request=None, responses=ExpenseSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, coop_slug, pk=None):
        """Reject a submitted expense (treasurer): it never counts in a distribution."""
        expense = spending.decide_expense(
            actor=self.membership, expense=self.get_object(), approve=False
        )
        return Response(self.get_serializer(expense).data)

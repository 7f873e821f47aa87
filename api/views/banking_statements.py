"""Bank statements: upload (with a preview), the imported statements, their transactions.

Every member reads; the treasurer uploads. A refused file answers 400 naming the line or
element (or the statement and the figures), 409 when it was imported before, 413 when it is
larger than `banking.importing.MAX_IMPORT_BYTES`.
"""

import django_filters
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from api.filters import IdFilter
from api.serializers.banking_statements import (
    BankStatementSerializer,
    BankTransactionSerializer,
    ImportPreviewSerializer,
    ImportResultSerializer,
    StatementUploadSerializer,
)
from api.views.core import COOP_SLUG, CoopScopedViewSet
from banking import importing, statement_selectors
from banking.models import BankStatement, BankTransaction
from coop.models.cooperative import Role

PREVIEW = OpenApiParameter(
    "preview", bool, description="true: check the file and answer what it would add; write nothing"
)


class BankStatementFilter(django_filters.FilterSet):
    account = IdFilter(field_name="account_id", help_text="bank account id")

    class Meta:
        model = BankStatement
        fields = ["account"]


class BankTransactionFilter(django_filters.FilterSet):
    account = IdFilter(field_name="account_id", help_text="bank account id")
    statement = IdFilter(field_name="statement_id", help_text="statement id")
    booking_date = django_filters.DateFromToRangeFilter(
        help_text="`booking_date_after` and/or `booking_date_before` (inclusive, YYYY-MM-DD)"
    )

    class Meta:
        model = BankTransaction
        fields = ["account", "statement", "booking_date"]


@extend_schema_view(
    list=extend_schema(parameters=[COOP_SLUG], summary="Imported bank statements"),
    retrieve=extend_schema(parameters=[COOP_SLUG], summary="One imported bank statement"),
)
class BankStatementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CoopScopedViewSet):
    serializer_class = BankStatementSerializer
    filterset_class = BankStatementFilter
    write_roles = (Role.TREASURER,)
    ordering_fields = ["closing_date", "imported_at"]
    ordering = ["-closing_date", "-id"]
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = [MultiPartParser, FormParser]

    def scoped_queryset(self, cooperative):
        return statement_selectors.statements_of(cooperative)

    @extend_schema(
        parameters=[COOP_SLUG, PREVIEW],
        request={"multipart/form-data": StatementUploadSerializer},
        responses={
            201: ImportResultSerializer,
            200: OpenApiResponse(ImportPreviewSerializer, description="a preview (?preview=true)"),
            400: OpenApiResponse(description="the file or a statement in it is refused"),
            409: OpenApiResponse(description="the file was imported before"),
            413: OpenApiResponse(description="the file is over 50 MB"),
        },
        summary="Import a bank statement file (treasurer): all its statements, or none",
    )
    def create(self, request, coop_slug):
        upload = request.FILES.get("file")
        if upload is not None:
            importing.check_import_size(upload.size)  # before it is read: a 413
        serializer = StatementUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        options = serializer.validated_data
        account = None
        if options["account"] is not None:
            account = (
                statement_selectors.accounts_of(self.cooperative)
                .filter(pk=options["account"])
                .first()
            )
            if account is None:
                raise ValidationError({"account": ["The co-op has no such bank account."]})
        if request.query_params.get("preview", "").lower() in ("1", "true", "yes"):
            preview = importing.preview_statement(
                actor=self.membership,
                cooperative=self.cooperative,
                data=options["file"],
                format=options["format"],
                account=account,
                closing_balance=options["closing_balance"],
            )
            return Response(ImportPreviewSerializer(preview).data)
        result = importing.import_statement(
            actor=self.membership,
            cooperative=self.cooperative,
            data=options["file"],
            file_name=options["file"].name or "",
            format=options["format"],
            account=account,
            closing_balance=options["closing_balance"],
        )
        body = ImportResultSerializer(result, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        parameters=[COOP_SLUG],
        summary="Bank transactions (filter by account, statement, booking date)",
    ),
    retrieve=extend_schema(parameters=[COOP_SLUG], summary="One bank transaction"),
)
class BankTransactionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CoopScopedViewSet):
    serializer_class = BankTransactionSerializer
    filterset_class = BankTransactionFilter
    ordering_fields = ["booking_date", "amount"]
    ordering = ["booking_date", "id"]

    def scoped_queryset(self, cooperative):
        return statement_selectors.transactions_of(cooperative)

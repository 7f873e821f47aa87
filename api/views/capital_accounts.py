"""Members' capital accounts: balances, the ledger, entries and yearly statements."""

from django.db.models import Sum
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from api.idempotency import idempotent
from api.serializers.capital_statements import CapitalStatementSerializer, CapitalYearRowSerializer
from api.serializers.payroll import CapitalAccountSerializer, CapitalEntrySerializer
from api.views.core import COOP_SLUG, CoopScopedViewSet
from api.views.patronage import NoticeActions
from coop import pdf
from coop.models.cooperative import Role
from payroll import capital, capital_statement_pdf, selectors
from payroll.capital_statements import statement_file_name
from payroll.models import CapitalAccountEntry

SCHEMA = {"parameters": [COOP_SLUG]}


@extend_schema_view(list=extend_schema(**SCHEMA, summary="Capital account balances"))
class CapitalAccountViewSet(NoticeActions, mixins.ListModelMixin, CoopScopedViewSet):
    """Internal capital accounts: yours, or everyone's for the treasurer."""

    serializer_class = CapitalAccountSerializer
    model = CapitalAccountEntry
    pagination_class = None
    filter_backends: list = []  # balances come in member order; `?ordering=` is not read

    departed_may = ("list", "entries", "statement", "statement_pdf", "notice", "notice_pdf")

    def scoped_queryset(self, cooperative):
        return selectors.capital_entries_for(self.membership)

    def list(self, request, coop_slug):
        balances = (
            self.get_queryset()
            .values("member_id", "member__user__full_name", "member__user__email")
            .annotate(balance=Sum("amount"))
            .order_by("member_id")
        )
        return Response(
            [
                {
                    "member": row["member_id"],
                    "name": row["member__user__full_name"] or row["member__user__email"],
                    "balance": f"{row['balance']:.2f}",
                }
                for row in balances
            ]
        )

    @extend_schema(
        parameters=[
            COOP_SLUG,
            OpenApiParameter("member", int, description="one member's entries (a member id)"),
        ],
        responses=CapitalEntrySerializer(many=True),
        summary="The capital ledger",
    )
    @action(detail=False, methods=["get"], filter_backends=[])
    def entries(self, request, coop_slug):
        """The ledger: your entries, or everyone's for the treasurer (`?member=` for one)."""
        member = request.query_params.get("member")
        if member and member.isdigit():  # one account: the same rule as its page
            _, ledger = selectors.capital_ledger_for(self.membership, int(member))
            entries = [line.entry for line in ledger]
        else:
            entries = self.get_queryset().order_by("member_id", "date", "id")
        return Response(CapitalEntrySerializer(entries, many=True).data)

    @idempotent
    @extend_schema(
        **SCHEMA,
        request=CapitalEntrySerializer,
        responses={201: CapitalEntrySerializer},
        summary="Record a redemption or an adjustment (treasurer)",
    )
    @entries.mapping.post
    def record_entry(self, request, coop_slug):
        """Record a redemption or an adjustment of a member's capital account (treasurer)."""
        if not self.membership.has_role(Role.TREASURER):
            raise PermissionDenied("Only the treasurer records capital entries.")
        serializer = CapitalEntrySerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        entry = capital.record_capital_entry(actor=self.membership, **serializer.validated_data)
        return Response(CapitalEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            COOP_SLUG,
            OpenApiParameter("member_id", int, OpenApiParameter.PATH, description="a member id"),
            OpenApiParameter("year", int, OpenApiParameter.PATH, description="a calendar year"),
        ],
        responses=CapitalStatementSerializer,
        summary="A member's annual capital statement",
    )
    @action(
        detail=False,
        methods=["get"],
        url_path=r"(?P<member_id>[0-9]+)/statements/(?P<year>[0-9]{4})",
        filter_backends=[],
    )
    def statement(self, request, coop_slug, member_id, year):
        """Your statement of a year, or anyone's for the treasurer: the balance on January 1,
        the year's totals by kind and entries, the balance on December 31, and the PDF's link."""
        statement, _years = selectors.capital_statement_for(self.membership, member_id, int(year))
        context = self.get_serializer_context()
        return Response(CapitalStatementSerializer(statement, context=context).data)

    @extend_schema(
        parameters=[
            COOP_SLUG,
            OpenApiParameter("member_id", int, OpenApiParameter.PATH, description="a member id"),
            OpenApiParameter("year", int, OpenApiParameter.PATH, description="a calendar year"),
        ],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        summary="A member's annual capital statement (PDF)",
    )
    @action(
        detail=False,
        methods=["get"],
        url_path=r"(?P<member_id>[0-9]+)/statements/(?P<year>[0-9]{4})/pdf",
        url_name="statement-pdf",
        filter_backends=[],
    )
    def statement_pdf(self, request, coop_slug, member_id, year):
        """The same statement as a PDF, in the language of the request."""
        statement, _years = selectors.capital_statement_for(self.membership, member_id, int(year))
        return pdf.pdf_response(
            capital_statement_pdf.build(statement), statement_file_name(statement)
        )

    @extend_schema(
        parameters=[
            COOP_SLUG,
            OpenApiParameter("year", int, OpenApiParameter.PATH, description="a calendar year"),
        ],
        responses=CapitalYearRowSerializer(many=True),
        summary="Every member's opening and closing balance of a year (treasurer)",
    )
    @action(
        detail=False,
        methods=["get"],
        url_path=r"statements/(?P<year>[0-9]{4})",
        url_name="year",
        filter_backends=[],
    )
    def year(self, request, coop_slug, year):
        """The treasurer's list of a year's statements; 404 for anyone else."""
        rows, _years = selectors.capital_year_for(self.membership, int(year))
        return Response(CapitalYearRowSerializer(rows, many=True).data)

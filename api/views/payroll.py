"""Revenue, expenses, policies, monthly distributions, their documents, capital accounts."""

from django.db.models import Sum
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from api.filters import ExpenseFilter, RevenueFilter
from api.idempotency import IdempotentCreateMixin, idempotent
from api.serializers.capital_statements import CapitalStatementSerializer, CapitalYearRowSerializer
from api.serializers.payroll import (
    CapitalAccountSerializer,
    CapitalEntrySerializer,
    DistributionCreateSerializer,
    DistributionDetailSerializer,
    DistributionSerializer,
    ExpenseSerializer,
    PolicySerializer,
    RevenueSerializer,
)
from api.serializers.payroll_shares import (
    BuyinInstalmentChangeSerializer,
    BuyinInstalmentSerializer,
)
from api.views.core import COOP_SLUG, CoopScopedViewSet
from api.views.patronage import NoticeActions
from coop import pdf
from coop.errors import InvalidInputs
from coop.models.cooperative import Role
from payroll import (
    capital,
    capital_statement_pdf,
    distributing,
    document_state,
    selectors,
    services,
    shares,
)
from payroll.capital_statements import statement_file_name
from payroll.downloads import OTHER_FILE, RECEIPT_TYPES, document_response, receipt_response
from payroll.models import (
    CapitalAccountEntry,
    Distribution,
    DistributionDocument,
    DistributionPolicy,
    Expense,
    Revenue,
)
from payroll.simulation import SimulationError, simulate

SCHEMA = {"parameters": [COOP_SLUG]}
TREASURER = (Role.TREASURER,)
# One read rule for the pages and the API (payroll.selectors): what the viewer may not read is
# not found, never forbidden.
NOT_YOURS = OpenApiResponse(
    description="not found: another member's payslip or capital account, or the payments CSV "
    "or SEPA file for anyone but the treasurer (the pages answer the same)"
)
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
        serializer.instance = services.record_revenue(
            actor=self.membership, cooperative=self.cooperative, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.delete_revenue(actor=self.membership, revenue=instance)


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
        serializer.instance = services.record_expense(
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
        expense = services.decide_expense(
            actor=self.membership, expense=self.get_object(), approve=True
        )
        return Response(self.get_serializer(expense).data)

    @idempotent
    @extend_schema(**SCHEMA, request=None, responses=ExpenseSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, coop_slug, pk=None):
        """Reject a submitted expense (treasurer): it never counts in a distribution."""
        expense = services.decide_expense(
            actor=self.membership, expense=self.get_object(), approve=False
        )
        return Response(self.get_serializer(expense).data)


@extend_schema_view(
    list=extend_schema(**SCHEMA, summary="Policy versions, newest first"),
    retrieve=extend_schema(**SCHEMA, summary="One version of the distribution policy"),
    create=extend_schema(**SCHEMA, summary="Adopt a new policy version (treasurer)"),
)
class PolicyViewSet(
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    CoopScopedViewSet,
):
    serializer_class = PolicySerializer
    write_roles = TREASURER

    def scoped_queryset(self, cooperative):
        return DistributionPolicy.objects.filter(cooperative=cooperative)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data["commons_recipients"] = [
            {k: str(v) if k == "weight" else v for k, v in r.items()}
            for r in data.get("commons_recipients", [])
        ]
        serializer.instance = services.adopt_policy(
            actor=self.membership, cooperative=self.cooperative, **data
        )


@extend_schema_view(
    list=extend_schema(**SCHEMA, summary="Monthly distributions"),
    retrieve=extend_schema(
        **SCHEMA,
        summary="A distribution with its lines",
        description="A draft also lists `stale_inputs`: what changed in its month since it was "
        "computed (empty when it is current); recompute it to use the month's data now.",
        responses=DistributionDetailSerializer,
    ),
)
class DistributionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CoopScopedViewSet):
    """Every member reads every distribution (bank details only their own); the treasurer runs
    them: draft a month, recompute, approve (or put to a vote), mark as paid, void a draft."""

    serializer_class = DistributionSerializer
    write_roles = TREASURER

    def get_serializer_class(self):
        return DistributionDetailSerializer if self.action == "retrieve" else DistributionSerializer

    departed_may = ("payslip",)  # a departed member's own payslips (payroll.selectors)
    filterset_fields = ["status"]

    def scoped_queryset(self, cooperative):
        return (
            Distribution.objects.filter(cooperative=cooperative)
            .select_related("policy")
            .prefetch_related("lines", "documents", "document_failures")
        )

    def _respond(self, distribution, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=distribution.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    @idempotent
    @extend_schema(
        **SCHEMA, request=DistributionCreateSerializer, responses={201: DistributionSerializer}
    )
    def create(self, request, coop_slug):
        """Draft the distribution of a month with the current policy."""
        serializer = DistributionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        distribution = distributing.create_draft(
            actor=self.membership,
            cooperative=self.cooperative,
            month=serializer.validated_data["month"],
        )
        return self._respond(distribution, status.HTTP_201_CREATED)

    @idempotent
    @extend_schema(**SCHEMA, request=None, responses=DistributionSerializer)
    @action(detail=True, methods=["post"])
    def recompute(self, request, coop_slug, pk=None):
        distribution = distributing.recompute_draft(
            actor=self.membership, distribution=self.get_object()
        )
        return self._respond(distribution)

    @idempotent
    @extend_schema(**SCHEMA, request=None, responses=DistributionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, coop_slug, pk=None):
        """Approve the draft (or, when the policy says so, open the vote that approves it)."""
        distribution = distributing.approve_distribution(
            actor=self.membership, distribution=self.get_object()
        )
        return self._respond(distribution)

    @idempotent
    @extend_schema(**SCHEMA, request=None, responses=DistributionSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, coop_slug, pk=None):
        """Mark an approved distribution as paid."""
        distribution = distributing.mark_paid(actor=self.membership, distribution=self.get_object())
        return self._respond(distribution)

    @idempotent
    @extend_schema(**SCHEMA, request=None, responses=DistributionSerializer)
    @action(detail=True, methods=["post"])
    def regenerate(self, request, coop_slug, pk=None):
        """Make the files that failed (`failed_documents`) again, after the cause was fixed."""
        distribution = distributing.regenerate_documents(
            actor=self.membership, distribution=self.get_object()
        )
        return self._respond(distribution)

    @idempotent
    @extend_schema(**SCHEMA, request=None, responses=DistributionSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request, coop_slug, pk=None):
        distribution = distributing.void_draft(
            actor=self.membership, distribution=self.get_object()
        )
        return self._respond(distribution)

    def _document(self, distribution, kind, member=None):
        document = DistributionDocument.objects.filter(
            distribution=distribution, kind=kind, member=member
        ).first()
        if document is None:
            raise document_state.document_missing(distribution, kind, member)
        return document_response(document)

    @extend_schema(**SCHEMA, responses={(200, "application/pdf"): FILE, 404: NOT_YOURS})
    @action(detail=True, methods=["get"], url_path=r"payslips/(?P<member_id>\d+)")
    def payslip(self, request, coop_slug, pk=None, member_id=None):
        """A member's payslip (PDF): the member's own, or anyone's for the treasurer."""
        distribution, member = selectors.payslip_for(self.membership, pk, member_id)
        return self._document(distribution, "payslip", member)

    @extend_schema(**SCHEMA, responses={(200, "application/pdf"): FILE})
    @action(detail=True, methods=["get"])
    def report(self, request, coop_slug, pk=None):
        """The distribution report (PDF) for the co-op."""
        return self._document(
            selectors.distribution_file_for(self.membership, pk, "report"), "report"
        )

    @extend_schema(**SCHEMA, responses={(200, "text/csv"): FILE, 404: NOT_YOURS})
    @action(detail=True, methods=["get"])
    def csv(self, request, coop_slug, pk=None):
        """The payments as CSV (treasurer)."""
        return self._document(selectors.distribution_file_for(self.membership, pk, "csv"), "csv")

    @extend_schema(**SCHEMA, responses={(200, "application/xml"): FILE, 404: NOT_YOURS})
    @action(detail=True, methods=["get"])
    def sepa(self, request, coop_slug, pk=None):
        """The SEPA credit transfer file, pain.001 (treasurer)."""
        return self._document(selectors.distribution_file_for(self.membership, pk, "sepa"), "sepa")

    def _instalments(self, distribution):
        rows = [
            {
                "member": buyin.member_id,
                "name": buyin.name,
                "cash_share": member_line.cash + buyin.retained,
                "instalment": buyin.retained,
                "paid": member_line.cash,
            }
            for member_line, buyin in shares.instalment_lines(distribution)
        ]
        return Response(BuyinInstalmentSerializer(rows, many=True).data)

    @extend_schema(
        **SCHEMA,
        responses=BuyinInstalmentSerializer(many=True),
        summary="The buy-in instalments taken from the members' cash shares",
    )
    @action(detail=True, methods=["get"], url_path="buyin-instalments")
    def buyin_instalments(self, request, coop_slug, pk=None):
        return self._instalments(self.get_object())

    @idempotent
    @extend_schema(
        **SCHEMA,
        request=BuyinInstalmentChangeSerializer,
        responses=BuyinInstalmentSerializer(many=True),
        summary="Change a member's buy-in instalment in a draft (treasurer)",
    )
    @buyin_instalments.mapping.post
    def change_buyin_instalment(self, request, coop_slug, pk=None):
        """Refused with a 400 naming the rule when the instalment is more than the member's cash
        share, the bylaws' monthly maximum or what remains of the buy-in; 409 unless a draft."""
        serializer = BuyinInstalmentChangeSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        distribution = shares.set_instalment(
            actor=self.membership, distribution=self.get_object(), **serializer.validated_data
        )
        return self._instalments(distribution)

    @extend_schema(
        **SCHEMA,
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="the computed split")},
    )
    @action(detail=False, methods=["post"])
    def simulate(self, request, coop_slug):
        """Compute a distribution from given figures and policy, writing nothing.

        Any member may simulate (treasurers compare policies before a vote)."""
        try:
            return Response(simulate(request.data))
        except SimulationError as error:
            raise InvalidInputs(error.errors) from None

    def get_permissions(self):
        if self.action == "simulate":
            self.write_roles = ()
        return super().get_permissions()


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

"""Monthly distributions: drafted, approved and paid; their payslips, report and bank files."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.idempotency import idempotent
from api.serializers.payroll import (
    DistributionCreateSerializer,
    DistributionDetailSerializer,
    DistributionSerializer,
)
from api.serializers.payroll_shares import (
    BuyinInstalmentChangeSerializer,
    BuyinInstalmentSerializer,
)
from api.views.core import COOP_SLUG, CoopScopedViewSet
from coop.errors import InvalidInputs
from coop.models.cooperative import Role
from payroll import distributing, document_state, selectors, shares
from payroll.downloads import document_response
from payroll.models import Distribution, DistributionDocument
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

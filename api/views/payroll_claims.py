"""Members' expense claims: any member files and withdraws their own; the treasurer decides."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from api.idempotency import IdempotentCreateMixin, idempotent
from api.serializers.governance import ProposalSerializer
from api.serializers.payroll_claims import ExpenseClaimSerializer, RejectClaimSerializer
from api.views.core import COOP_SLUG, CoopScopedViewSet
from coop.models.cooperative import Role
from payroll import claims
from payroll.claim_selectors import visible_claims
from payroll.downloads import RECEIPT_TYPES, receipt_response

SCHEMA = {"parameters": [COOP_SLUG]}
FILE = OpenApiResponse(OpenApiTypes.BINARY, description="the receipt")
TREASURER_ACTIONS = ("approve", "reject", "propose")


@extend_schema_view(
    list=extend_schema(
        **SCHEMA, summary="Expense claims: a member's own; the treasurer's, all the co-op's"
    ),
    retrieve=extend_schema(**SCHEMA, summary="One expense claim and where it stands"),
    create=extend_schema(**SCHEMA, summary="File an expense claim with its receipt (any member)"),
)
class ExpenseClaimViewSet(
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    CoopScopedViewSet,
):
    serializer_class = ExpenseClaimSerializer
    filterset_fields = ["status"]
    ordering_fields = ["date", "amount", "created_at"]

    def get_permissions(self):
        # Deciding is the treasurer's: refuse others before reading the body. Filing and
        # withdrawing are any member's (the service checks it is their own claim).
        self.write_roles = (Role.TREASURER,) if self.action in TREASURER_ACTIONS else ()
        return super().get_permissions()

    def scoped_queryset(self, cooperative):
        return visible_claims(self.membership)

    def perform_create(self, serializer):
        serializer.instance = claims.file_claim(actor=self.membership, **serializer.validated_data)

    @extend_schema(
        **SCHEMA,
        responses={
            **{(200, media_type): FILE for media_type in RECEIPT_TYPES},
            404: OpenApiResponse(description="no such claim, or another member's"),
        },
        summary="Download a claim's receipt (its member and the treasurer)",
    )
    @action(detail=True, methods=["get"])
    def receipt(self, request, coop_slug, pk=None):
        return receipt_response(self.get_object())

    @idempotent
    @extend_schema(**SCHEMA, request=None, responses=ExpenseClaimSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, coop_slug, pk=None):
        """Approve a submitted claim up to the bylaws' spending limit (treasurer): it becomes an
        approved expense of its month and is paid back in that month's distribution."""
        claim = claims.approve_claim(actor=self.membership, claim=self.get_object())
        return Response(self.get_serializer(claim).data)

    @idempotent
    @extend_schema(**SCHEMA, request=RejectClaimSerializer, responses=ExpenseClaimSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, coop_slug, pk=None):
        """Reject a submitted claim, saying why (treasurer)."""
        body = RejectClaimSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        claim = claims.reject_claim(
            actor=self.membership, claim=self.get_object(), reason=body.validated_data["reason"]
        )
        return Response(self.get_serializer(claim).data)

    @idempotent
    @extend_schema(**SCHEMA, request=None, responses=ExpenseClaimSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, coop_slug, pk=None):
        """Withdraw one's own claim while it waits for a decision."""
        claim = claims.withdraw_claim(actor=self.membership, claim=self.get_object())
        return Response(self.get_serializer(claim).data)

    @idempotent
    @extend_schema(**SCHEMA, request=None, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def propose(self, request, coop_slug, pk=None):
        """Draft the spending proposal that decides a claim above the spending limit
        (treasurer); the same draft while one is in progress."""
        proposal = claims.draft_claim_proposal(actor=self.membership, claim=self.get_object())
        return Response(ProposalSerializer(proposal, context=self.get_serializer_context()).data)

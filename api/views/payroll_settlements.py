"""Settlements of departed members: the treasurer drafts, reschedules and approves; a departed
member reads their own until it is paid in full."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.idempotency import idempotent
from api.serializers.payroll_settlements import (
    DraftSettlementSerializer,
    ScheduleSerializer,
    SettlementSerializer,
)
from api.views.core import COOP_SLUG, CoopScopedViewSet
from coop.errors import InvalidInput
from coop.models import Member
from coop.models.cooperative import Role
from coop.pdf import pdf_response
from payroll import settlement_approval, settlement_pdf, settlements
from payroll.settlement_selectors import visible_settlements

SCHEMA = {"parameters": [COOP_SLUG]}


@extend_schema_view(
    list=extend_schema(
        **SCHEMA, summary="Settlements: a departed member's own; the treasurer's, all the co-op's"
    ),
    retrieve=extend_schema(**SCHEMA, summary="One settlement, its figures and its instalments"),
)
class SettlementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CoopScopedViewSet):
    serializer_class = SettlementSerializer
    filterset_fields = ["status"]
    ordering_fields = ["departed_on", "created_at"]
    write_roles = (Role.TREASURER,)
    departed_may = ("list", "retrieve", "pdf")  # their own settlement, until it is settled

    def scoped_queryset(self, cooperative):
        return visible_settlements(self.membership)

    def _member(self, member_id: int) -> Member:
        member = Member.objects.filter(cooperative=self.cooperative, pk=member_id).first()
        if member is None:
            raise InvalidInput(_("No member of this co-op has this id."), field="member")
        return member

    def _answer(self, settlement, code=status.HTTP_200_OK):
        settlement = visible_settlements(self.membership).get(pk=settlement.pk)
        return Response(self.get_serializer(settlement).data, status=code)

    @idempotent
    @extend_schema(
        **SCHEMA,
        request=DraftSettlementSerializer,
        responses={201: SettlementSerializer},
        summary="Draft the settlement of a departed member (treasurer; theirs if drafted)",
    )
    def create(self, request, coop_slug):
        body = DraftSettlementSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        member = self._member(body.validated_data["member"])
        settlement = settlements.draft_settlement(actor=self.membership, member=member)
        return self._answer(settlement, status.HTTP_201_CREATED)

    @idempotent
    @extend_schema(**SCHEMA, request=None, responses=SettlementSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, coop_slug, pk=None):
        """Approve a draft (treasurer), or put it to a membership vote where the bylaws say a
        vote approves settlements."""
        settlement = settlement_approval.approve_settlement(
            actor=self.membership, settlement=self.get_object()
        )
        return self._answer(settlement)

    @idempotent
    @extend_schema(**SCHEMA, request=None, responses=SettlementSerializer)
    @action(detail=True, methods=["post"])
    def recompute(self, request, coop_slug, pk=None):
        """Compute a draft again from the bylaws and the capital account as they are now."""
        settlement = settlements.recompute_settlement(
            actor=self.membership, settlement=self.get_object()
        )
        return self._answer(settlement)

    @idempotent
    @extend_schema(**SCHEMA, request=ScheduleSerializer, responses=SettlementSerializer)
    @action(detail=True, methods=["post"])
    def schedule(self, request, coop_slug, pk=None):
        """Set another schedule on a draft (treasurer): the instalments add up to the
        refundable amount and never pay more than the balance."""
        body = ScheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        settlement = settlements.set_schedule(
            actor=self.membership,
            settlement=self.get_object(),
            instalments=[dict(item) for item in body.validated_data["instalments"]],
        )
        return self._answer(settlement)

    @extend_schema(
        **SCHEMA,
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        summary="A settlement statement (PDF)",
    )
    @action(detail=True, methods=["get"], url_path="pdf", url_name="pdf", filter_backends=[])
    def pdf(self, request, coop_slug, pk=None):
        """The settlement as a PDF, in the language of the request: the figures, the payout
        schedule, what is paid and what is left, and the approval."""
        settlement = self.get_object()
        return pdf_response(settlement_pdf.build(settlement), settlement_pdf.file_name(settlement))

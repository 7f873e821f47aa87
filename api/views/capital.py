"""Interest runs, losses and the collective account of the capital accounts (the treasurer)."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from api.permissions import HasCoopRole, TokenScope
from api.scoping import CooperativeScopedMixin
from api.serializers.capital import (
    CollectiveAccountSerializer,
    InterestRequestSerializer,
    InterestRunSerializer,
    LossSerializer,
)
from api.views.core import COOP_SLUG, CoopScopedViewSet
from coop.models.cooperative import Role
from payroll import capital_interest, capital_losses, capital_selectors
from payroll.capital_models import CapitalInterestRun, CapitalLoss

SCHEMA = {"parameters": [COOP_SLUG]}
TREASURER = (Role.TREASURER,)


class CapitalInterestViewSet(CoopScopedViewSet):
    """Interest credited to the capital accounts, one run per period (the treasurer)."""

    serializer_class = InterestRunSerializer
    model = CapitalInterestRun
    write_roles = TREASURER
    pagination_class = None
    filter_backends: list = []

    def scoped_queryset(self, cooperative):
        return CapitalInterestRun.objects.filter(cooperative=cooperative)

    @extend_schema(**SCHEMA, summary="Interest runs, newest first (treasurer)")
    def list(self, request, coop_slug):
        runs = capital_selectors.interest_runs_for(self.membership)
        return Response(InterestRunSerializer(runs, many=True).data)

    @extend_schema(
        **SCHEMA,
        request=InterestRequestSerializer,
        responses={201: InterestRunSerializer},
        summary="Credit a period's interest to every capital account (treasurer; 409 if run)",
    )
    def create(self, request, coop_slug):
        body = InterestRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = capital_interest.run_capital_interest(
            actor=self.membership,
            cooperative=self.cooperative,
            period=body.validated_data.get("period") or None,
        )
        return Response(InterestRunSerializer(run).data, status=status.HTTP_201_CREATED)


class CapitalLossViewSet(CoopScopedViewSet):
    """Losses charged to the collective account and the members' capital (the treasurer)."""

    serializer_class = LossSerializer
    model = CapitalLoss
    write_roles = TREASURER
    pagination_class = None
    filter_backends: list = []

    def scoped_queryset(self, cooperative):
        return CapitalLoss.objects.filter(cooperative=cooperative)

    @extend_schema(**SCHEMA, summary="Losses charged, newest first (treasurer)")
    def list(self, request, coop_slug):
        losses = capital_selectors.capital_losses_for(self.membership)
        return Response(LossSerializer(losses, many=True).data)

    @extend_schema(
        **SCHEMA,
        request=LossSerializer,
        responses={201: LossSerializer},
        summary="Charge a period's loss as the bylaws say (treasurer)",
    )
    def create(self, request, coop_slug):
        body = LossSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        loss = capital_losses.record_capital_loss(
            actor=self.membership,
            cooperative=self.cooperative,
            period_start=body.validated_data["period_start"],
            period_end=body.validated_data["period_end"],
            amount=body.validated_data["amount"],
            note=body.validated_data.get("note", ""),
        )
        return Response(LossSerializer(loss).data, status=status.HTTP_201_CREATED)


class CollectiveAccountView(CooperativeScopedMixin, generics.GenericAPIView):
    """The collective account: the capital no member holds (the treasurer)."""

    serializer_class = CollectiveAccountSerializer
    permission_classes = [TokenScope, HasCoopRole]
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return CapitalLoss.objects.none()

    @extend_schema(**SCHEMA, summary="The collective account's ledger and balance (treasurer)")
    def get(self, request, coop_slug):
        ledger = capital_selectors.collective_ledger_for(self.membership)
        balance = ledger[-1].balance if ledger else Decimal("0")
        return Response(CollectiveAccountSerializer({"balance": balance, "entries": ledger}).data)

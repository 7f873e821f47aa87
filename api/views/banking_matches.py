"""The matches of bank transactions: suggestions to read, and the treasurer's confirm, change,
split, set aside and undo (banking.reconciling). Every member reads; the treasurer writes."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.idempotency import idempotent
from api.serializers.banking_matches import (
    BankMatchSerializer,
    ChangeSerializer,
    SplitSerializer,
)
from api.views.core import COOP_SLUG, CoopScopedViewSet
from banking import reconciling
from banking.models import BankMatch, BankTransaction, MatchKind
from billing.models import Invoice
from coop.models.cooperative import Role
from payroll.models import DistributionLine, Expense

SCHEMA = {"parameters": [COOP_SLUG]}
TARGET_MODELS = {
    MatchKind.INVOICE: (Invoice, "cooperative"),
    MatchKind.PAYOUT: (DistributionLine, "distribution__cooperative"),
    MatchKind.COMMONS: (DistributionLine, "distribution__cooperative"),
    MatchKind.EXPENSE: (Expense, "cooperative"),
}


def _target(cooperative, kind: str, target_id: int | None, field: str):
    """The co-op's object a part names (400 naming the field when there is none)."""
    if kind in (MatchKind.BANK_FEE, MatchKind.INTEREST):
        return kind
    model, scope = TARGET_MODELS[MatchKind(kind)]
    found = model.objects.filter(pk=target_id, **{scope: cooperative}).first()
    if target_id is None or found is None:
        message = _("There is no such %(what)s in this co-op.") % {"what": MatchKind(kind).label}
        raise ValidationError({field: [message]})
    return found


@extend_schema_view(
    list=extend_schema(**SCHEMA, summary="Suggested, confirmed and set-aside matches"),
    retrieve=extend_schema(**SCHEMA, summary="One match of a bank transaction"),
)
class BankMatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CoopScopedViewSet):
    serializer_class = BankMatchSerializer
    write_roles = (Role.TREASURER,)
    filterset_fields = ["status", "kind", "transaction"]
    ordering_fields = ["confidence", "id"]

    def scoped_queryset(self, cooperative):
        return BankMatch.objects.filter(
            transaction__account__cooperative=cooperative
        ).select_related("transaction", "transaction__account")

    def _respond(self, match: BankMatch) -> Response:
        match.refresh_from_db()
        return Response(self.get_serializer(match).data)

    @idempotent
    @extend_schema(**SCHEMA, request=None, responses=BankMatchSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, coop_slug, pk=None):
        """Confirm a suggestion (treasurer): records the payment, the line paid, the fee or the
        interest. 409 `already_matched` when the transaction is matched already."""
        match = reconciling.confirm_match(actor=self.membership, match=self.get_object())
        return self._respond(match)

    @idempotent
    @extend_schema(**SCHEMA, request=None, responses=BankMatchSerializer)
    @action(detail=True, methods=["post"])
    def undo(self, request, coop_slug, pk=None):
        """Undo a confirmed match (treasurer): takes back what confirming did; revenue of a
        distributed month is corrected in the open month."""
        match = self.get_object()
        reconciling.undo_match(actor=self.membership, match=match)
        return self._respond(match)

    @idempotent
    @extend_schema(**SCHEMA, request=None, responses=BankMatchSerializer)
    @action(detail=True, methods=["post"], url_path="set-aside")
    def set_aside(self, request, coop_slug, pk=None):
        """Set a suggestion aside (treasurer): it will not be suggested again."""
        match = reconciling.set_aside(actor=self.membership, match=self.get_object())
        return self._respond(match)

    @idempotent
    @extend_schema(**SCHEMA, request=ChangeSerializer, responses=BankMatchSerializer)
    @action(detail=True, methods=["post"])
    def change(self, request, coop_slug, pk=None):
        """Point a suggestion at another target (treasurer); confirm it next."""
        match = self.get_object()
        body = ChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        target = _target(self.cooperative, data["kind"], data.get("target"), "target")
        match = reconciling.change(
            actor=self.membership, match=match, target=target, amount=data.get("amount")
        )
        return self._respond(match)

    @idempotent
    @extend_schema(
        **SCHEMA, request=SplitSerializer, responses={201: BankMatchSerializer(many=True)}
    )
    @action(detail=False, methods=["post"])
    def split(self, request, coop_slug):
        """Match a transaction with several targets at once (treasurer): the parts' amounts add
        up to the transaction's, and all are confirmed or none."""
        body = SplitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        bank_tx = BankTransaction.objects.filter(
            pk=data["transaction"], account__cooperative=self.cooperative
        ).first()
        if bank_tx is None:
            raise Http404
        parts = [
            (_target(self.cooperative, part["kind"], part.get("target"), f"parts[{n}].target"),
             part["amount"])
            for n, part in enumerate(data["parts"])
        ]  # fmt: skip
        made = reconciling.split(
            actor=self.membership, transaction=bank_tx, parts=parts, note=data["note"]
        )
        return Response(self.get_serializer(made, many=True).data, status=201)

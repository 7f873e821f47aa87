"""Serializers for members' expense claims."""

from decimal import Decimal

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import MoneyField
from api.serializers.base import ModelSerializer, Serializer
from payroll.models import ExpenseClaim


class ClaimReceiptField(serializers.FileField):
    """Upload the receipt; read back the address of the API route that downloads it."""

    def get_attribute(self, instance):
        return instance

    def to_representation(self, claim) -> str:
        cooperative = self.context.get("cooperative") or claim.cooperative
        path = reverse(
            "api:expense-claim-receipt", kwargs={"coop_slug": cooperative.slug, "pk": claim.pk}
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ExpenseClaimSerializer(ModelSerializer):
    amount = MoneyField(min_value=Decimal("0.01"))
    receipt = ClaimReceiptField(
        help_text="a PDF, PNG or JPEG file (checked by its content, at most 10 MB); read back as "
        "the address of GET expense-claims/{id}/receipt/",
    )
    member_name = serializers.SerializerMethodField()

    class Meta:
        model = ExpenseClaim
        fields = [
            "id", "member", "member_name", "amount", "currency", "date", "payee", "category",
            "note", "receipt", "status", "rejection_reason", "decided_at", "proposal", "expense",
            "reimbursed_in", "reimbursed_at", "created_at",
        ]  # fmt: skip
        read_only_fields = [
            "member", "currency", "status", "rejection_reason", "decided_at", "proposal",
            "expense", "reimbursed_in", "reimbursed_at", "created_at",
        ]  # fmt: skip

    @extend_schema_field(serializers.CharField())
    def get_member_name(self, claim) -> str:
        return claim.member.display_name


class RejectClaimSerializer(Serializer):
    reason = serializers.CharField(max_length=2000, help_text="why the claim is rejected")

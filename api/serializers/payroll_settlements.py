"""Serializers for departed members' settlements."""

from decimal import Decimal

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import MoneyField
from api.serializers.base import ModelSerializer, Serializer
from payroll.settlement_models import Settlement, SettlementInstalment


class SettlementInstalmentSerializer(ModelSerializer):
    amount = MoneyField(read_only=True)
    interest = MoneyField(read_only=True)
    paid_in = serializers.SerializerMethodField(help_text="the distribution that paid it")

    class Meta:
        model = SettlementInstalment
        fields = ["number", "due_month", "amount", "interest", "paid_in", "paid_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_paid_in(self, instalment) -> int | None:
        line = instalment.paid_line
        return line.distribution_id if line is not None else None


class SettlementSerializer(ModelSerializer):
    balance = MoneyField(read_only=True)
    retained = MoneyField(read_only=True)
    refundable = MoneyField(read_only=True)
    member_name = serializers.SerializerMethodField()
    instalments = SettlementInstalmentSerializer(many=True, read_only=True)
    pdf = serializers.SerializerMethodField()

    class Meta:
        model = Settlement
        fields = [
            "id", "member", "member_name", "currency", "departed_on", "settled_on", "balance",
            "retained", "refundable", "terms", "status", "approved_at", "approval_proposal",
            "settled_at", "instalments", "pdf",
        ]  # fmt: skip
        read_only_fields = [name for name in fields if name != "member"]

    @extend_schema_field(serializers.CharField())
    def get_member_name(self, settlement) -> str:
        return settlement.member.display_name

    def get_pdf(self, settlement) -> str:
        """The settlement statement as a PDF, in the language of the request."""
        path = reverse("api:settlement-pdf", args=[settlement.cooperative.slug, settlement.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class DraftSettlementSerializer(Serializer):
    member = serializers.IntegerField(help_text="the id of a departed member of this co-op")


class ScheduleInstalmentSerializer(Serializer):
    due_month = serializers.DateField(help_text="any day of the month whose distribution pays it")
    amount = MoneyField(min_value=Decimal("0.01"))


class ScheduleSerializer(Serializer):
    instalments = ScheduleInstalmentSerializer(many=True, allow_empty=False)

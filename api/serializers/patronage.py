"""United States yearly documents in the API: notices of allocation and members' consents."""

from django.urls import reverse
from rest_framework import serializers

from api.fields import MoneyField
from api.serializers.base import ModelSerializer, Serializer
from api.serializers.hours import CoopScopedPrimaryKey
from coop.models import Member
from payroll.consent_models import AllocationConsent


class NoticeLineSerializer(Serializer):
    month = serializers.DateField()
    patronage_dividend = MoneyField(source="share")
    paid_in_money = MoneyField(source="cash")
    allocated = MoneyField(source="retained")
    applied_to_buyin = MoneyField(source="buyin")


class AllocationNoticeSerializer(Serializer):
    """A member's written notice of allocation of a year (IRC §1388(b))."""

    member = serializers.IntegerField(source="member.pk")
    name = serializers.CharField(source="member.display_name")
    year = serializers.IntegerField()
    lines = NoticeLineSerializer(many=True)
    patronage_dividend = MoneyField(source="share")
    paid_in_money = MoneyField(source="cash")
    allocated = MoneyField(source="retained")
    payment_period_ends = serializers.DateField(source="deadline")
    applied_to_buyin = MoneyField(source="buyin")
    # The bylaws' buyin_instalments: "notice" (applied_to_buyin is part of `allocated`) or
    # "money" (part of `paid_in_money`).
    buyin_instalments = serializers.ChoiceField(choices=["notice", "money"], read_only=True)
    consent = serializers.IntegerField(source="consent.pk", allow_null=True, default=None)
    qualified = serializers.BooleanField()
    redeemed = MoneyField(source="standing.redeemed")
    cancelled = MoneyField(source="standing.cancelled")
    outstanding = MoneyField(source="standing.outstanding")
    pdf = serializers.SerializerMethodField()

    def get_pdf(self, notice) -> str:
        path = reverse(
            "api:capital-account-notice-pdf",
            args=[notice.member.cooperative.slug, notice.member.pk, notice.year],
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class AllocationConsentSerializer(ModelSerializer):
    member = CoopScopedPrimaryKey(queryset=Member.objects.all())

    class Meta:
        model = AllocationConsent
        fields = ["id", "member", "method", "given_on", "withdrawn_on", "note", "recorded_at"]
        read_only_fields = ["withdrawn_on", "recorded_at"]


class WithdrawConsentSerializer(Serializer):
    withdrawn_on = serializers.DateField()

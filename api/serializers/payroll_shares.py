"""Serializers for the register of members and shares, and a draft's buy-in instalments."""

from decimal import Decimal

from rest_framework import serializers

from api.fields import MoneyField
from api.serializers.base import ModelSerializer, Serializer
from api.serializers.hours import CoopScopedPrimaryKey
from coop.models import Member
from payroll.share_models import Subscription


class ShareRegisterEntrySerializer(ModelSerializer):
    """An entry of the register (GenG §30): `number` is its place in the order of entry."""

    number = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    amount_subscribed = MoneyField(read_only=True)
    amount_paid = MoneyField(read_only=True)
    nominal_value = MoneyField(read_only=True)

    class Meta:
        model = Subscription
        fields = [
            "id", "number", "member", "name", "address", "subscribed_on", "shares",
            "nominal_value", "amount_subscribed", "amount_paid", "exited_on", "exit_reason",
        ]  # fmt: skip
        read_only_fields = [
            "member", "subscribed_on", "shares", "exited_on",
        ]  # fmt: skip

    def get_number(self, entry) -> int:
        return self.context["numbers"][entry.pk]

    def get_name(self, entry) -> str:
        return entry.member.legal_name or entry.member.display_name


class SubscribeSerializer(Serializer):
    member = CoopScopedPrimaryKey(
        queryset=Member.objects.all(), help_text="an admitted member who has no entry yet"
    )


class BuyinInstalmentSerializer(Serializer):
    """A member's buy-in instalment in a distribution: taken from `cash_share`, `paid` is the
    rest (the amount the SEPA file transfers)."""

    member = serializers.IntegerField()
    name = serializers.CharField()
    cash_share = MoneyField()
    instalment = MoneyField()
    paid = MoneyField()


class BuyinInstalmentChangeSerializer(Serializer):
    member = CoopScopedPrimaryKey(queryset=Member.objects.all())
    amount = MoneyField(
        min_value=Decimal("0"),
        help_text="the new instalment; 0 takes none this month. At most the member's cash share "
        "(`instalment_above_cash_share`), the bylaws' monthly maximum "
        "(`instalment_above_monthly_max`) and what remains of the buy-in "
        "(`instalment_above_remaining`)",
    )

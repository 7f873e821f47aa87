"""Serializers for interest runs, losses and the collective account of the capital accounts."""

from rest_framework import serializers

from api.fields import MoneyField
from api.serializers.base import ModelSerializer, Serializer
from payroll.capital_models import (
    CapitalInterestLine,
    CapitalInterestRun,
    CapitalLoss,
    CapitalLossShare,
)


class InterestRequestSerializer(Serializer):
    period = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=7,
        help_text='"2026" when the bylaws credit interest yearly, "2026-03" when monthly; '
        "empty: the last period that has ended",
    )


class InterestLineSerializer(ModelSerializer):
    amount = MoneyField(read_only=True)

    class Meta:
        model = CapitalInterestLine
        fields = ["member", "entry", "amount", "explanation"]
        read_only_fields = fields


class InterestRunSerializer(ModelSerializer):
    total = MoneyField(read_only=True)
    rate = serializers.DecimalField(
        max_digits=7, decimal_places=4, read_only=True, help_text="percent a year"
    )
    lines = InterestLineSerializer(many=True, read_only=True)

    class Meta:
        model = CapitalInterestRun
        fields = ["id", "period_start", "period_end", "rate", "total", "run_by", "run_at", "lines"]
        read_only_fields = fields


class LossShareSerializer(ModelSerializer):
    amount = MoneyField(read_only=True)

    class Meta:
        model = CapitalLossShare
        fields = ["member", "entry", "minutes", "amount"]
        read_only_fields = fields


class LossSerializer(ModelSerializer):
    amount = MoneyField(help_text="the loss of the period, above zero")
    from_reserve = MoneyField(read_only=True, help_text="the part the collective account bore")
    shares = LossShareSerializer(many=True, read_only=True)

    class Meta:
        model = CapitalLoss
        fields = [
            "id", "period_start", "period_end", "amount", "method", "from_reserve", "date",
            "note", "recorded_by", "recorded_at", "shares",
        ]  # fmt: skip
        read_only_fields = ["method", "from_reserve", "date", "recorded_by", "recorded_at"]


class CollectiveEntrySerializer(Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(
        choices=["reserve", "adjustment", "retention", "loss"],
        help_text="reserve: a distribution's reserve; adjustment: the other side of a member's "
        "adjustment; retention: what a settlement kept of a departed member's balance; loss: a "
        "loss the collective account bore",
    )
    amount = MoneyField()
    note = serializers.CharField()
    source_id = serializers.IntegerField(
        help_text="the distribution, capital entry or loss the movement comes from"
    )
    balance = MoneyField()


class CollectiveAccountSerializer(Serializer):
    balance = MoneyField()
    entries = CollectiveEntrySerializer(many=True)

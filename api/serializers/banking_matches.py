"""Serializers for the matches of bank transactions: what a suggestion is, and what the
treasurer sends to change one or to split a transaction."""

from decimal import Decimal

from rest_framework import serializers

from api.fields import MoneyField
from api.serializers.banking_statements import BankTransactionSerializer
from api.serializers.base import ModelSerializer, Serializer
from banking.matching import reasons_text
from banking.models import BankMatch, MatchKind

# What a part of a transaction may be (every kind but "nothing", which sets a transaction aside).
TARGET_KINDS = [(kind.value, kind.label) for kind in MatchKind if kind != MatchKind.NOTHING]


class BankMatchSerializer(ModelSerializer):
    transaction = BankTransactionSerializer(read_only=True)
    amount = MoneyField(read_only=True)
    reasons_text = serializers.SerializerMethodField()

    class Meta:
        model = BankMatch
        fields = [
            "id", "transaction", "kind", "invoice", "distribution_line", "expense", "amount",
            "confidence", "reasons", "reasons_text", "status", "confirmed_by", "confirmed_at",
            "payment", "fee_expense", "interest_revenue", "paid_distribution", "note",
        ]  # fmt: skip
        read_only_fields = fields

    def get_reasons_text(self, match: BankMatch) -> list[str]:
        """Why it was suggested, in words, in the caller's language."""
        return reasons_text(match)


class TargetSerializer(Serializer):
    kind = serializers.ChoiceField(choices=TARGET_KINDS)
    target = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="the id of the invoice, distribution line or expense; empty for a bank fee "
        "or interest",
    )
    amount = MoneyField(min_value=Decimal("0.01"))


class ChangeSerializer(Serializer):
    kind = serializers.ChoiceField(choices=TARGET_KINDS)
    target = serializers.IntegerField(required=False, allow_null=True)
    amount = MoneyField(min_value=Decimal("0.01"), required=False)


class SplitSerializer(Serializer):
    transaction = serializers.IntegerField(help_text="the bank transaction's id")
    parts = TargetSerializer(many=True, allow_empty=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")

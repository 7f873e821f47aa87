"""The annual statements of capital accounts, as the API writes them (read-only)."""

from django.urls import reverse
from rest_framework import serializers

from api.fields import MoneyField
from api.serializers.base import Serializer


class KindTotalSerializer(Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    amount = MoneyField()
    entries = serializers.IntegerField()


class StatementEntrySerializer(Serializer):
    id = serializers.IntegerField(source="entry.pk")
    date = serializers.DateField(source="entry.date")
    kind = serializers.CharField(source="entry.kind")
    note = serializers.CharField(source="entry.note")
    distribution = serializers.IntegerField(source="entry.distribution_id", allow_null=True)
    amount = MoneyField(source="entry.amount")
    balance = MoneyField()


class CapitalStatementSerializer(Serializer):
    """One member's statement of a year: opening + the year's entries = closing."""

    member = serializers.IntegerField(source="owner.pk")
    name = serializers.CharField(source="owner.display_name")
    year = serializers.IntegerField()
    opening_balance = MoneyField(source="opening")
    totals = KindTotalSerializer(many=True)
    entries = StatementEntrySerializer(many=True, source="ledger")
    closing_balance = MoneyField(source="closing")
    pdf = serializers.SerializerMethodField()

    def get_pdf(self, statement) -> str:
        """The statement as a PDF, in the language of the request."""
        slug = statement.owner.cooperative.slug
        path = reverse(
            "api:capital-account-statement-pdf",
            args=[slug, statement.owner.pk, statement.year],
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class CapitalYearRowSerializer(Serializer):
    member = serializers.IntegerField(source="member.pk")
    name = serializers.CharField(source="member.display_name")
    opening_balance = MoneyField(source="opening")
    movement = MoneyField()
    closing_balance = MoneyField(source="closing")

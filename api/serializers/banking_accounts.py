"""Serializers for the co-op's bank accounts."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import MoneyField
from api.serializers.base import ModelSerializer
from banking.models import BankAccount


@extend_schema_field({"type": "object", "additionalProperties": True})
class MappingField(serializers.JSONField):
    """A JSON object (its keys are checked by the service, each problem naming its key)."""


class BankAccountSerializer(ModelSerializer):
    # Spaces are allowed as IBANs are printed (in groups of four); stored compact, upper-case.
    iban = serializers.CharField(
        max_length=42,
        required=False,
        allow_blank=True,
        help_text="the account's IBAN; empty for an account without one",
    )
    bic = serializers.CharField(max_length=14, required=False, allow_blank=True)
    other_identifier = serializers.CharField(
        max_length=70,
        required=False,
        allow_blank=True,
        help_text='for an account without an IBAN: a BBAN, or "routing/account" for a US or '
        "Canadian account (a US routing number's check digit is checked)",
    )
    currency = serializers.CharField(max_length=3, help_text="ISO 4217, such as EUR")
    opening_balance = MoneyField(help_text="the balance on opening_date, before any statement")
    csv_mapping = MappingField(
        required=False,
        help_text="the columns of the bank's CSV export (docs/bank.md, Formats: CSV); {} for "
        "none. A problem is a 400 on csv_mapping naming the mapping's key",
    )
    balance = MoneyField(
        read_only=True, help_text="the opening balance plus every imported transaction"
    )
    statement_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = BankAccount
        fields = [
            "id", "name", "iban", "bic", "other_identifier", "currency", "opening_balance",
            "opening_date", "csv_mapping", "balance", "statement_count", "created_at",
        ]  # fmt: skip
        read_only_fields = ["created_at"]
        validators: list = []  # the service checks the identifiers, naming the field

"""Serializers for billing rates, the co-op's billing settings and its invoicing details."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import MoneyField
from api.serializers.base import ModelSerializer
from api.serializers.hours import CoopScopedPrimaryKey
from billing.models import BillingRate, BillingSettings
from coop.models import Client, Cooperative, Member, Project


@extend_schema_field(
    {"type": "string", "anyOf": [{"format": "email"}, {"maxLength": 0}], "maxLength": 254}
)
class EmailOrBlankField(serializers.CharField):
    """An e-mail address that may be left empty (the schema says so: "" is no address)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        # Checked here rather than in `validators`, where the schema would read it as
        # "format: email" and refuse "".
        if value:
            try:
                EmailValidator()(value)
            except DjangoValidationError:
                raise serializers.ValidationError(_("Enter a valid email address.")) from None
        return value


class BillingRateSerializer(ModelSerializer):
    client = CoopScopedPrimaryKey(
        queryset=Client.objects.all(),
        required=False,
        allow_null=True,
        help_text="a client's rate; set by itself for project and member rates",
    )
    project = CoopScopedPrimaryKey(queryset=Project.objects.all(), required=False, allow_null=True)
    member = CoopScopedPrimaryKey(
        queryset=Member.objects.all(),
        required=False,
        allow_null=True,
        help_text="a member's rate on the project (needs `project`)",
    )
    level = serializers.SerializerMethodField(help_text="coop, client, project or member")
    rate = MoneyField(help_text="per hour, more than zero")
    currency = serializers.CharField(
        max_length=3,
        required=False,
        allow_blank=True,
        help_text="the client's currency (the co-op's for its default rate); empty: that one",
    )

    class Meta:
        model = BillingRate
        fields = [
            "id", "level", "scope", "client", "project", "member", "rate", "currency",
            "valid_from", "created_at",
        ]  # fmt: skip
        read_only_fields = ["scope", "created_at"]

    def get_level(self, rate: BillingRate) -> str:
        return rate.scope.split(":")[0]


class BillingRateUpdateSerializer(BillingRateSerializer):
    class Meta(BillingRateSerializer.Meta):
        read_only_fields = [
            *BillingRateSerializer.Meta.read_only_fields, "client", "project", "member", "currency"
        ]  # fmt: skip


class BillingSettingsSerializer(ModelSerializer):
    number_pattern = serializers.CharField(
        max_length=40, help_text="must contain {number}; e.g. {year}-{number:04d} → 2026-0001"
    )
    standard_vat_rate = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, help_text="percent, 0–100"
    )
    reduced_vat_rate = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, help_text="percent, 0–100"
    )
    exemption_note = serializers.CharField(allow_blank=True)
    dunning_days = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=3650),
        help_text="days after the due date, ascending: [7, 30, 60]",
    )
    sample_number = serializers.SerializerMethodField(
        help_text="the first number of this year, as the pattern writes it"
    )

    class Meta:
        model = BillingSettings
        fields = [
            "number_pattern", "standard_vat_rate", "reduced_vat_rate", "exemption_note",
            "dunning_days", "sample_number",
        ]  # fmt: skip

    def get_sample_number(self, billing_settings: BillingSettings) -> str:
        from billing.configuration import sample_number
        from coop.clock import today_in

        year = today_in(billing_settings.cooperative).year
        return sample_number(billing_settings.number_pattern, year)


class InvoicingDetailsSerializer(ModelSerializer):
    """The co-op as the seller on its invoices."""

    legal_name = serializers.CharField(max_length=200, allow_blank=True)
    address = serializers.CharField(allow_blank=True, help_text="street, postcode and city")
    country = serializers.CharField(max_length=2, allow_blank=True, help_text="ISO 3166, e.g. AT")
    vat_id = serializers.CharField(
        max_length=20, allow_blank=True, help_text="checked by its country's check digits"
    )
    tax_number = serializers.CharField(max_length=40, allow_blank=True)
    email = EmailOrBlankField()

    class Meta:
        model = Cooperative
        fields = ["legal_name", "address", "country", "vat_id", "tax_number", "email"]

"""Serializers for invoices, credit notes, their lines and the unbilled hours."""

from decimal import Decimal

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.base import ModelSerializer, Serializer
from api.serializers.hours import CoopScopedPrimaryKey
from billing.invoice_lines import UNITS
from billing.models import Invoice, InvoiceLine, LineGrouping, VatCategory
from billing.presenters import vat_breakdown
from coop.models import Client


class InvoiceLineSerializer(ModelSerializer):
    class Meta:
        model = InvoiceLine
        fields = [
            "id", "position", "description", "project", "member", "minutes", "quantity", "unit",
            "unit_price", "base_quantity", "net", "vat_category", "vat_rate", "credited_line",
        ]  # fmt: skip
        read_only_fields = fields


class InvoiceLineWriteSerializer(Serializer):
    """A manual line (or, on an hour line, its description and VAT)."""

    description = serializers.CharField(max_length=500)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=4)
    unit = serializers.ChoiceField(choices=UNITS, default="C62", help_text="UN/ECE Rec. 20")
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=4)
    vat_category = serializers.ChoiceField(
        choices=VatCategory.choices,
        required=False,
        help_text="EN 16931 VAT category; default: the client's VAT treatment",
    )
    vat_rate = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, help_text="percent"
    )


class VatGroupSerializer(Serializer):
    category = serializers.CharField()
    category_label = serializers.CharField()
    rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    taxable = serializers.DecimalField(max_digits=14, decimal_places=2)
    vat = serializers.DecimalField(max_digits=14, decimal_places=2)
    note = serializers.CharField()


class InvoiceSerializer(ModelSerializer):
    client_name = serializers.CharField(source="client.name", read_only=True)
    corrects_number = serializers.CharField(
        source="corrects.number", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Invoice
        fields = [
            "id", "kind", "status", "number", "client", "client_name", "corrects",
            "corrects_number", "grouping", "period_start", "period_end", "currency", "language",
            "buyer_reference", "note", "issue_date", "due_date", "payment_reference",
            "net_total", "vat_total", "gross_total", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class InvoiceDetailSerializer(InvoiceSerializer):
    lines = InvoiceLineSerializer(many=True, read_only=True)
    vat_breakdown = serializers.SerializerMethodField()
    credit_notes = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(InvoiceSerializer.Meta):
        fields = [*InvoiceSerializer.Meta.fields, "lines", "vat_breakdown", "seller", "buyer",
                  "credit_notes"]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(VatGroupSerializer(many=True))
    def get_vat_breakdown(self, invoice):
        groups = vat_breakdown(invoice, list(invoice.lines.all()))
        return VatGroupSerializer(groups, many=True).data


class InvoiceCreateSerializer(Serializer):
    """With a period: a draft of the client's unbilled hours; without: an empty draft for
    manual lines."""

    client = CoopScopedPrimaryKey(queryset=Client.objects.select_related("cooperative"))
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)
    grouping = serializers.ChoiceField(choices=LineGrouping.choices, default=LineGrouping.PROJECT)

    def validate(self, data):
        if ("period_start" in data) != ("period_end" in data):
            missing = "period_end" if "period_start" in data else "period_start"
            raise serializers.ValidationError(
                {missing: ["Give both days of the period, or neither for an empty draft."]}
            )
        return data


class InvoiceUpdateSerializer(Serializer):
    note = serializers.CharField(required=False, allow_blank=True)
    buyer_reference = serializers.CharField(required=False, allow_blank=True, max_length=100)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)


class CreditedLineSerializer(Serializer):
    line = serializers.IntegerField(help_text="a line of the invoice")
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01"), help_text="net to credit"
    )


class CreditNoteCreateSerializer(Serializer):
    """No `lines`: the whole invoice (a cancellation); else net amounts of some lines."""

    lines = CreditedLineSerializer(many=True, required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    release_hours = serializers.BooleanField(
        default=False,
        help_text="on a full cancellation: the invoice's hours may be invoiced again",
    )


class UnbilledQuerySerializer(Serializer):
    client = serializers.IntegerField(required=False)
    start = serializers.DateField()
    end = serializers.DateField()


class UnbilledRowSerializer(Serializer):
    client_id = serializers.IntegerField()
    client_name = serializers.CharField()
    project_id = serializers.IntegerField()
    project_name = serializers.CharField()
    member_id = serializers.IntegerField()
    member_name = serializers.CharField()
    minutes = serializers.IntegerField()
    entries = serializers.IntegerField()

"""Serializers for payments of invoices, sending, open balances and the aging report."""

from decimal import Decimal

from rest_framework import serializers

from api.fields import MoneyField
from api.serializers.base import ModelSerializer, Serializer
from billing.models import Invoice, Payment
from billing.sending import invoice_email


class PaymentSerializer(ModelSerializer):
    invoice_number = serializers.CharField(source="invoice.number", read_only=True)
    client = serializers.IntegerField(source="invoice.client_id", read_only=True)
    amount = MoneyField(min_value=Decimal("0.01"))
    amount_in_coop_currency = MoneyField(
        min_value=Decimal("0.01"),
        required=False,
        allow_null=True,
        help_text="required when the invoice is not in the co-op's currency, unless "
        "exchange_rate is given",
    )
    exchange_rate = serializers.DecimalField(
        max_digits=18,
        decimal_places=8,
        min_value=Decimal("0.00000001"),
        required=False,
        allow_null=True,
        coerce_to_string=True,
        help_text="units of the co-op's currency for one of the invoice's",
    )
    confirm_overpayment = serializers.BooleanField(
        write_only=True,
        default=False,
        help_text="record more than the open amount (the client paid too much)",
    )
    revenue = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = [
            "id", "invoice", "invoice_number", "client", "received_on", "amount", "currency",
            "amount_in_coop_currency", "exchange_rate", "confirm_overpayment",
            "overpayment_confirmed", "note", "revenue", "created_at",
        ]  # fmt: skip
        read_only_fields = ["invoice", "overpayment_confirmed", "created_at"]

    def get_revenue(self, payment: Payment) -> list[int]:
        """The revenue rows the payment made (one per project of the invoice)."""
        return sorted(link.revenue_id for link in payment.revenue_links.all())


class InvoiceSentSerializer(ModelSerializer):
    to = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields = ["id", "number", "status", "to", "send_requested_at", "sent_at"]
        read_only_fields = fields

    def get_to(self, invoice: Invoice) -> str:
        return invoice_email(invoice)


class BalanceSerializer(Serializer):
    client = serializers.IntegerField(source="client.pk")
    client_name = serializers.CharField(source="client.name")
    currency = serializers.CharField()
    open_total = MoneyField()
    invoices = serializers.IntegerField(help_text="how many issued invoices are open")


class AgingBucketsSerializer(Serializer):
    not_due = MoneyField()
    days_0_30 = MoneyField()
    days_31_60 = MoneyField()
    days_61_90 = MoneyField()
    days_over_90 = MoneyField()


class AgingRowSerializer(Serializer):
    client = serializers.IntegerField(source="client.pk")
    client_name = serializers.CharField(source="client.name")
    buckets = AgingBucketsSerializer()
    total = MoneyField()


class AgingReportSerializer(Serializer):
    currency = serializers.CharField()
    rows = AgingRowSerializer(many=True)
    totals = AgingBucketsSerializer()
    total = MoneyField()


class AgingSerializer(Serializer):
    on = serializers.DateField()
    currencies = AgingReportSerializer(many=True)

"""Serializers for revenue, expenses, policies, distributions and capital accounts."""

from decimal import Decimal

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import MoneyField, MonthField
from api.serializers.base import ModelSerializer, Serializer
from api.serializers.hours import CoopScopedPrimaryKey
from coop.models import Client, Member, Project
from payroll.draft_lines import stale_inputs
from payroll.explanation import explain_line
from payroll.models import (
    CapitalAccountEntry,
    Distribution,
    DistributionLine,
    DistributionPolicy,
    DocumentFailure,
    Expense,
    Revenue,
)


class RevenueSerializer(ModelSerializer):
    client = CoopScopedPrimaryKey(queryset=Client.objects.all())
    client_name = serializers.CharField(source="client.name", read_only=True)
    project = CoopScopedPrimaryKey(queryset=Project.objects.all(), required=False, allow_null=True)
    amount = MoneyField(min_value=Decimal("0.01"))

    class Meta:
        model = Revenue
        fields = [
            "id", "client", "client_name", "project", "amount", "currency", "received_on",
            "invoice_reference", "note", "created_at",
        ]  # fmt: skip
        read_only_fields = ["currency", "created_at"]


class ReceiptField(serializers.FileField):
    """Upload a file; read back the address of the API route that downloads it (the storage's
    own /media/ address is not served)."""

    def get_attribute(self, instance):
        return instance if instance.receipt else None

    def to_representation(self, expense) -> str | None:
        if expense is None:
            return None
        cooperative = self.context.get("cooperative") or expense.cooperative
        path = reverse(
            "api:expense-receipt", kwargs={"coop_slug": cooperative.slug, "pk": expense.pk}
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ExpenseSerializer(ModelSerializer):
    amount = MoneyField(min_value=Decimal("0.01"))
    receipt = ReceiptField(
        required=False,
        allow_null=True,
        help_text="a PDF or an image; read back as the address of GET expenses/{id}/receipt/",
    )

    class Meta:
        model = Expense
        fields = [
            "id", "category", "amount", "currency", "date", "payee", "note", "receipt", "status",
            "decided_at", "proposal", "created_at",
        ]  # fmt: skip
        read_only_fields = ["currency", "status", "decided_at", "proposal", "created_at"]


class CommonsRecipientSerializer(Serializer):
    name = serializers.CharField(max_length=200)
    weight = serializers.DecimalField(max_digits=10, decimal_places=4, min_value=Decimal("0.0001"))
    iban = serializers.CharField(required=False, allow_blank=True, max_length=42)


class PolicySerializer(ModelSerializer):
    commons_recipients = CommonsRecipientSerializer(many=True, required=False)
    commons_pct = serializers.DecimalField(max_digits=6, decimal_places=5)
    reserve_pct = serializers.DecimalField(max_digits=6, decimal_places=5, default=Decimal("0"))
    education_pct = serializers.DecimalField(max_digits=6, decimal_places=5, default=Decimal("0"))
    cash_pct = serializers.DecimalField(max_digits=6, decimal_places=5, default=Decimal("1"))
    max_pay_ratio = serializers.DecimalField(max_digits=8, decimal_places=3, default=Decimal("3"))
    base_rate = MoneyField(required=False, allow_null=True)

    class Meta:
        model = DistributionPolicy
        fields = [
            "id", "version", "method", "commons_pct", "commons_recipients", "reserve_pct",
            "education_pct", "base_rate", "cash_pct", "max_pay_ratio", "carry_losses", "approval",
            "note", "adopted_at", "adopted_by", "adopted_by_proposal",
        ]  # fmt: skip
        read_only_fields = ["version", "adopted_at", "adopted_by", "adopted_by_proposal"]


class DistributionLineSerializer(ModelSerializer):
    class Meta:
        model = DistributionLine
        fields = [
            "id", "kind", "member", "name", "iban", "minutes", "weight", "share", "cash",
            "retained", "explanation",
        ]  # fmt: skip

    def to_representation(self, line):
        data = super().to_representation(line)
        viewer = self.context.get("viewer")
        if (
            line.kind == "member"
            and viewer is not None
            and not (viewer.pk == line.member_id or viewer.has_role("treasurer"))
        ):
            data["iban"] = ""
        if data["explanation"].get("steps"):
            # The stored steps, and them in words: in English, as the API's other texts.
            currency = line.distribution.currency  # in the cache: the lines are prefetched
            text = " ".join(explain_line(line.explanation, currency, translated=False))
            data["explanation"] = {**data["explanation"], "text": text}
        return data


class DocumentFailureSerializer(ModelSerializer):
    """A file that could not be generated; `retried` says whether the sweep still tries it."""

    retried = serializers.SerializerMethodField()

    class Meta:
        model = DocumentFailure
        fields = ["kind", "member", "reason", "attempts", "failed_at", "retried"]
        read_only_fields = fields

    def get_retried(self, failure: DocumentFailure) -> bool:
        return failure.attempts < DocumentFailure.MAX_ATTEMPTS


class DistributionSerializer(ModelSerializer):
    month = MonthField()
    policy_version = serializers.IntegerField(source="policy.version", read_only=True)
    lines = DistributionLineSerializer(many=True, read_only=True)
    documents = serializers.SerializerMethodField()
    failed_documents = serializers.SerializerMethodField()

    class Meta:
        model = Distribution
        fields = [
            "id", "month", "status", "currency", "policy", "policy_version", "revenue", "expenses",
            "losses_carried", "surplus", "loss", "commons", "reserve", "education", "member_pool",
            "computed_at", "approved_at", "approved_by", "approval_proposal", "paid_at", "lines",
            "documents", "failed_documents",
        ]  # fmt: skip
        read_only_fields = [name for name in fields if name != "month"]

    @extend_schema_field(DocumentFailureSerializer(many=True))
    def get_failed_documents(self, distribution) -> list[dict]:
        """Failures of the shared files, and of payslips: all for the treasurer, else one's own."""
        view = self.context.get("view")
        membership = getattr(view, "membership", None)
        treasurer = membership is not None and membership.has_role("treasurer")
        failures = [
            failure
            for failure in distribution.document_failures.all()
            if treasurer or failure.member_id in (None, getattr(membership, "pk", None))
        ]
        return DocumentFailureSerializer(failures, many=True).data

    def get_documents(self, distribution) -> list[dict]:
        return [
            {"kind": doc.kind, "member": doc.member_id, "generated_at": doc.generated_at}
            for doc in distribution.documents.all()
        ]


class StaleInputSerializer(Serializer):
    """An input of a draft that changed since it was computed: its value then and now."""

    input = serializers.CharField(
        source="name",
        help_text="revenue, expenses, losses_carried, hours, members, policy, shares or refused",
    )
    old = serializers.CharField(
        allow_null=True,
        help_text="Then: an amount (decimal string), minutes (hours), a count (members), a "
        "version (policy); null for shares and refused",
    )
    new = serializers.CharField(allow_null=True, help_text="Now, in the same unit as `old`")


class DistributionDetailSerializer(DistributionSerializer):
    """One distribution; a draft also says what changed since it was computed."""

    stale_inputs = serializers.SerializerMethodField()

    class Meta(DistributionSerializer.Meta):
        fields = [*DistributionSerializer.Meta.fields, "stale_inputs"]
        read_only_fields = [*DistributionSerializer.Meta.read_only_fields, "stale_inputs"]

    @extend_schema_field(StaleInputSerializer(many=True))
    def get_stale_inputs(self, distribution) -> list[dict]:
        """Empty when the draft is current, and for any distribution that is not a draft."""
        return StaleInputSerializer(stale_inputs(distribution), many=True).data


class DistributionCreateSerializer(Serializer):
    month = MonthField(help_text="YYYY-MM")


class CapitalEntrySerializer(ModelSerializer):
    member = CoopScopedPrimaryKey(queryset=Member.objects.all())
    amount = MoneyField()

    class Meta:
        model = CapitalAccountEntry
        fields = ["id", "member", "kind", "amount", "date", "distribution", "note", "created_at"]
        read_only_fields = ["distribution", "created_at"]


class CapitalAccountSerializer(Serializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    balance = MoneyField()

"""Serializers for co-ops, members, clients, projects and tokens."""

from rest_framework import serializers

from api.lockout import authenticate_or_lock
from api.models import NAME_MAX_LENGTH
from api.serializers.base import ModelSerializer, Serializer
from api.serializers.billing_rates import EmailOrBlankField
from coop.bylaws import merged_with_defaults, validate_bylaws
from coop.legal_profiles import PROFILES as LEGAL_PROFILES
from coop.models import Client, Cooperative, Member, Project
from coop.models.cooperative import MemberStatus, Role
from coop.validators import (
    normalize_bic,
    normalize_iban,
    validate_bic,
    validate_currency,
    validate_iban,
    validate_time_zone,
)


class TokenRequestSerializer(Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    name = serializers.CharField(
        required=False,
        max_length=NAME_MAX_LENGTH,
        help_text="A name for the script's token. Logging in again with the same name revokes "
        "the token of that name and returns a new one, so a script keeps one token; without a "
        "name each login makes a new token named `API login <date and time>`.",
    )

    def validate(self, attrs):
        user = authenticate_or_lock(
            self.context["request"], email=attrs["email"].lower(), password=attrs["password"]
        )
        if user is None:
            raise serializers.ValidationError(
                {"password": ["This e-mail address and password do not match an account."]}
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(Serializer):
    token = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)


class CooperativeSerializer(ModelSerializer):
    my_roles = serializers.SerializerMethodField()
    bylaws = serializers.JSONField(
        validators=[validate_bylaws], help_text="Bylaws settings (defaults filled in on read)."
    )
    currency = serializers.CharField(max_length=3, validators=[validate_currency])
    time_zone = serializers.CharField(max_length=64, validators=[validate_time_zone])
    legal_name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="the account holder of the payments' bank account (the SEPA file's debtor)",
    )
    iban = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=42,
        validators=[validate_iban],
        help_text="the account the monthly payments leave from (admins set it)",
    )
    bic = serializers.CharField(
        required=False, allow_blank=True, max_length=14, help_text="8 or 11 letters and digits"
    )
    legal_profile = serializers.ChoiceField(
        choices=list(LEGAL_PROFILES),
        required=False,
        help_text="the law the co-op's distribution policies are checked against when adopted: "
        "generic (none), es (Ley 27/1999), de (GenG, with the bylaws' statutory_reserve_pct), "
        "us (Subchapter T); admins change it",
    )

    class Meta:
        model = Cooperative
        fields = [
            "slug", "name", "currency", "time_zone", "founded_on", "bylaws", "legal_name", "iban",
            "bic", "legal_profile", "my_roles",
        ]  # fmt: skip
        read_only_fields = ["slug"]

    def validate_iban(self, value: str) -> str:
        return normalize_iban(value)

    def validate_bic(self, value: str) -> str:
        bic = normalize_bic(value)
        if bic:
            validate_bic(bic)
        return bic

    def get_my_roles(self, cooperative: Cooperative) -> list[str]:
        memberships = self.context.get("memberships", {})
        member = memberships.get(cooperative.pk)
        return member.roles if member else []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["bylaws"] = merged_with_defaults(instance.bylaws)
        return data


class MemberSerializer(ModelSerializer):
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name", required=False, allow_blank=True)
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), required=False, default=list
    )
    status = serializers.ChoiceField(choices=MemberStatus.choices, required=False)
    iban = serializers.CharField(
        required=False, allow_blank=True, max_length=42, validators=[validate_iban]
    )
    probation_ends_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="a probationary member's last day on probation: set on admission from the "
        "bylaws' probation_months; the secretary or an admin moves it (null: no end)",
    )

    class Meta:
        model = Member
        fields = [
            "id",
            "email",
            "full_name",
            "status",
            "status_since",
            "joined_on",
            "departed_on",
            "probation_ends_on",
            "roles",
            "rate_weight",
            "legal_name",
            "iban",
            "language",
        ]
        read_only_fields = ["status_since", "joined_on", "departed_on"]

    def validate_iban(self, value: str) -> str:
        return normalize_iban(value)

    def to_representation(self, instance: Member):
        data = super().to_representation(instance)
        data["roles"] = instance.roles
        viewer = self.context.get("viewer")
        # Bank details are for the member and the people who pay them.
        if viewer is None or not (
            viewer.pk == instance.pk or viewer.has_role("treasurer", "admin")
        ):
            data.pop("iban")
            data.pop("legal_name")
        return data


class MemberStatusSerializer(Serializer):
    status = serializers.ChoiceField(choices=MemberStatus.choices)
    effective_on = serializers.DateField(required=False)


class ClientSerializer(ModelSerializer):
    invoice_email = EmailOrBlankField(required=False)
    country = serializers.CharField(
        max_length=2, required=False, allow_blank=True, help_text="ISO 3166, e.g. DE"
    )
    vat_id = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        help_text="checked by the country's check digits; stored compact (EU: with its prefix)",
    )
    currency = serializers.CharField(
        max_length=3,
        required=False,
        allow_blank=True,
        help_text="ISO 4217; empty: the co-op's. Stays while rates or invoices are in it (409).",
    )

    class Meta:
        model = Client
        fields = [
            "id", "name", "legal_name", "address", "country", "vat_id", "invoice_email",
            "payment_terms_days", "invoice_language", "currency", "buyer_reference",
            "vat_treatment", "vat_note",
        ]  # fmt: skip


class ProjectSerializer(ModelSerializer):
    client = serializers.PrimaryKeyRelatedField(queryset=Client.objects.none())
    client_name = serializers.CharField(source="client.name", read_only=True)

    class Meta:
        model = Project
        fields = [
            "id", "name", "client", "client_name", "active", "budget_hours", "billable",
            "vat_treatment", "vat_note",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cooperative = self.context.get("cooperative")
        if cooperative is not None:
            self.fields["client"].queryset = Client.objects.filter(cooperative=cooperative)

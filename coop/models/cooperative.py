"""A co-operative, its bylaws settings, and the memberships of its worker-owners."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coop import clock
from coop.bylaws import DEFAULT_BYLAWS, merged_with_defaults, validate_bylaws
from coop.legal_profiles import CHOICES as LEGAL_PROFILE_CHOICES
from coop.legal_profiles import DEFAULT_PROFILE, LegalProfile, profile_of
from coop.validators import (
    normalize_bic,
    normalize_iban,
    validate_bic,
    validate_country,
    validate_currency,
    validate_iban,
    validate_time_zone,
)


def default_bylaws() -> dict:
    return {key: value for key, value in DEFAULT_BYLAWS.items()}


class Cooperative(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    currency = models.CharField(
        _("currency"), max_length=3, default="EUR", validators=[validate_currency]
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    bylaws = models.JSONField(
        _("bylaws settings"), default=default_bylaws, validators=[validate_bylaws]
    )
    # The law the co-op is registered under: the minimums a distribution policy must meet.
    legal_profile = models.CharField(
        _("legal profile"),
        max_length=16,
        choices=[(code, _(name)) for code, name in LEGAL_PROFILE_CHOICES],
        default=DEFAULT_PROFILE,
        help_text=_(
            "the law of the co-op's country that distribution policies are checked against"
        ),
    )
    # The account the monthly payments leave from: the debtor of the SEPA credit-transfer file.
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True, validators=[validate_bic])
    # The seller on the co-op's invoices (EN 16931 BG-4).
    address = models.TextField(_("address"), blank=True, help_text=_("street, postcode and city"))
    country = models.CharField(
        _("country"), max_length=2, blank=True, validators=[validate_country]
    )
    vat_id = models.CharField(_("VAT ID"), max_length=20, blank=True)
    tax_number = models.CharField(_("tax number"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # The head of the audit hash chain; kept here so that deleting the newest events is detected.
    audit_head = models.CharField(max_length=64, blank=True, editable=False)
    audit_length = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("co-operative")
        verbose_name_plural = _("co-operatives")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.founded_on is None:  # nothing the co-op records may be dated before this day
            created = self.created_at or clock.now()  # cleared later: back to its creation day
            self.founded_on = created.astimezone(clock.zone_of(self)).date()
        self.iban = normalize_iban(self.iban)
        self.bic = normalize_bic(self.bic)
        # The chain head is written only by coop.audit.record, with the row locked: saving an
        # object loaded earlier must never put an older head back.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in ("audit_head", "audit_length")
            ]
        super().save(*args, **kwargs)

    @property
    def settings(self) -> dict:
        """The bylaws settings with defaults filled in."""
        return merged_with_defaults(self.bylaws)

    @property
    def law(self) -> LegalProfile:
        """The legal profile the co-op chose (coop/legal_profiles.py)."""
        return profile_of(self.legal_profile)


class MemberStatus(models.TextChoices):
    APPLICANT = "applicant", _("applicant")
    PROBATIONARY = "probationary", _("probationary")
    ACTIVE = "active", _("active")
    ON_LEAVE = "on_leave", _("on leave")
    DEPARTED = "departed", _("departed")


class Role(models.TextChoices):
    TREASURER = "treasurer", _("treasurer")
    SECRETARY = "secretary", _("secretary")
    ADMIN = "admin", _("admin")


class MemberQuerySet(models.QuerySet["Member"]):
    def current(self) -> "MemberQuerySet":
        """Memberships that still give access: everyone but departed members."""
        return self.exclude(status=MemberStatus.DEPARTED)


class Member(models.Model):
    """A user's membership in one co-op."""

    Status = MemberStatus

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.APPLICANT
    )
    status_since = models.DateField(_("status since"))
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    departed_on = models.DateField(_("departed on"), null=True, blank=True)
    # A probationary member's last day on probation: set on admission from the bylaws'
    # probation_months, moved by the secretary. The day the secretaries were last reminded of
    # it is kept as the end date it was for, so that a moved end date is reminded again.
    probation_ends_on = models.DateField(_("probation ends on"), null=True, blank=True)
    probation_reminded_for = models.DateField(null=True, blank=True, editable=False)
    is_treasurer = models.BooleanField(_("treasurer"), default=False)
    is_secretary = models.BooleanField(_("secretary"), default=False)
    is_admin = models.BooleanField(_("admin"), default=False)
    rate_weight = models.DecimalField(
        _("rate weight"),
        max_digits=6,
        decimal_places=3,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("the language of your payslips; empty: the co-op's language"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "cooperative"], name="member_unique_per_coop"),
            models.CheckConstraint(
                condition=Q(rate_weight__gt=0), name="member_rate_weight_positive"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MemberStatus.values), name="member_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.cooperative.slug})"

    def save(self, *args, **kwargs) -> None:
        self.iban = normalize_iban(self.iban)
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.user.full_name or self.user.email

    @property
    def reading_language(self) -> str:
        """The language the member's own documents are written in: the one they chose (on the
        page's language menu, or through the API), else the site's default language."""
        return self.language or settings.LANGUAGE_CODE

    @property
    def roles(self) -> list[str]:
        return [role for role in Role.values if getattr(self, f"is_{role}")]

    @property
    def role_labels(self) -> list[str]:
        """The roles as the reader's language names them."""
        return [str(Role(role).label) for role in self.roles]

    def has_role(self, *roles: str) -> bool:
        """Whether the member holds one of the roles; a departed member holds none any more."""
        if self.status == MemberStatus.DEPARTED:
            return False
        return any(getattr(self, f"is_{role}") for role in roles)

    @property
    def has_departed(self) -> bool:
        return self.status == MemberStatus.DEPARTED


class MemberStatusChange(models.Model):
    """One entry of a member's status history: which status, from which day."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="status_changes")
    status = models.CharField(max_length=16, choices=MemberStatus.choices)
    effective_on = models.DateField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_on", "id"]

    def __str__(self) -> str:
        return f"{self.status} from {self.effective_on}"

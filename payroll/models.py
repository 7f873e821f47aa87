"""Money of a co-op: revenue, expenses, distribution policies, monthly distributions, capital."""

from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coop.models import Client, Cooperative, Member, Project
from coop.models.fields import money_field


def share_field(verbose_name: Any = None, **kwargs: Any) -> models.DecimalField:
    """A percentage as a fraction of 1: 0.15000 is 15 %."""
    return models.DecimalField(verbose_name, max_digits=6, decimal_places=5, **kwargs)


class Revenue(models.Model):
    """Money a client paid the co-op, counted in the month it was received."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="revenue")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="revenue")
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="revenue"
    )
    amount = money_field(_("amount"), validators=[MinValueValidator(Decimal("0.01"))])
    currency = models.CharField(max_length=3)
    received_on = models.DateField(_("received on"))
    invoice_reference = models.CharField(_("invoice reference"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, related_name="+")
    # A correction takes back revenue of a month that was distributed (a payment removed after
    # the approval): a negative row in an open month, pointing at the row it takes back.
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="correction"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name_plural = _("revenue")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0, corrects__isnull=True)
                | Q(amount__lt=0, corrects__isnull=False),
                name="revenue_amount_positive_or_correction",
            ),
        ]
        indexes = [models.Index(fields=["cooperative", "received_on"], name="revenue_coop_day")]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} from {self.client} on {self.received_on}"


class ExpenseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", pgettext_lazy("expense", "rejected")


class Expense(models.Model):
    Status = ExpenseStatus

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="expenses")
    category = models.CharField(_("category"), max_length=100)
    amount = money_field(_("amount"), validators=[MinValueValidator(Decimal("0.01"))])
    currency = models.CharField(max_length=3)
    date = models.DateField(_("date"))
    payee = models.CharField(_("payee"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    receipt = models.FileField(_("receipt"), upload_to="receipts/%Y/%m/", blank=True)
    status = models.CharField(
        max_length=16, choices=ExpenseStatus.choices, default=ExpenseStatus.SUBMITTED
    )
    recorded_by = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, related_name="+")
    decided_by = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # Expenses above the bylaws' spending limit are approved by a passed `spending` proposal.
    proposal = models.ForeignKey(
        "governance.Proposal", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=ExpenseStatus.values), name="expense_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["cooperative", "date"], name="expense_coop_day")]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} to {self.payee} on {self.date}"


class PolicyMethod(models.TextChoices):
    EQUAL = "equal", _("equal shares")
    HOURS = "hours", _("by hours")
    WEIGHTED_HOURS = "weighted_hours", _("by hours × rate weight")
    WAGES_THEN_PATRONAGE = "wages_then_patronage", _("wages first, then patronage")
    PROJECT_HOURS = "project_hours", _("each project's revenue by its hours")


class PolicyApproval(models.TextChoices):
    TREASURER = "treasurer", _("the treasurer approves")
    VOTE = "vote", _("a vote approves")


class DistributionPolicy(models.Model):
    """A version of the co-op's distribution rules. A new version never changes a finalized run."""

    Method = PolicyMethod
    Approval = PolicyApproval

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="distribution_policies"
    )
    version = models.PositiveIntegerField()
    method = models.CharField(max_length=32, choices=PolicyMethod.choices)
    commons_pct = share_field(default=Decimal("0.15"))
    commons_recipients = models.JSONField(default=list, blank=True)
    reserve_pct = share_field(default=Decimal("0"))
    education_pct = share_field(default=Decimal("0"))
    base_rate = money_field(null=True, blank=True)
    cash_pct = share_field(default=Decimal("1"))
    max_pay_ratio = models.DecimalField(max_digits=8, decimal_places=3, default=Decimal("3"))
    carry_losses = models.BooleanField(default=False)
    approval = models.CharField(
        max_length=16, choices=PolicyApproval.choices, default=PolicyApproval.TREASURER
    )
    adopted_at = models.DateTimeField(auto_now_add=True)
    adopted_by = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    adopted_by_proposal = models.ForeignKey(
        "governance.Proposal", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    # When the members were e-mailed what this version changed (payroll.tasks), so that a
    # redelivered task mails no one twice.
    members_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        verbose_name_plural = _("distribution policies")
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "version"], name="policy_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(commons_pct__gte=0)
                & Q(reserve_pct__gte=0)
                & Q(education_pct__gte=0)
                & Q(cash_pct__gte=0)
                & Q(cash_pct__lte=1)
                & Q(max_pay_ratio__gte=1),
                name="policy_shares_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cooperative.slug} policy v{self.version} ({self.method})"


class DistributionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")
    PAID = "paid", _("paid")
    VOID = "void", _("void")


class Distribution(models.Model):
    """The distribution of one month's surplus. Draft → approved → paid; only a draft changes."""

    Status = DistributionStatus

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="distributions"
    )
    month = models.DateField(help_text=_("the first day of the month distributed"))
    policy = models.ForeignKey(DistributionPolicy, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=16, choices=DistributionStatus.choices, default=DistributionStatus.DRAFT
    )
    currency = models.CharField(max_length=3)
    revenue = money_field(default=Decimal("0"))
    expenses = money_field(default=Decimal("0"))
    losses_carried = money_field(default=Decimal("0"))
    surplus = money_field(default=Decimal("0"))
    loss = money_field(default=Decimal("0"))
    commons = money_field(default=Decimal("0"))
    reserve = money_field(default=Decimal("0"))
    education = money_field(default=Decimal("0"))
    member_pool = money_field(default=Decimal("0"))
    computed_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approval_proposal = models.ForeignKey(
        "governance.Proposal", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "month"],
                condition=~Q(status="void"),
                name="one_distribution_per_month",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="distribution_first_of_month"),
            models.CheckConstraint(
                condition=Q(status__in=DistributionStatus.values), name="distribution_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cooperative.slug} {self.month:%Y-%m} ({self.status})"


class LineKind(models.TextChoices):
    MEMBER = "member", _("member share")
    COMMONS = "commons", _("commons contribution")
    RESERVE = "reserve", _("collective reserve")
    EDUCATION = "education", _("education fund")
    ADJUSTMENT = "adjustment", _("adjustment")
    # A member's approved expense claim, paid back in cash beside (not as part of) their share.
    REIMBURSEMENT = "reimbursement", _("reimbursement")
    # A buy-in instalment: `retained` holds what the member's line gives up of its cash (the
    # member line's `cash` is what is paid), credited to their capital account (payroll.shares).
    BUYIN = "buyin", _("buy-in instalment")
    # An instalment of a departed member's settlement, paid out of their capital account.
    REDEMPTION = "redemption", _("settlement instalment")


class DistributionLine(models.Model):
    Kind = LineKind

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=16, choices=LineKind.choices)
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200)
    iban = models.CharField(max_length=34, blank=True)
    minutes = models.IntegerField(default=0)
    weight = models.CharField(max_length=200, blank=True, help_text="the exact entitlement weight")
    share = money_field()
    cash = money_field(default=Decimal("0"))
    retained = money_field(default=Decimal("0"))
    explanation = models.JSONField(default=dict, blank=True)
    # An adjustment line corrects an approved month from a later one.
    adjusts = models.ForeignKey(
        Distribution, on_delete=models.PROTECT, null=True, blank=True, related_name="adjusted_by"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=LineKind.values), name="distribution_line_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.share}"


class CapitalEntryKind(models.TextChoices):
    ALLOCATION = "allocation", _("allocation (retained share)")
    REDEMPTION = "redemption", _("redemption (paid out)")
    ADJUSTMENT = "adjustment", _("adjustment")
    # A member's approved expense claim, paid back in cash beside (not as part of) their share.
    REIMBURSEMENT = "reimbursement", _("reimbursement")
    # A buy-in instalment deducted from the member's cash share (payroll.shares).
    BUYIN = "buyin", _("buy-in instalment")
    # Interest credited by an interest run, and a member's part of a loss (payroll.capital_models).
    INTEREST = "interest", _("interest")
    LOSS = "loss", _("loss charged")
    # The part of a departed member's balance the bylaws keep, moved to the collective reserve.
    RETENTION = "retention", _("retention (kept on leaving)")


class CapitalAccountEntry(models.Model):
    """One entry of a member's internal capital account; the balance is their sum."""

    Kind = CapitalEntryKind

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="capital_entries")
    kind = models.CharField(max_length=16, choices=CapitalEntryKind.choices)
    amount = money_field(help_text=_("positive credits, negative debits"))
    date = models.DateField()
    distribution = models.ForeignKey(
        Distribution, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name_plural = _("capital account entries")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="capital_entry_not_zero"),
            models.UniqueConstraint(
                fields=["member", "distribution"],
                condition=Q(kind="allocation"),
                name="one_allocation_per_distribution",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.kind} {self.amount}"


class DocumentKind(models.TextChoices):
    PAYSLIP = "payslip", _("payslip (PDF)")
    REPORT = "report", _("distribution report (PDF)")
    CSV = "csv", _("payments (CSV)")
    SEPA = "sepa", _("SEPA credit transfer (pain.001 XML)")


class DistributionDocument(models.Model):
    """A generated file of an approved distribution; made once by a Celery task."""

    Kind = DocumentKind

    distribution = models.ForeignKey(
        Distribution, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    file = models.FileField(upload_to="distributions/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    generated_at = models.DateTimeField(auto_now_add=True)
    # When the member was told by e-mail that their payslip is ready; set in the transaction
    # that sends, so that a retried task sends once (payroll.tasks).
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "kind", "member"],
                condition=Q(member__isnull=False),
                name="one_document_per_member",
            ),
            models.UniqueConstraint(
                fields=["distribution", "kind"],
                condition=Q(member__isnull=True),
                name="one_document_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.distribution}"


class DocumentFailure(models.Model):
    """A file of an approved distribution that could not be made: why, and how often it was
    tried. The sweep tries again until `attempts` reaches the limit (payroll.tasks); the
    treasurer regenerates it after fixing the cause, which clears this row. Made, it is gone."""

    distribution = models.ForeignKey(
        Distribution, on_delete=models.CASCADE, related_name="document_failures"
    )
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A file that failed this many times is left for the treasurer to regenerate.
    MAX_ATTEMPTS = 3

    reason = models.TextField()
    attempts = models.PositiveIntegerField(default=1)
    failed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "kind", "member"],
                condition=Q(member__isnull=False),
                name="one_failure_per_member_document",
            ),
            models.UniqueConstraint(
                fields=["distribution", "kind"],
                condition=Q(member__isnull=True),
                name="one_failure_per_document_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.distribution} failed ({self.attempts}×): {self.reason}"


# Defined in its own module (this one is long enough); imported here so that Django finds it.
from payroll.capital_models import (  # noqa: E402, F401
    CapitalInterestLine,
    CapitalInterestRun,
    CapitalLoss,
    CapitalLossShare,
)
from payroll.claim_models import ExpenseClaim  # noqa: E402, F401
from payroll.consent_models import AllocationConsent  # noqa: E402, F401
from payroll.settlement_models import Settlement, SettlementInstalment  # noqa: E402, F401
from payroll.share_models import Subscription  # noqa: E402, F401

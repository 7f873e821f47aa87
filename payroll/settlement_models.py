"""A departed member's settlement: what of their capital account is paid back, and when."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coop.models import Cooperative, Member
from coop.models.fields import money_field
from payroll.models import DistributionLine


class SettlementStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")
    SETTLED = "settled", _("settled")


class Settlement(models.Model):
    """Drafted when a member departs (figures recomputed until approved), approved by the
    treasurer or a vote as the bylaws say, then paid in instalments by the monthly
    distributions until settled. One per membership."""

    Status = SettlementStatus

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    member = models.OneToOneField(Member, on_delete=models.PROTECT, related_name="settlement")
    currency = models.CharField(max_length=3)
    departed_on = models.DateField(_("departed on"))
    # The day the account is settled at: the departure plus the bylaws' notice period.
    settled_on = models.DateField(_("settlement date"))
    balance = money_field(_("balance"), help_text=_("the capital account counted for the payout"))
    retained = money_field(_("retained"), help_text=_("kept for the collective reserve"))
    refundable = money_field(_("refundable"), help_text=_("paid back in instalments"))
    # The bylaws' terms the figures were computed with (coop.bylaws_settlement), as stored.
    terms = models.JSONField(default=dict)
    status = models.CharField(
        max_length=16, choices=SettlementStatus.choices, default=SettlementStatus.DRAFT
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approval_proposal = models.ForeignKey(
        "governance.Proposal", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    settled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-departed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SettlementStatus.values), name="settlement_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(refundable__gte=0) & Q(retained__gte=0),
                name="settlement_parts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(refundable__lte=models.F("balance")) | Q(refundable=0),
                name="settlement_pays_at_most_the_balance",
            ),
        ]

    def __str__(self) -> str:
        return f"settlement of {self.member_id} ({self.status})"


class SettlementInstalment(models.Model):
    """One payment of a settlement, made by the first distribution of its due month or later."""

    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveIntegerField()
    due_month = models.DateField(
        help_text=_("the first day of the month whose distribution pays it")
    )
    amount = money_field(_("amount"))
    interest = money_field(_("interest"))
    paid_line = models.OneToOneField(
        DistributionLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["settlement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["settlement", "number"], name="settlement_instalment_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(interest__gte=0),
                name="settlement_instalment_positive",
            ),
            models.CheckConstraint(
                condition=Q(due_month__day=1), name="settlement_instalment_first_of_month"
            ),
        ]

    def __str__(self) -> str:
        return f"instalment {self.number} of settlement {self.settlement_id}"

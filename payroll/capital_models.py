"""Interest runs and losses of the members' capital accounts (issue 20, docs/capital.md).

An interest run credits each member's account with one `interest` entry for a period; a loss
charges the collective reserve and the members' accounts (`loss` entries). Each member's row
keeps what the entry was computed from, so that the statement explains it as it was.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from coop.models import Cooperative, Member
from coop.models.fields import money_field
from payroll.models import CapitalAccountEntry


class CapitalInterestPeriod(models.TextChoices):
    YEARLY = "yearly", _("yearly")
    MONTHLY = "monthly", _("monthly")


class CapitalInterestRun(models.Model):
    """Interest credited to the capital accounts for one period (a calendar year or month), at
    the bylaws' rate in force when it ran. One run per period: a second one is refused."""

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="capital_interest_runs"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    # Percent a year, as the bylaws wrote it (capital_interest_rate_pct).
    rate = models.DecimalField(_("rate (% a year)"), max_digits=7, decimal_places=4)
    total = money_field(_("total"), default=Decimal("0"))
    run_by = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    run_at = models.DateTimeField(_("run at"))

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "period_start"], name="one_interest_run_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")) & Q(rate__gte=0) & Q(total__gte=0),
                name="interest_run_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cooperative.slug} interest {self.period_start}–{self.period_end}"


class CapitalInterestLine(models.Model):
    """One member's interest of a run: the entry, and the balances and days it was computed
    from (`explanation`: {"segments": [{"start", "end", "days", "balance"}], "year_days",
    "exact"})."""

    run = models.ForeignKey(CapitalInterestRun, on_delete=models.PROTECT, related_name="lines")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    entry = models.OneToOneField(
        CapitalAccountEntry, on_delete=models.PROTECT, related_name="interest_line"
    )
    amount = money_field(_("interest"), validators=[MinValueValidator(Decimal("0.01"))])
    explanation = models.JSONField(default=dict)

    class Meta:
        ordering = ["run", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "member"], name="one_interest_line_per_member"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="interest_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.amount}"


class LossAllocation(models.TextChoices):
    RESERVE_FIRST = "reserve_first", _("the collective reserve first, the rest by patronage")
    PATRONAGE = "patronage", _("the members' accounts by patronage")


class CapitalLoss(models.Model):
    """A loss of a period charged to the collective reserve (`from_reserve`) and to the
    members' capital accounts in proportion to their hours in the period (`shares`)."""

    Method = LossAllocation

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="capital_losses"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    amount = money_field(_("loss"), validators=[MinValueValidator(Decimal("0.01"))])
    method = models.CharField(_("charged"), max_length=16, choices=LossAllocation.choices)
    from_reserve = money_field(_("charged to the collective reserve"), default=Decimal("0"))
    date = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "period_start", "period_end"], name="one_loss_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start"))
                & Q(amount__gt=0)
                & Q(from_reserve__gte=0)
                & Q(from_reserve__lte=F("amount")),
                name="capital_loss_sane",
            ),
            models.CheckConstraint(
                condition=Q(method__in=LossAllocation.values), name="capital_loss_method_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cooperative.slug} loss {self.period_start}–{self.period_end}: {self.amount}"


class CapitalLossShare(models.Model):
    """One member's part of a loss: their hours in the period (the patronage) and the entry."""

    loss = models.ForeignKey(CapitalLoss, on_delete=models.PROTECT, related_name="shares")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    entry = models.OneToOneField(
        CapitalAccountEntry, on_delete=models.PROTECT, related_name="loss_share"
    )
    minutes = models.PositiveIntegerField(_("minutes worked in the period"))
    amount = money_field(_("charged"), validators=[MinValueValidator(Decimal("0.01"))])

    class Meta:
        ordering = ["loss", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["loss", "member"], name="one_loss_share_per_member"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="loss_share_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.amount}"


class CapitalEntryTie(models.Model):
    """What one debit of a capital account takes from one earlier credit: the part of a
    redemption (or of a loss, of what is kept on leaving, of a correction downwards) that pays
    back, or cancels, part of an allocation, a buy-in instalment or interest credited.

    Written with the debit, in its transaction, in the bylaws' order in force then
    (`payroll.redemption_ties`), and never changed: the 1099-PATR figures of a year, and what a
    notice of allocation has outstanding, read these rows (docs/capital.md)."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    debit = models.ForeignKey(CapitalAccountEntry, on_delete=models.PROTECT, related_name="ties")
    credit = models.ForeignKey(
        CapitalAccountEntry, on_delete=models.PROTECT, related_name="drawn_by"
    )
    amount = money_field(_("amount"), validators=[MinValueValidator(Decimal("0.01"))])

    class Meta:
        ordering = ["debit_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["debit", "credit"], name="one_tie_per_debit_credit"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="capital_tie_positive"),
            models.CheckConstraint(
                condition=~Q(debit=F("credit")), name="capital_tie_not_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"entry {self.debit_id} takes {self.amount} of entry {self.credit_id}"

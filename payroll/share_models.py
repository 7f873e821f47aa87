"""The register of members and shares: each member's subscription of the bylaws' buy-in."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from coop.models import Cooperative, Member
from coop.models.fields import money_field


class Subscription(models.Model):
    """The shares a member subscribed when admitted, and how much of them is paid.

    `amount_paid` grows with each buy-in instalment a distribution's approval credits to the
    member's capital account (`payroll.shares`); it never exceeds `amount_subscribed`. The row is
    the member's entry in the register of members (GenG §30): entry, shares, exit and its reason.
    """

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="subscriptions"
    )
    member = models.OneToOneField(Member, on_delete=models.PROTECT, related_name="subscription")
    shares = models.PositiveIntegerField(_("shares"))
    nominal_value = money_field(_("nominal value of a share"))
    amount_subscribed = money_field(_("amount subscribed"))
    amount_paid = money_field(_("amount paid"), default=Decimal("0"))
    subscribed_on = models.DateField(_("entry date"))
    address = models.TextField(_("address"), blank=True)
    exited_on = models.DateField(_("exit date"), null=True, blank=True)
    exit_reason = models.CharField(_("reason for leaving"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["subscribed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_paid__gte=0) & Q(amount_paid__lte=F("amount_subscribed")),
                name="subscription_paid_within_subscribed",
            ),
            models.CheckConstraint(
                condition=Q(shares__gte=1)
                & Q(nominal_value__gt=0)
                & Q(amount_subscribed=F("shares") * F("nominal_value")),
                name="subscription_shares_times_nominal",
            ),
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True) | Q(exited_on__gte=F("subscribed_on")),
                name="subscription_exit_after_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.shares} × {self.nominal_value}"

    @property
    def remaining(self) -> Decimal:
        return self.amount_subscribed - self.amount_paid

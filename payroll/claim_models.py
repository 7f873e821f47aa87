"""A member's expense claim: money a member spent for the co-op and asks back, with a receipt."""

import secrets
from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coop.models import Cooperative, Member
from coop.models.fields import money_field
from payroll.models import Distribution, Expense


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", pgettext_lazy("expense", "rejected")
    REIMBURSED = "reimbursed", _("reimbursed")
    WITHDRAWN = "withdrawn", _("withdrawn")


def receipt_path(claim: "ExpenseClaim", filename: str) -> str:
    """A name nobody can guess (the receipt is served only through a view that checks the
    reader's membership, never by its address under MEDIA_URL); the extension is the type the
    content was found to be (`payroll.receipts.checked_receipt`)."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"claims/{claim.cooperative_id}/{secrets.token_urlsafe(24)}.{extension}"


class ExpenseClaim(models.Model):
    """Submitted → approved (by the treasurer, or a vote above the spending limit) → reimbursed
    in the month's distribution; or rejected with a reason; or withdrawn by its member."""

    Status = ClaimStatus

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="expense_claims"
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="expense_claims")
    amount = money_field(_("amount"), validators=[MinValueValidator(Decimal("0.01"))])
    currency = models.CharField(max_length=3)
    date = models.DateField(_("date"))
    payee = models.CharField(_("payee"), max_length=200)
    category = models.CharField(_("category"), max_length=100)
    note = models.TextField(_("note"), blank=True)
    receipt = models.FileField(_("receipt"), upload_to=receipt_path, max_length=200)
    status = models.CharField(
        max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED
    )
    rejection_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # Above the bylaws' spending limit a `spending` proposal decides.
    proposal = models.ForeignKey(
        "governance.Proposal", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The approved expense the books count (in the claim's month, or the first open one).
    expense = models.OneToOneField(
        Expense, on_delete=models.PROTECT, null=True, blank=True, related_name="claim"
    )
    reimbursed_in = models.ForeignKey(
        Distribution, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reimbursed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="claim_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=ClaimStatus.values), name="claim_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="claim_rejected_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "reimbursed"]) | Q(expense__isnull=False),
                name="claim_approved_has_expense",
            ),
        ]
        indexes = [models.Index(fields=["cooperative", "member"], name="claim_coop_member")]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} claimed by {self.member_id} ({self.status})"

    def describe(self) -> dict[str, Any]:
        return {"amount": str(self.amount), "payee": self.payee, "date": self.date}

"""Reads of members' expense claims: who sees which, and what a month's distribution pays back."""

import datetime

from django.db.models import QuerySet

from coop.models import Cooperative, Member
from coop.models.cooperative import Role
from coop.months import month_bounds
from payroll.claim_models import ExpenseClaim


def visible_claims(viewer: Member) -> QuerySet[ExpenseClaim]:
    """The claims a member may read: the treasurer all the co-op's, any other member their own
    (the pages and the API alike; another's claim is not found, not forbidden)."""
    claims = ExpenseClaim.objects.filter(cooperative_id=viewer.cooperative_id).select_related(
        "member__user", "proposal", "reimbursed_in"
    )
    if viewer.has_role(Role.TREASURER):
        return claims
    return claims.filter(member=viewer)


def claims_to_reimburse(cooperative: Cooperative, month: datetime.date) -> list[ExpenseClaim]:
    """The approved claims whose expense counts in this month: the distribution of the month
    pays each back to its member on a reimbursement line."""
    first, last = month_bounds(month)
    return list(
        ExpenseClaim.objects.filter(
            cooperative=cooperative,
            status=ExpenseClaim.Status.APPROVED,
            expense__date__range=(first, last),
        ).order_by("id")
    )

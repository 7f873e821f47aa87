"""Reads of settlements: who sees which (the pages and the API alike)."""

from django.db.models import Prefetch, QuerySet

from coop.models import Member
from coop.models.cooperative import Role
from payroll.settlement_models import Settlement, SettlementInstalment


def visible_settlements(viewer: Member) -> QuerySet[Settlement]:
    """The settlements a member may read: the treasurer all the co-op's, anyone else their own
    (a departed member until it is settled; another's is not found, not forbidden)."""
    settlements = (
        Settlement.objects.filter(cooperative_id=viewer.cooperative_id)
        .select_related("member__user", "approved_by__user", "approval_proposal")
        .prefetch_related(
            Prefetch(
                "instalments",
                queryset=SettlementInstalment.objects.select_related(
                    "paid_line__distribution"
                ).order_by("number"),
            )
        )
    )
    if viewer.has_role(Role.TREASURER):
        return settlements
    return settlements.filter(member=viewer)

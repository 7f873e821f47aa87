"""Reads of settlements: who sees which (the pages and the API alike)."""

from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet, Sum

from coop.bylaws_settlement import settlement_terms
from coop.models import Member
from coop.models.cooperative import Role
from payroll.models import CapitalAccountEntry
from payroll.settlement_models import Settlement, SettlementInstalment


def visible_settlements(viewer: Member) -> QuerySet[Settlement]:
    """The settlements a member may read: the treasurer all the co-op's, anyone else their own
    (a departed member until it is settled; another's is not found, not forbidden)."""
    settlements = (
        Settlement.objects.filter(cooperative_id=viewer.cooperative_id)
        .select_related("cooperative", "member__user", "approved_by__user", "approval_proposal")
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


def losses_counted(settlement: Settlement) -> Decimal:
    """The losses charged to the leaver's capital account that the settlement's balance counts:
    those dated up to the settlement date, or up to the departure where the bylaws the figures
    were computed with say the member bears none after leaving (`settlements.counted_balance`)."""
    terms = settlement_terms({"settlement": settlement.terms})
    cutoff = settlement.settled_on if terms.bears_losses else settlement.departed_on
    total = (
        CapitalAccountEntry.objects.filter(
            member_id=settlement.member_id, kind=CapitalAccountEntry.Kind.LOSS
        )
        .filter(Q(amount__gt=0) | Q(date__lte=cutoff))  # a loss given back counts, as a credit
        .aggregate(total=Sum("amount"))["total"]
    )
    return Decimal(total or 0).quantize(Decimal("0.01"))

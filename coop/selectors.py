"""Reads of the core domain, scoped to one co-op."""

from django.db.models import QuerySet
from django.http import Http404

from coop.models import Member, User


def memberships_of(user: User) -> QuerySet[Member]:
    """The user's current memberships, with their co-ops, in co-op name order."""
    return (
        Member.objects.current()
        .filter(user=user)
        .select_related("cooperative")
        .order_by("cooperative__name")
    )


def membership_or_404(user: User, slug: str) -> Member:
    """The user's membership in the co-op with this slug; 404 for anyone else."""
    member = memberships_of(user).filter(cooperative__slug=slug).select_related("user").first()
    if member is None:
        raise Http404("No such co-op.")
    return member


def member_directory(member: Member) -> QuerySet[Member]:
    """Everyone in the member's co-op, current members first."""
    return (
        Member.objects.filter(cooperative_id=member.cooperative_id)
        .select_related("user")
        .order_by("status", "user__full_name", "user__email")
    )

"""Who reads the books' pages: every current member of the co-op (404 to anyone else). The
pages only read; the journal is written by the money events."""

from django.http import HttpRequest

from coop.models import Member
from coop.models.cooperative import Role
from coop.selectors import membership_or_404


def membership(request: HttpRequest, coop_slug: str) -> Member:
    """The signed-in member of the co-op (404 otherwise); the co-op becomes the current one."""
    member = membership_or_404(request.user, coop_slug)
    request.session["current_coop"] = coop_slug
    return member


def context(member: Member, section: str, **extra) -> dict:
    return {
        "member": member,
        "cooperative": member.cooperative,
        "currency": member.cooperative.currency,
        "is_treasurer": member.has_role(Role.TREASURER),
        "section": section,  # books/_subnav.html
        **extra,
    }

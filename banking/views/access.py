"""Who may see the bank's pages: every member of the co-op reads (404 to anyone else); the
treasurer writes (403 to the other members)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from coop.models import Member
from coop.models.cooperative import Role
from coop.selectors import membership_or_404


def membership(request: HttpRequest, coop_slug: str) -> Member:
    """The signed-in member of the co-op (404 otherwise); the co-op becomes the current one."""
    member = membership_or_404(request.user, coop_slug)
    request.session["current_coop"] = coop_slug
    return member


def treasurer_or_403(request: HttpRequest, coop_slug: str, refusal: str) -> Member:
    """The co-op's treasurer; any other member gets 403 with `refusal`."""
    member = membership(request, coop_slug)
    if not member.has_role(Role.TREASURER):
        raise PermissionDenied(refusal)
    return member

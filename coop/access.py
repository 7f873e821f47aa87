"""What every page of a co-op asks first: is the viewer a member (404 to anyone else, so that a
co-op's pages do not say it exists), and for a write, the treasurer (403 to the other members).
The co-op viewed becomes the session's current one."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from coop.models import Member
from coop.selectors import membership_or_404


def membership(request: HttpRequest, coop_slug: str, *, departed_ok: bool = False) -> Member:
    """The viewer's membership of the co-op; a departed member only where `departed_ok` (the
    reads of their own money)."""
    user: Any = request.user  # anonymous: membership_or_404 answers 404
    member = membership_or_404(user, coop_slug, departed_ok=departed_ok)
    request.session["current_coop"] = coop_slug
    return member


def treasurer_or_403(request: HttpRequest, coop_slug: str, refusal: str | None = None) -> Member:
    """The co-op's treasurer; any other member gets 403 with `refusal`."""
    member = membership(request, coop_slug)
    if not member.is_treasurer:
        raise PermissionDenied(refusal or _("Only the treasurer may do this."))
    return member

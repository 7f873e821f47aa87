"""What every money page asks first: the viewer's membership (or treasurership), the context
every page shares, and the pages' addresses.

A member who is not the treasurer gets 403 on every write.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from coop.models import Cooperative, Member
from coop.selectors import membership_or_404
from payroll import selectors
from payroll.forms import month_choice
from payroll.models import Distribution


def membership(request: HttpRequest, coop_slug: str, *, departed_ok: bool = False) -> Member:
    """The viewer's membership; a departed member only on the reads of their own money."""
    member = membership_or_404(request.user, coop_slug, departed_ok=departed_ok)
    request.session["current_coop"] = coop_slug
    return member


def treasurer_or_403(request: HttpRequest, coop_slug: str) -> Member:
    member = membership(request, coop_slug)
    if not member.is_treasurer:
        raise PermissionDenied(_("Only the treasurer may do this."))
    return member


def context_for(member: Member, section: str, **extra: Any) -> dict[str, Any]:
    cooperative = member.cooperative
    return {
        "member": member,
        "cooperative": cooperative,
        "currency": cooperative.currency,
        "is_treasurer": member.is_treasurer,
        "section": section,
        **extra,
    }


def overview_url(cooperative: Cooperative, month: datetime.date) -> str:
    url = reverse("money-overview", args=[cooperative.slug])
    return f"{url}?month={month:%Y-%m}"


def distribution_url(distribution: Distribution) -> str:
    return reverse("money-distribution", args=[distribution.cooperative.slug, distribution.pk])


def posted_month(request: HttpRequest, member: Member) -> datetime.date:
    return month_choice(request.POST.get("month")) or selectors.default_month(member.cooperative)

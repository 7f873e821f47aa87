"""What every money page asks first: the viewer's membership (or treasurership), the context
every page shares, and the pages' addresses.

A member who is not the treasurer gets 403 on every write.
"""

import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from coop.models import Cooperative, Member
from payroll import selectors
from payroll.forms import month_choice
from payroll.models import Distribution


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

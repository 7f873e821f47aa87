"""Payroll's panels on the dashboard: my latest statement and capital; the treasurer's month;
a newly adopted distribution policy."""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.http import HttpRequest

from coop import clock
from coop.clock import today_in
from coop.dashboard import register
from coop.models import Member
from coop.models.cooperative import Role
from coop.months import month_bounds
from payroll.capital import capital_balance
from payroll.draft_lines import stale_inputs
from payroll.models import Distribution, DistributionLine, Expense, Revenue
from payroll.presenters import POLICY_NOTICE_DAYS, policy_notice, stale_in_words
from payroll.selectors import FINAL, chart_parts, policy_adopted_since

ZERO = Decimal("0")


def money_panel(request: HttpRequest, member: Member) -> tuple[str, dict[str, Any]]:
    """My line of the latest final distribution, my capital balance, and where that month's
    money went; three queries."""
    cooperative = member.cooperative
    latest = (
        Distribution.objects.filter(cooperative=cooperative, status__in=FINAL)
        .order_by("-month", "-id")
        .first()
    )
    line = None
    if latest is not None:
        line = DistributionLine.objects.filter(
            distribution=latest, member=member, kind=DistributionLine.Kind.MEMBER
        ).first()
    return "payroll/dashboard/money.html", {
        "latest": latest,
        "line": line,
        "capital_balance": capital_balance(member),
        "chart": chart_parts(latest) if latest is not None else [],
        "surplus": latest.surplus if latest is not None else ZERO,
        "currency": cooperative.currency,
    }


def treasurer_panel(request: HttpRequest, member: Member) -> tuple[str, dict[str, Any]] | None:
    """This month's revenue and expenses so far, and the draft distribution waiting for
    approval, with what changed since it was computed; a fixed number of queries."""
    if not member.has_role(Role.TREASURER):
        return None
    cooperative = member.cooperative
    first, last = month_bounds(today_in(cooperative))
    revenue = Revenue.objects.filter(
        cooperative=cooperative, received_on__range=(first, last)
    ).aggregate(total=Sum("amount", default=ZERO))["total"]
    expenses = Expense.objects.filter(cooperative=cooperative, date__range=(first, last)).aggregate(
        approved=Sum("amount", filter=Q(status=Expense.Status.APPROVED), default=ZERO),
        pending=Sum("amount", filter=Q(status=Expense.Status.SUBMITTED), default=ZERO),
    )
    draft = (
        Distribution.objects.filter(cooperative=cooperative, status=Distribution.Status.DRAFT)
        .order_by("-month", "-id")
        .first()
    )
    return "payroll/dashboard/treasurer.html", {
        "month": first,
        "revenue": revenue,
        "approved_expenses": expenses["approved"],
        "pending_expenses": expenses["pending"],
        "balance": revenue - expenses["approved"],
        "draft": draft,
        "stale_inputs": (
            stale_in_words(stale_inputs(draft), draft.currency) if draft is not None else []
        ),
        "currency": cooperative.currency,
    }


def policy_panel(request: HttpRequest, member: Member) -> tuple[str, dict[str, Any]] | None:
    """A distribution policy adopted in the last weeks, and what it changed, for every member;
    two queries (none more when nothing was adopted lately)."""
    cooperative = member.cooperative
    since = clock.now() - datetime.timedelta(days=POLICY_NOTICE_DAYS)
    policy = policy_adopted_since(cooperative, since)
    if policy is None:
        return None
    return "payroll/dashboard/policy.html", policy_notice(policy, cooperative.currency)


def register_payroll_panels() -> None:
    register(treasurer_panel, name="payroll.treasurer", order=5)
    register(money_panel, name="payroll.money", order=30)
    register(policy_panel, name="payroll.policy", order=3)

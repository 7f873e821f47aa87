"""Payroll's panels on the dashboard: my latest statement and capital; the treasurer's month."""

from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.http import HttpRequest

from coop.clock import today_in
from coop.dashboard import register
from coop.models import Member
from coop.models.cooperative import Role
from coop.months import month_bounds
from payroll.capital import capital_balance
from payroll.draft_lines import stale_inputs
from payroll.models import Distribution, DistributionLine, Expense, Revenue
from payroll.presenters import stale_in_words
from payroll.selectors import FINAL, chart_parts

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


def register_payroll_panels() -> None:
    register(treasurer_panel, name="payroll.treasurer", order=5)
    register(money_panel, name="payroll.money", order=30)

"""Panels of the co-op's pages that other apps fill in, so that coop never imports them.

A panel is a function `(request, member) -> (template name, context) | None`: None when it has
nothing to show this member. Governance and payroll register theirs in `AppConfig.ready()`;
coop renders them in order. Two places take panels: the dashboard (`DASHBOARD`) and the members
page (`MEMBERS`). A panel reads a fixed number of queries, whatever the size of the co-op.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from coop import selectors
from coop.clock import today_in
from coop.durations import format_minutes
from coop.locale_formats import format_month
from coop.models import Member

DASHBOARD = "dashboard"
MEMBERS = "members"

Panel = Callable[[HttpRequest, Member], tuple[str, dict[str, Any]] | None]


@dataclass(frozen=True)
class Registered:
    name: str
    page: str
    order: int
    panel: Panel


_panels: dict[tuple[str, str], Registered] = {}


def register(panel: Panel, *, name: str, page: str = DASHBOARD, order: int = 100) -> None:
    """Show `panel` on `page`, sorted by `order`; registering a name again replaces it."""
    if page not in (DASHBOARD, MEMBERS):
        raise ValueError(f"Unknown page for panels: {page}")
    _panels[(page, name)] = Registered(name, page, order, panel)


def panels(page: str) -> list[Registered]:
    return sorted(
        (entry for entry in _panels.values() if entry.page == page),
        key=lambda entry: (entry.order, entry.name),
    )


def render_panels(request: HttpRequest, member: Member, page: str) -> list[SafeString]:
    """The HTML of each panel that has something to show, in order."""
    rendered = []
    for entry in panels(page):
        result = entry.panel(request, member)
        if result is None:
            continue
        template, context = result
        context = {"member": member, "cooperative": member.cooperative, **context}
        rendered.append(render_to_string(template, context, request=request))
    return rendered


# Charts -----------------------------------------------------------------------------------------

LABEL_WIDTH = 130  # SVG user units for the names on the left of a horizontal bar chart
BAR_SPACE = 150
ROW_HEIGHT = 26


@dataclass(frozen=True)
class ChartRow:
    label: str
    value: str  # as read, for the value text and the table
    width: Decimal  # bar length in SVG units
    y: int


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart drawn as inline SVG, with a table for readers who cannot see it."""

    key: str
    title: str
    label_heading: str
    value_heading: str
    rows: list[ChartRow]

    @property
    def height(self) -> int:
        return ROW_HEIGHT * len(self.rows)

    @property
    def label_width(self) -> int:
        return LABEL_WIDTH

    @property
    def description(self) -> str:
        return "; ".join(f"{row.label}: {row.value}" for row in self.rows)


def bar_chart(
    key: str,
    title: str,
    label_heading: str,
    value_heading: str,
    values: list[tuple[str, int | Decimal, str]],
) -> BarChart:
    """Rows of (label, value, value as read), bars scaled to the largest value."""
    largest = max((value for _, value, _ in values), default=0) or 1
    rows = [
        ChartRow(
            label=label,
            value=text,
            width=(Decimal(max(value, 0)) * BAR_SPACE / Decimal(largest)).quantize(Decimal("0.1")),
            y=index * ROW_HEIGHT,
        )
        for index, (label, value, text) in enumerate(values)
    ]
    return BarChart(key, title, label_heading, value_heading, rows)


# The hours panel --------------------------------------------------------------------------------


def hours_panel(request: HttpRequest, member: Member) -> tuple[str, dict[str, Any]]:
    """My hours this week and this month against the ones before, and this month by project."""
    overview = selectors.hours_overview(member, today_in(member.cooperative))
    chart = bar_chart(
        "hours-by-project",
        _("Your hours per project in %(month)s") % {"month": format_month(overview.today)},
        _("Project"),
        _("Hours"),
        [(row.label, row.minutes, format_minutes(row.minutes)) for row in overview.by_project],
    )
    return "coop/dashboard/hours.html", {"hours": overview, "chart": chart}


def register_coop_panels() -> None:
    register(hours_panel, name="hours", order=10)

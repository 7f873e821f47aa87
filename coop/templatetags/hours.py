"""Template filters for hours: minutes shown as h:mm."""

from django import template

from coop.durations import format_minutes

register = template.Library()


@register.filter
def hm(minutes: int | None) -> str:
    return format_minutes(minutes or 0)


@register.filter
def hm_blank(minutes: int | None) -> str:
    """h:mm, or nothing for an empty cell."""
    return format_minutes(minutes) if minutes else ""


@register.filter
def index(sequence, position: int):
    return sequence[position]


@register.filter
def any_locked(days) -> bool:
    return any(day["locked"] for day in days)

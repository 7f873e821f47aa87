"""Template filters for hours: minutes shown as h:mm, the running timer's seconds as h:mm:ss."""

from django import template

from coop.durations import format_minutes

register = template.Library()


@register.filter
def hm(minutes: int | None) -> str:
    return format_minutes(minutes or 0)


@register.filter
def hms(seconds: int | None) -> str:
    """h:mm:ss, as the header's running timer shows it (coop/static/coop/timer.js ticks it on)."""
    minutes, second = divmod(seconds or 0, 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02d}:{second:02d}"


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

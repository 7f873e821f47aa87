"""Template filters that write days, months and moments the reader's way (CLDR, through
`coop.locale_formats`): `{{ day|long_day }}`, `{{ month|month_label }}`, `{{ day|short_day }}`."""

import datetime

from django import template
from django.utils import timezone

from coop import locale_formats

register = template.Library()


def _day(value):
    """A date, or an aware moment as the day it is in the current time zone."""
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return value


def _filter(name, formatter):
    def apply(value):
        if not isinstance(value, datetime.date):
            return ""
        return formatter(_day(value))

    apply.__name__ = name
    register.filter(name, apply)


_filter("long_day", locale_formats.format_day)
_filter("weekday_day", locale_formats.format_weekday_day)
_filter("medium_day", locale_formats.format_medium_day)
_filter("month_label", locale_formats.format_month)
_filter("short_day", locale_formats.format_short_day)
_filter("day_month", locale_formats.format_day_month)
_filter("weekday", locale_formats.format_weekday)


@register.filter
def day_range(first, last) -> str:
    """`{{ first|day_range:last }}`: "Dec 7 – 13, 2026", "7–13 dic 2026"."""
    if not isinstance(first, datetime.date) or not isinstance(last, datetime.date):
        return ""
    return locale_formats.format_day_range(_day(first), _day(last))


@register.filter
def moment(value) -> str:
    """A moment in the current time zone: "Dec 4, 2026, 10:30 AM", "4 dic 2026, 10:30"."""
    if not isinstance(value, datetime.datetime):
        return ""
    return locale_formats.format_moment(
        timezone.localtime(value) if timezone.is_aware(value) else value
    )


@register.filter
def moment_with_zone(value) -> str:
    """`{{ proposal.closes_at|moment_with_zone }}`: "4 dic 2026, 10:30 CET", in the current time
    zone (the co-op's), naming it."""
    if not isinstance(value, datetime.datetime) or not timezone.is_aware(value):
        return moment(value)
    return locale_formats.format_moment_with_zone(timezone.localtime(value))

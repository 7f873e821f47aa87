"""The dates a co-op's records may carry: nothing before the co-op was founded, no hours before
the member joined, no money later than the end of next year.

Every service that takes a date a person typed (hours, revenue, expenses, capital entries)
checks it here, so that the pages, the API, the imports and the admin refuse the same dates
with the same message, naming the field.
"""

import datetime

from django.utils.translation import gettext

from coop import clock
from coop.errors import InvalidInput
from coop.locale_formats import format_day
from coop.models import Cooperative, Member, TimeEntry


def founding_date(cooperative: Cooperative) -> datetime.date:
    """The day the co-op was founded (`founded_on`, which defaults to the day it was created)."""
    if cooperative.founded_on is not None:
        return cooperative.founded_on
    if cooperative.created_at is not None:
        return cooperative.created_at.astimezone(clock.zone_of(cooperative)).date()
    return clock.today_in(cooperative)


def latest_money_date(cooperative: Cooperative) -> datetime.date:
    """Money may be dated up to the end of next year (a payment scheduled ahead), no later."""
    return datetime.date(clock.today_in(cooperative).year + 1, 12, 31)


def _show(day: datetime.date) -> str:
    return format_day(day)


def check_not_before_founding(cooperative: Cooperative, day: datetime.date, *, field: str) -> None:
    founded = founding_date(cooperative)
    if day < founded:
        raise InvalidInput(
            gettext("%(day)s is before the co-op was founded (%(founded)s).")
            % {"day": _show(day), "founded": _show(founded)},
            field=field,
        )


def check_founding_date(cooperative: Cooperative, day: datetime.date) -> None:
    """A founding date is not in the future, nor after the first hours the co-op logged."""
    if day > clock.today_in(cooperative):
        raise InvalidInput(
            gettext("The co-op cannot be founded in the future."), field="founded_on"
        )
    first = (
        TimeEntry.objects.filter(member__cooperative=cooperative)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    if first is not None and day > first:
        raise InvalidInput(
            gettext("The co-op has hours logged on %(first)s, before that founding date.")
            % {"first": _show(first)},
            field="founded_on",
        )


def check_work_date(member: Member, day: datetime.date, *, field: str = "date") -> None:
    """Hours are worked after the co-op's founding and the member's joining."""
    check_not_before_founding(member.cooperative, day, field=field)
    if member.joined_on is not None and day < member.joined_on:
        raise InvalidInput(
            gettext("%(day)s is before the member joined the co-op (%(joined)s).")
            % {"day": _show(day), "joined": _show(member.joined_on)},
            field=field,
        )


def check_money_date(cooperative: Cooperative, day: datetime.date, *, field: str) -> None:
    """Revenue, expenses and capital entries: from the founding to the end of next year."""
    check_not_before_founding(cooperative, day, field=field)
    latest = latest_money_date(cooperative)
    if day > latest:
        raise InvalidInput(
            gettext("%(day)s is too far ahead: money is dated %(latest)s at the latest.")
            % {"day": _show(day), "latest": _show(latest)},
            field=field,
        )

"""The project's one clock: every "now" and "today" in Cooperage is asked of this module.

Code never calls `datetime.date.today()`, `datetime.datetime.now()` or `timezone.now()`
directly: it asks `clock.now()` (an aware instant, UTC) or `clock.today_in(cooperative)` (the
date in the co-op's time zone, where its days and months are). Tests set the clock with the
`clock` fixture (tests/conftest.py, time-machine), and `make test-clocks` runs the suite with the
clock set to a month end, 29 February, a year end and a daylight-saving change, so that no test
depends on the day it runs.
"""

import datetime
import zoneinfo
from typing import Protocol

from django.utils import timezone


class HasTimeZone(Protocol):
    time_zone: str


def now() -> datetime.datetime:
    """The current instant, aware, in UTC."""
    return timezone.now()


def zone_of(cooperative: HasTimeZone) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(cooperative.time_zone)


def now_in(cooperative: HasTimeZone) -> datetime.datetime:
    """The current instant in the co-op's time zone."""
    return now().astimezone(zone_of(cooperative))


def today_in(cooperative: HasTimeZone) -> datetime.date:
    """Today's date in the co-op's time zone."""
    return now_in(cooperative).date()


def today() -> datetime.date:
    """Today's date in the active time zone (the request's, else the site's)."""
    return timezone.localdate(now())

"""The running timer: start it on a project, stop it (the time is logged, split at midnight in
the co-op's time zone, through `coop.hours.services.log_time`) or discard it."""

import datetime
import zoneinfo

from django.db import transaction
from django.utils.translation import gettext

from coop import clock
from coop.audit import record
from coop.durations import MINUTES_PER_DAY
from coop.errors import StateConflict
from coop.hours.services import _check_member, _check_project, _locked_member, log_time
from coop.models import Member, Project, RunningTimer, TimeEntry


def start_timer(*, actor: Member, project: Project, description: str = "") -> RunningTimer:
    """Start the member's timer; a timer already running is stopped (and logged) first."""
    with transaction.atomic():
        member = _locked_member(actor)
        _check_member(member)
        _check_project(member, project)
        if RunningTimer.objects.filter(member=member).exists():
            stop_timer(actor=member)
        timer = RunningTimer.objects.create(
            member=member,
            project=project,
            description=description.strip(),
            started_at=clock.now(),
        )
        record(member.cooperative, actor, "timer.started", timer, {"project": project.pk})
        return timer


def day_segments(
    start: datetime.datetime, end: datetime.datetime, zone: zoneinfo.ZoneInfo
) -> list[tuple[datetime.date, int]]:
    """Split [start, end) at local midnights; each part rounded to whole minutes (half up).

    Parts that round to zero minutes are dropped.
    """
    segments = []
    cursor = start.astimezone(datetime.UTC)
    end = end.astimezone(datetime.UTC)
    while cursor < end:
        local_day = cursor.astimezone(zone).date()
        # Aware datetimes in one zone subtract as wall-clock times: do the arithmetic in UTC,
        # so that a 23- or 25-hour day (daylight saving) counts its real length.
        next_midnight = datetime.datetime.combine(
            local_day + datetime.timedelta(days=1), datetime.time(), tzinfo=zone
        ).astimezone(datetime.UTC)
        part_end = min(next_midnight, end)
        minutes = int(((part_end - cursor).total_seconds() + 30) // 60)
        if minutes:
            segments.append((local_day, min(minutes, MINUTES_PER_DAY)))
        cursor = part_end
    return segments


def stop_timer(*, actor: Member) -> list[TimeEntry]:
    """Stop the member's timer and log its time, one entry per day it ran through."""
    with transaction.atomic():
        member = _locked_member(actor)
        timer = (
            RunningTimer.objects.select_for_update()
            .select_related("project")
            .filter(member=member)
            .first()
        )
        if timer is None:
            raise StateConflict(gettext("No timer is running."))
        zone = zoneinfo.ZoneInfo(member.cooperative.time_zone)
        entries = [
            log_time(
                actor=member,
                member=member,
                project=timer.project,
                date=day,
                minutes=minutes,
                description=timer.description,
                source=TimeEntry.Source.TIMER,
            )
            for day, minutes in day_segments(timer.started_at, clock.now(), zone)
        ]
        record(
            member.cooperative,
            actor,
            "timer.stopped",
            timer,
            {"entries": [entry.pk for entry in entries]},
        )
        timer.delete()
        return entries


def discard_timer(*, actor: Member) -> None:
    """Throw the running timer away without logging anything."""
    with transaction.atomic():
        deleted, _ = RunningTimer.objects.filter(member=actor).delete()
        if not deleted:
            raise StateConflict(gettext("No timer is running."))
        record(actor.cooperative, actor, "timer.discarded", actor, {})

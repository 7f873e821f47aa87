"""Writes of hours: log, change and delete time entries, run the timer, lock months."""

import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum
from django.utils.translation import gettext

from coop.audit import ChainHead, lock_chain, record
from coop.clock import today_in
from coop.dates import check_work_date
from coop.durations import (
    HOURS_PER_DAY,
    MINUTES_PER_DAY,
    fits_an_adjustment,
    fits_in_a_day,
    format_minutes,
)
from coop.errors import InvalidInput, NotAllowed, PeriodLocked, StateConflict
from coop.hours import guards
from coop.locale_formats import format_day
from coop.models import Cooperative, Member, PeriodLock, Project, TimeEntry
from coop.models.cooperative import MemberStatus, Role
from coop.months import month_label, month_of

ENTRY_FIELDS = ("project", "date", "minutes", "description", "billable")


def locked_months(cooperative: Cooperative) -> set[datetime.date]:
    return set(PeriodLock.objects.filter(cooperative=cooperative).values_list("month", flat=True))


def hold_books(cooperative: Cooperative) -> ChainHead:
    """Lock the co-op row until the transaction ends; returns the head of its audit chain, for
    `coop.audit.record(..., head=)` to continue without locking the row again.

    A write of hours or money checks that its month is open while holding this lock, and the
    approval of a month holds it from its last look at the month's figures to the period lock.
    So an entry is either in the approved distribution or refused (409), never lost in between.
    (`coop.audit.record` takes the same lock later in every write, so this costs no concurrency.)
    """
    return lock_chain(cooperative)


def _month_locked(day: datetime.date) -> PeriodLocked:
    return PeriodLocked(
        gettext(
            "%(month)s is locked: a distribution for it was approved, so its hours cannot "
            "change. To correct an entry, press “Adjust” next to it in the list of entries: "
            "the adjustment is logged in a month that is still open."
        )
        % {"month": month_label(month_of(day))},
        field="date",
    )


def ensure_month_open(cooperative: Cooperative, day: datetime.date) -> ChainHead:
    """Refuse (409) any change to hours dated in a locked month; call it inside the write's
    transaction, as it holds the co-op's books (see `hold_books`)."""
    head = hold_books(cooperative)
    if PeriodLock.objects.filter(cooperative=cooperative, month=month_of(day)).exists():
        raise _month_locked(day)
    return head


def _require_owner_or_admin(actor: Member | None, member: Member) -> None:
    if actor is None or actor.pk == member.pk or actor.has_role(Role.ADMIN):
        return
    raise NotAllowed(
        gettext("You may only log and change your own hours; an admin may change anyone's.")
    )


def _check_member(member: Member) -> None:
    if member.status == MemberStatus.DEPARTED:
        raise StateConflict(
            gettext("%(name)s has left the co-op.") % {"name": member.display_name}, field="member"
        )


def _check_project(member: Member, project: Project) -> None:
    if project.cooperative_id != member.cooperative_id:
        raise InvalidInput(gettext("This project does not belong to the co-op."), field="project")
    if not project.active:
        raise InvalidInput(
            gettext("Project “%(project)s” is archived: hours can no longer be logged on it.")
            % {"project": project.name},
            field="project",
        )


def _check_date(member: Member, day: datetime.date) -> None:
    check_work_date(member, day)
    today = today_in(member.cooperative)
    if day > today:
        raise InvalidInput(
            gettext("%(day)s is in the future (today is %(today)s in %(zone)s).")
            % {
                "day": format_day(day),
                "today": format_day(today),
                "zone": member.cooperative.time_zone,
            },
            field="date",
        )


def _check_minutes(minutes: Any, adjustment: bool) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise InvalidInput(gettext("Minutes must be a whole number."), field="minutes")
    if adjustment:
        if not fits_an_adjustment(minutes):
            raise InvalidInput(
                gettext("An adjustment adds or removes between 1 and %(most)d minutes.")
                % {"most": MINUTES_PER_DAY},
                field="minutes",
            )
    elif not fits_in_a_day(minutes):
        raise InvalidInput(
            gettext("Minutes must be between 1 and %(most)d (%(hours)d hours).")
            % {"most": MINUTES_PER_DAY, "hours": HOURS_PER_DAY},
            field="minutes",
        )
    return minutes


def _check_day_total(
    member: Member,
    day: datetime.date,
    minutes: int,
    exclude: int | None,
    actor: Member | None = None,
) -> None:
    """A member's day holds 24 hours at most; the message says "you" to the member themself."""
    others = TimeEntry.objects.filter(member=member, date=day)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    logged = others.aggregate(total=Sum("minutes"))["total"] or 0
    _refuse_a_full_day(member, day, logged + minutes, actor)


def _refuse_a_full_day(
    member: Member, day: datetime.date, total: int, actor: Member | None
) -> None:
    if total > MINUTES_PER_DAY:
        figures = {
            "time": format_minutes(total),
            "day": format_day(day),
            "name": member.display_name,
            "most_time": format_minutes(MINUTES_PER_DAY),
            "most": MINUTES_PER_DAY,
        }
        if actor is not None and actor.pk == member.pk:
            message = gettext(
                "This makes %(time)s on %(day)s for you; a day has at most %(most_time)s."
            )
        else:
            message = gettext(
                "This makes %(time)s on %(day)s for %(name)s; a day has at most %(most_time)s "
                "(%(most)d minutes)."
            )
        raise InvalidInput(message % figures, field="minutes")


def _check_adjustment(
    member: Member, adjusts: TimeEntry, minutes: int, exclude: int | None
) -> None:
    if adjusts.member_id != member.pk:
        raise InvalidInput(
            gettext("An adjustment corrects an entry of the same member."), field="adjusts"
        )
    if adjusts.adjusts_id is not None:
        raise InvalidInput(
            gettext("Adjust the original entry, not an adjustment."), field="adjusts"
        )
    if not PeriodLock.objects.filter(
        cooperative_id=member.cooperative_id, month=month_of(adjusts.date)
    ).exists():
        raise InvalidInput(
            gettext("Entry #%(id)s is in an open month: change it directly instead.")
            % {"id": adjusts.pk},
            field="adjusts",
        )
    earlier = adjusts.adjustments.exclude(pk=exclude) if exclude else adjusts.adjustments.all()
    remaining = adjusts.minutes + (earlier.aggregate(total=Sum("minutes"))["total"] or 0)
    if remaining + minutes < 0:
        raise InvalidInput(
            gettext(
                "Entry #%(id)s has %(time)s left to correct; an adjustment cannot take away more."
            )
            % {"id": adjusts.pk, "time": format_minutes(remaining)},
            field="minutes",
        )


def _locked_member(member: Member) -> Member:
    """Lock the member's row: two requests logging for one member queue for the day total.

    FOR NO KEY UPDATE: rows that merely reference the member (an approval's capital entries)
    do not wait for it, so a log waiting for the co-op's books cannot deadlock with an approval.
    """
    return (
        Member.objects.select_for_update(no_key=True, of=("self",))
        .select_related("cooperative", "user")
        .get(pk=member.pk)
    )


# On the tables of PeriodLock and TimeEntry; tests/coop/test_hours_services.py runs it on both
# databases (a locked month, a full day, another member's day and month).
MONTH_AND_DAY = """
SELECT EXISTS (SELECT 1 FROM "coop_periodlock" WHERE "cooperative_id" = %s AND "month" = %s),
       (SELECT SUM("minutes") FROM "coop_timeentry" WHERE "member_id" = %s AND "date" = %s)
"""


def _month_and_day(member: Member, day: datetime.date) -> tuple[bool, int]:
    """Whether the day's month is locked, and the minutes the member logged on the day: one
    query, read after the co-op's lock (a statement that waited for the lock would read with
    the snapshot of before the wait). Written in SQL: Django took longer to compile it (an
    EXISTS and a SUM as subqueries, about 1 ms of Python) than PostgreSQL to run it (issue 21)."""
    with connection.cursor() as cursor:
        cursor.execute(MONTH_AND_DAY, [member.cooperative_id, month_of(day), member.pk, day])
        locked, logged = cursor.fetchone()
    return bool(locked), logged or 0


def log_time(
    *,
    actor: Member | None,
    member: Member,
    project: Project,
    date: datetime.date,
    minutes: int,
    description: str = "",
    adjusts: TimeEntry | None = None,
    source: str = TimeEntry.Source.MANUAL,
    source_fingerprint: str = "",
    billable: bool | None = None,
) -> TimeEntry:
    """Record minutes worked by a member on a project on a day (or an adjustment entry).

    Without an explicit `billable`, the entry takes its project's (an adjustment, its entry's):
    the timer, the imports and the week grid log that way."""
    _require_owner_or_admin(actor, member)
    _check_member(member)
    minutes = _check_minutes(minutes, adjustment=adjusts is not None)
    _check_project(member, project)
    _check_date(member, date)
    with transaction.atomic():
        # The co-op's lock, not the member's, makes two logs of one member's day queue: every
        # write of the co-op's hours takes it before it reads the day's total.
        head = hold_books(member.cooperative)
        month_locked, logged = _month_and_day(member, date)
        if month_locked:
            raise _month_locked(date)
        if adjusts is not None:
            _check_adjustment(member, adjusts, minutes, exclude=None)
        _refuse_a_full_day(member, date, logged + minutes, actor)
        if billable is None:
            billable = adjusts.billable if adjusts is not None else project.billable
        entry = TimeEntry.objects.create(
            billable=billable,
            cooperative=member.cooperative,
            member=member,
            project=project,
            date=date,
            minutes=minutes,
            description=description.strip(),
            adjusts=adjusts,
            source=source,
            source_fingerprint=source_fingerprint,
        )
        record(
            member.cooperative, actor, "time_entry.created", entry, _entry_data(entry), head=head
        )
        return entry


def update_time_entry(*, actor: Member | None, entry: TimeEntry, **changes: Any) -> TimeEntry:
    """Change an entry's project, date, minutes, description or billable flag; both months must
    be open, and the other apps' guards must let it change (a billed entry keeps its hours). A
    change of the billable flag alone: see `set_entry_billable`."""
    unknown = set(changes) - set(ENTRY_FIELDS)
    if unknown:
        raise InvalidInput(gettext("This field cannot be changed."), field=sorted(unknown)[0])
    if set(changes) == {"billable"}:
        return set_entry_billable(actor=actor, entry=entry, billable=changes["billable"])
    _require_owner_or_admin(actor, entry.member)
    with transaction.atomic():
        member = _locked_member(entry.member)
        entry = TimeEntry.objects.select_for_update().select_related("project").get(pk=entry.pk)
        ensure_month_open(member.cooperative, entry.date)
        before = _entry_data(entry)
        for name, value in changes.items():
            setattr(entry, name, value.strip() if name == "description" else value)
        if before == _entry_data(entry):
            return entry
        guards.check(entry, {k for k, v in _entry_data(entry).items() if before[k] != v})
        _check_member(member)
        _check_minutes(entry.minutes, adjustment=entry.adjusts_id is not None)
        if "project" in changes:
            _check_project(member, entry.project)
        _check_date(member, entry.date)
        ensure_month_open(member.cooperative, entry.date)
        if entry.adjusts is not None:
            _check_adjustment(member, entry.adjusts, entry.minutes, exclude=entry.pk)
        _check_day_total(member, entry.date, entry.minutes, exclude=entry.pk, actor=actor)
        entry.save()
        after = _entry_data(entry)
        changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
        record(member.cooperative, actor, "time_entry.updated", entry, {"changed": changed})
        return entry


def set_entry_billable(*, actor: Member | None, entry: TimeEntry, billable: bool) -> TimeEntry:
    """Mark an entry billable or not (the entry's member, an admin or the treasurer, who
    decides what clients are invoiced). The flag is no input of a distribution, so it may
    change in a locked month too; whether a billed entry may change is billing's rule."""
    if not (actor is None or actor.pk == entry.member_id or actor.has_role(Role.TREASURER)):
        _require_owner_or_admin(actor, entry.member)
    with transaction.atomic():
        entry = TimeEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.billable == billable:
            return entry
        guards.check(entry, {"billable"})
        entry.billable = billable
        entry.save(update_fields=["billable", "updated_at"])
        record(
            entry.cooperative,
            actor,
            "time_entry.updated",
            entry,
            {"changed": {"billable": [not billable, billable]}},
        )
        return entry


def delete_time_entry(*, actor: Member | None, entry: TimeEntry) -> None:
    _require_owner_or_admin(actor, entry.member)
    with transaction.atomic():
        member = _locked_member(entry.member)
        entry = TimeEntry.objects.select_for_update().get(pk=entry.pk)
        ensure_month_open(member.cooperative, entry.date)
        if entry.adjustments.exists():
            raise StateConflict(gettext("This entry has adjustments and cannot be deleted."))
        guards.check(entry, {guards.DELETED})
        data = _entry_data(entry)
        entry_id = entry.pk
        entry.delete()
        record(
            member.cooperative,
            actor,
            "time_entry.deleted",
            data={**data, "id": entry_id},
            object_type="coop.timeentry",
            object_id=entry_id,
        )


def set_cell_minutes(
    *, actor: Member | None, member: Member, project: Project, date: datetime.date, minutes: int
) -> TimeEntry | None:
    """Make a week-grid cell (member × project × day) total `minutes`.

    An empty cell gets a new entry; a cell with one entry has it changed (or deleted at 0).
    A cell holding several entries is refused: they are edited one by one in the list.
    """
    with transaction.atomic():
        entries = list(
            TimeEntry.objects.filter(member=member, project=project, date=date, adjusts=None)
        )
        if len(entries) > 1:
            raise StateConflict(
                gettext(
                    "%(day)s has %(count)s entries on “%(project)s”: change them one by one in "
                    "the list of entries."
                )
                % {"day": format_day(date), "count": len(entries), "project": project.name},
                field="minutes",
            )
        if not entries:
            if minutes == 0:
                return None
            return log_time(actor=actor, member=member, project=project, date=date, minutes=minutes)
        if minutes == 0:
            delete_time_entry(actor=actor, entry=entries[0])
            return None
        return update_time_entry(actor=actor, entry=entries[0], minutes=minutes)


def lock_period(
    *, cooperative: Cooperative, month: datetime.date, actor: Member | None = None, reason: str = ""
) -> PeriodLock:
    """Lock a month's hours (idempotent). Payroll calls this when a distribution is approved."""
    month = month_of(month)
    with transaction.atomic():
        lock, created = PeriodLock.objects.get_or_create(
            cooperative=cooperative, month=month, defaults={"reason": reason}
        )
        if created:
            record(
                cooperative,
                actor,
                "period.locked",
                lock,
                {"month": month.strftime("%Y-%m"), "reason": reason},
            )
        return lock


def _entry_data(entry: TimeEntry) -> dict[str, Any]:
    return {
        "member": entry.member_id,
        "project": entry.project_id,
        "date": entry.date.isoformat(),
        "minutes": entry.minutes,
        "description": entry.description,
        "adjusts": entry.adjusts_id,
        "source": entry.source,
        "billable": entry.billable,
    }

"""The rules of logging hours: limits, day totals, future dates, projects, owners, locked months."""

import datetime
import zoneinfo

import pytest
from dateutil.relativedelta import relativedelta

from coop import clock as project_clock
from coop.clock import today_in
from coop.durations import DurationError, format_minutes, parse_duration
from coop.errors import InvalidInput, NotAllowed, PeriodLocked, StateConflict
from coop.hours import services, timers
from coop.locale_formats import format_day
from coop.models import RunningTimer, TimeEntry
from tests.concurrency import at_once
from tests.factories import MemberFactory, ProjectFactory, TimeEntryFactory


@pytest.fixture
def project(cooperative):
    return ProjectFactory(client__cooperative=cooperative, name="Open data portal")


@pytest.fixture
def today(cooperative):
    return today_in(cooperative)


def log(member, project, day, minutes, **kwargs):
    return services.log_time(
        actor=member, member=member, project=project, date=day, minutes=minutes, **kwargs
    )


@pytest.mark.django_db
class TestLogTime:
    def test_logs_and_audits(self, member, project, today):
        entry = log(member, project, today, 90, description="  Review  ")
        assert (entry.minutes, entry.description, entry.source) == (90, "Review", "manual")
        event = member.cooperative.audit_events.last()
        assert event.verb == "time_entry.created"
        assert event.data["minutes"] == 90

    @pytest.mark.parametrize("minutes", [0, -5, 1441, "60", 1.5, True])
    def test_minutes_between_1_and_1440(self, member, project, today, minutes):
        with pytest.raises(InvalidInput) as error:
            log(member, project, today, minutes)
        assert error.value.field == "minutes"

    def test_a_day_holds_at_most_24_hours(self, member, project, today):
        log(member, project, today, 1000)
        log(member, project, today, 440)
        with pytest.raises(InvalidInput) as error:  # an admin, an import: the member is named
            services.log_time(actor=None, member=member, project=project, date=today, minutes=1)
        assert error.value.message == (
            f"This makes 24:01 on {format_day(today, 'en')} for {member.display_name}; "
            "a day has at most 24:00 (1440 minutes)."
        )
        with pytest.raises(InvalidInput) as error:
            services.log_time(actor=member, member=member, project=project, date=today, minutes=1)
        assert error.value.message == (
            f"This makes 24:01 on {format_day(today, 'en')} for you; a day has at most 24:00."
        )

    def test_the_day_and_the_month_are_the_members_own(self, member, project, today):
        """The day's total counts this member's entries of this day, and the month's lock is
        this co-op's (`_month_and_day`, one statement in SQL)."""
        log(MemberFactory(cooperative=member.cooperative), project, today, 1440)
        log(member, project, today - datetime.timedelta(days=1), 1440)
        elsewhere = ProjectFactory().cooperative
        month = today.replace(day=1)
        services.lock_period(cooperative=elsewhere, month=month, reason="their distribution")
        assert log(member, project, today, 1440).minutes == 1440
        with pytest.raises(InvalidInput):
            log(member, project, today, 1)
        services.lock_period(cooperative=member.cooperative, month=month, reason="approved")
        with pytest.raises(PeriodLocked):
            log(member, project, today, 1)

    def test_future_dates_are_refused_in_the_coops_time_zone(self, member, project, today):
        with pytest.raises(InvalidInput) as error:
            log(member, project, today + datetime.timedelta(days=1), 60)
        assert error.value.field == "date"
        assert "is in the future" in error.value.message
        assert member.cooperative.time_zone in error.value.message

    def test_archived_and_foreign_projects_are_refused(self, member, project, today):
        project.active = False
        project.save()
        with pytest.raises(InvalidInput, match="is archived"):
            log(member, project, today, 60)
        foreign = ProjectFactory()
        with pytest.raises(InvalidInput, match="does not belong to the co-op"):
            log(member, foreign, today, 60)

    def test_only_the_member_or_an_admin(self, member, admin_member, project, today):
        colleague = MemberFactory(cooperative=member.cooperative)
        with pytest.raises(NotAllowed):
            services.log_time(
                actor=colleague, member=member, project=project, date=today, minutes=5
            )
        entry = services.log_time(
            actor=admin_member, member=member, project=project, date=today, minutes=5
        )
        with pytest.raises(NotAllowed):
            services.update_time_entry(actor=colleague, entry=entry, minutes=10)
        with pytest.raises(NotAllowed):
            services.delete_time_entry(actor=colleague, entry=entry)
        services.update_time_entry(actor=admin_member, entry=entry, minutes=10)

    def test_departed_members_cannot_log(self, member, project, today):
        member.status = "departed"
        member.save()
        with pytest.raises(StateConflict, match="has left the co-op"):
            log(member, project, today, 60)


@pytest.mark.django_db
class TestUpdateAndDelete:
    def test_update_checks_the_day_total_without_counting_itself(self, member, project, today):
        entry = log(member, project, today, 1400)
        services.update_time_entry(actor=member, entry=entry, minutes=1440)
        with pytest.raises(InvalidInput, match="24:00"):
            log(member, project, today, 1)

    def test_update_records_what_changed(self, member, project, today):
        entry = log(member, project, today, 60)
        services.update_time_entry(actor=member, entry=entry, minutes=75, description="x")
        event = member.cooperative.audit_events.last()
        assert event.verb == "time_entry.updated"
        assert event.data["changed"] == {"minutes": [60, 75], "description": ["", "x"]}

    def test_unknown_fields_are_refused(self, member, project, today):
        entry = log(member, project, today, 60)
        with pytest.raises(InvalidInput) as error:
            services.update_time_entry(actor=member, entry=entry, member=member)
        assert error.value.field == "member"

    def test_delete_audits(self, member, project, today):
        entry = log(member, project, today, 60)
        services.delete_time_entry(actor=member, entry=entry)
        assert not TimeEntry.objects.exists()
        assert member.cooperative.audit_events.last().verb == "time_entry.deleted"


@pytest.mark.django_db
class TestLockedMonths:
    @pytest.fixture
    def locked(self, cooperative, today):
        month = (today - relativedelta(months=2)).replace(day=1)
        services.lock_period(cooperative=cooperative, month=month, reason="distribution approved")
        return month

    def test_lock_is_idempotent_and_audited(self, cooperative, locked):
        services.lock_period(cooperative=cooperative, month=locked + datetime.timedelta(days=9))
        assert cooperative.period_locks.count() == 1
        assert cooperative.audit_events.filter(verb="period.locked").count() == 1

    def test_no_create_change_or_delete_in_a_locked_month(self, member, project, locked, today):
        entry = TimeEntryFactory(member=member, project=project, date=locked)
        message = (
            f"{locked:%B %Y} is locked: a distribution for it was approved, so its hours cannot "
            "change. To correct an entry, press “Adjust” next to it in the list of entries: the "
            "adjustment is logged in a month that is still open."
        )
        with pytest.raises(PeriodLocked) as error:
            log(member, project, locked, 30)
        assert error.value.message == message
        with pytest.raises(PeriodLocked):
            services.update_time_entry(actor=member, entry=entry, minutes=30)
        with pytest.raises(PeriodLocked):
            services.delete_time_entry(actor=member, entry=entry)
        open_entry = log(member, project, today, 30)
        with pytest.raises(PeriodLocked):  # moving an entry into a locked month
            services.update_time_entry(actor=member, entry=open_entry, date=locked)

    def test_adjustments_correct_a_locked_entry_from_an_open_month(
        self, member, project, locked, today
    ):
        original = TimeEntryFactory(member=member, project=project, date=locked, minutes=120)
        minus = log(member, project, today, -90, adjusts=original)
        assert minus.minutes == -90
        with pytest.raises(InvalidInput, match="has 0:30 left to correct"):
            log(member, project, today, -31, adjusts=original)
        with pytest.raises(InvalidInput, match="Adjust the original entry"):
            log(member, project, today, 10, adjusts=minus)
        with pytest.raises(InvalidInput, match="open month: change it directly"):
            log(member, project, today, -5, adjusts=log(member, project, today, 60))
        other = MemberFactory(cooperative=member.cooperative)
        with pytest.raises(InvalidInput, match="same member"):
            services.log_time(
                actor=None, member=other, project=project, date=today, minutes=5, adjusts=original
            )

    def test_negative_minutes_only_for_adjustments(self, member, project, today):
        with pytest.raises(InvalidInput, match="between 1 and 1440"):
            log(member, project, today, -30)


@pytest.mark.django_db
class TestGridCell:
    def test_set_creates_changes_and_clears(self, member, project, today):
        entry = services.set_cell_minutes(
            actor=member, member=member, project=project, date=today, minutes=90
        )
        assert entry.minutes == 90
        services.set_cell_minutes(
            actor=member, member=member, project=project, date=today, minutes=45
        )
        assert TimeEntry.objects.get().minutes == 45
        services.set_cell_minutes(
            actor=member, member=member, project=project, date=today, minutes=0
        )
        assert not TimeEntry.objects.exists()

    def test_a_cell_with_several_entries_is_refused(self, member, project, today):
        log(member, project, today, 30)
        log(member, project, today, 30)
        with pytest.raises(StateConflict, match="has 2 entries"):
            services.set_cell_minutes(
                actor=member, member=member, project=project, date=today, minutes=10
            )


@pytest.mark.django_db
class TestTimer:
    @pytest.fixture(autouse=True)
    def noon(self, clock):
        """A timer started 25 minutes ago must not cross midnight in the co-op's zone."""
        clock.set(datetime.date(2026, 12, 9))

    def test_start_stop_logs_rounded_minutes(self, member, project, today):
        timer = timers.start_timer(actor=member, project=project, description="Pairing")
        RunningTimer.objects.filter(pk=timer.pk).update(
            started_at=project_clock.now() - datetime.timedelta(minutes=25, seconds=31)
        )
        (entry,) = timers.stop_timer(actor=member)
        assert (entry.minutes, entry.description, entry.source) == (26, "Pairing", "timer")
        assert not RunningTimer.objects.exists()

    def test_starting_a_second_timer_stops_the_first(self, member, project):
        other = ProjectFactory(client=project.client)
        timer = timers.start_timer(actor=member, project=project)
        RunningTimer.objects.filter(pk=timer.pk).update(
            started_at=project_clock.now() - datetime.timedelta(minutes=10)
        )
        timers.start_timer(actor=member, project=other)
        assert RunningTimer.objects.get().project == other
        assert TimeEntry.objects.get().project == project

    def test_stop_without_timer_is_a_conflict(self, member):
        with pytest.raises(StateConflict, match="No timer is running"):
            timers.stop_timer(actor=member)
        with pytest.raises(StateConflict):
            timers.discard_timer(actor=member)

    def test_discard_logs_nothing(self, member, project):
        timers.start_timer(actor=member, project=project)
        timers.discard_timer(actor=member)
        assert not RunningTimer.objects.exists()
        assert not TimeEntry.objects.exists()


def test_timer_past_midnight_is_split_per_day():
    zone = zoneinfo.ZoneInfo("Europe/Vienna")
    start = datetime.datetime(2026, 3, 3, 22, 15, 20, tzinfo=zone)
    end = datetime.datetime(2026, 3, 5, 0, 40, tzinfo=zone)
    assert timers.day_segments(start, end, zone) == [
        (datetime.date(2026, 3, 3), 105),  # 1:44:40 rounds up
        (datetime.date(2026, 3, 4), 1440),
        (datetime.date(2026, 3, 5), 40),
    ]


def test_timer_segments_follow_daylight_saving_days():
    zone = zoneinfo.ZoneInfo("Europe/Vienna")  # 2026-03-29 has 23 hours
    start = datetime.datetime(2026, 3, 29, 0, 0, tzinfo=zone)
    end = datetime.datetime(2026, 3, 30, 0, 0, tzinfo=zone)
    assert timers.day_segments(start, end, zone) == [(datetime.date(2026, 3, 29), 23 * 60)]


def test_short_timers_round_to_nothing():
    zone = zoneinfo.ZoneInfo("UTC")
    start = datetime.datetime(2026, 3, 3, 10, 0, 0, tzinfo=zone)
    assert timers.day_segments(start, start + datetime.timedelta(seconds=29), zone) == []


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("1:30", 90), ("1.5h", 90), ("1,5", 90), ("2", 120), ("90m", 90), ("1h 30m", 90),
     ("0:05", 5), ("", 0), ("0.25h", 15), ("45 min", 45)],
)  # fmt: skip
def test_durations_people_type(text, minutes):
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["abc", "1:75", "-1", "h", "1:30:00x"])
def test_bad_durations_say_how_to_write_them(text):
    with pytest.raises(DurationError, match="write it as 1:30, 1.5h, 1,5 or 90m"):
        parse_duration(text)


def test_format_minutes():
    assert [format_minutes(m) for m in (0, 5, 90, 1440, -30)] == [
        "0:00", "0:05", "1:30", "24:00", "-0:30"
    ]  # fmt: skip


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_logs_cannot_exceed_a_day_on_postgres(cooperative):
    member = MemberFactory(cooperative=cooperative)
    project = ProjectFactory(client__cooperative=cooperative)
    today = today_in(cooperative)

    def write():
        return log(member, project, today, 200)

    outcomes = at_once(*[write] * 10, expected=InvalidInput)
    assert sum(outcome.ok for outcome in outcomes) == 7  # 7 × 200 = 1400 ≤ 1440 < 8 × 200
    assert sum(TimeEntry.objects.values_list("minutes", flat=True)) == 1400

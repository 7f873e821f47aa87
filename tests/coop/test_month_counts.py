"""The kept count of each co-op's entries per month (coop 0014's triggers) equals COUNT(*)
after every way the entries are written: the services, the ORM in bulk, the imports, raw SQL."""

import datetime
import io
import zipfile
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import ProtectedError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coop import portability
from coop.hours import services, timers
from coop.hours.importing import import_hours
from coop.models import Cooperative, Member, TimeEntry, TimeEntryMonthCount
from tests.concurrency import blocked_by_us
from tests.coop.test_hours_import import coop_setup, sample  # noqa: F401 -- a fixture
from tests.factories import MemberFactory, ProjectFactory

pytestmark = pytest.mark.django_db

JUNE, JULY, AUGUST = (datetime.date(2026, m, 1) for m in (6, 7, 8))


def counted() -> dict[tuple[int, datetime.date], int]:
    """COUNT(*) per co-op and month, from the entries themselves."""
    return dict(Counter((e.cooperative_id, e.date.replace(day=1)) for e in TimeEntry.objects.all()))


def kept() -> dict[tuple[int, datetime.date], int]:
    """The kept counts, months that came back to 0 left out (they may stay as rows)."""
    rows = TimeEntryMonthCount.objects.exclude(entries=0)
    return {(row.cooperative_id, row.month): row.entries for row in rows}


def assert_kept_right():
    assert kept() == counted()


@pytest.fixture(autouse=True)
def september(clock):
    clock.set(datetime.date(2026, 9, 20))


@pytest.fixture
def project(cooperative):
    return ProjectFactory(client__cooperative=cooperative)


def entry(member, project, day, minutes=60):
    return TimeEntry(
        cooperative_id=member.cooperative_id, member=member, project=project, date=day,
        minutes=minutes,
    )  # fmt: skip


def log(member, project, day, minutes=60):
    return services.log_time(
        actor=member, member=member, project=project, date=day, minutes=minutes
    )


def test_log_time_edits_and_deletes_keep_the_count(member, project):
    entries = [log(member, project, JUNE + datetime.timedelta(days=d)) for d in range(3)]
    log(member, project, JULY)
    assert kept() == {(member.cooperative_id, JUNE): 3, (member.cooperative_id, JULY): 1}
    services.update_time_entry(actor=member, entry=entries[0], date=AUGUST)  # another month
    services.update_time_entry(actor=member, entry=entries[1], minutes=90)  # the same month
    assert_kept_right()
    services.delete_time_entry(actor=member, entry=entries[2])
    assert kept() == {
        (member.cooperative_id, JUNE): 1,
        (member.cooperative_id, JULY): 1,
        (member.cooperative_id, AUGUST): 1,
    }


def test_the_week_grid_and_the_timer_keep_the_count(clock, member, project):
    services.set_cell_minutes(actor=member, member=member, project=project, date=JULY, minutes=30)
    services.set_cell_minutes(actor=member, member=member, project=project, date=JULY, minutes=45)
    assert kept() == {(member.cooperative_id, JULY): 1}
    services.set_cell_minutes(actor=member, member=member, project=project, date=JULY, minutes=0)
    assert kept() == {}
    clock.set(datetime.datetime(2026, 8, 31, 20, tzinfo=datetime.UTC))
    timers.start_timer(actor=member, project=project)
    clock.advance(datetime.timedelta(hours=3))  # past midnight in Vienna: two days, two months
    assert len(timers.stop_timer(actor=member)) == 2
    september = datetime.date(2026, 9, 1)
    assert kept() == {(member.cooperative_id, AUGUST): 1, (member.cooperative_id, september): 1}


def test_bulk_writes_across_months_and_coops_keep_the_count(member, project):
    other = MemberFactory()
    elsewhere = ProjectFactory(client__cooperative=other.cooperative)
    TimeEntry.objects.bulk_create(
        [entry(member, project, JUNE + datetime.timedelta(days=d % 60)) for d in range(150)]
        + [entry(other, elsewhere, JULY) for _ in range(7)]
    )
    assert_kept_right()
    # One UPDATE that moves entries to another co-op and month, and one that moves none.
    moved = TimeEntry.objects.filter(cooperative=member.cooperative, date__lt=JUNE.replace(day=11))
    moved.update(cooperative=other.cooperative, member=other, project=elsewhere, date=AUGUST)
    TimeEntry.objects.filter(cooperative=other.cooperative).update(minutes=30)
    assert_kept_right()
    one = TimeEntry.objects.filter(cooperative=other.cooperative).first()
    one.date = JUNE
    one.save()  # an UPDATE of every column
    assert_kept_right()
    TimeEntry.objects.filter(date__gte=JULY).delete()
    assert_kept_right()
    TimeEntry.objects.all().delete()
    assert kept() == {}


def test_raw_sql_keeps_the_count(member, project):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO coop_timeentry (cooperative_id, member_id, project_id, date, minutes,"
            " description, billable, source, source_fingerprint, created_at, updated_at)"
            " VALUES (%s, %s, %s, %s, 60, '', true, 'manual', '', %s, %s),"
            " (%s, %s, %s, %s, 60, '', true, 'manual', '', %s, %s)",
            [member.cooperative_id, member.pk, project.pk, JUNE, JUNE, JUNE] * 2,
        )
        cursor.execute("UPDATE coop_timeentry SET date = %s WHERE id IN "
                       "(SELECT min(id) FROM coop_timeentry)", [JULY])  # fmt: skip
    assert kept() == {(member.cooperative_id, JUNE): 1, (member.cooperative_id, JULY): 1}


def test_the_csv_imports_keep_the_count(clock, coop_setup):  # noqa: F811 -- the fixture
    clock.set(datetime.date(2026, 12, 31))  # when the samples were exported
    cooperative, _ = coop_setup
    for name in ("toggl_detailed.csv", "harvest_detailed.csv", "kimai_en.csv"):
        report = import_hours(cooperative=cooperative, actor=None, data=sample(name))
        assert report.created > 0
    assert sum(kept().values()) == TimeEntry.objects.count() > 0
    assert_kept_right()


def test_a_member_with_entries_is_not_deleted_and_the_count_stays(member, project):
    TimeEntry.objects.bulk_create([entry(member, project, JUNE) for _ in range(3)])
    with pytest.raises(ProtectedError), transaction.atomic():
        Member.objects.filter(pk=member.pk).delete()
    assert kept() == {(member.cooperative_id, JUNE): 3}
    member.time_entries.all().delete()  # what the member's removal needs first
    Member.objects.filter(pk=member.pk).delete()
    assert kept() == {}
    # A co-op's counts go with it (only a co-op without entries can go).
    project.delete()
    project.client.delete()
    Cooperative.objects.filter(pk=member.cooperative_id).delete()
    assert not TimeEntryMonthCount.objects.exists()


@pytest.mark.slow
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["add", "move", "edit", "delete"]),
            st.integers(0, 1),  # which co-op
            st.integers(0, 2),  # which month
            st.integers(1, 5),  # how many
        ),
        max_size=12,
    )
)
def test_any_sequence_of_writes_keeps_the_count(steps):
    members = [MemberFactory(), MemberFactory()]
    projects = [ProjectFactory(client__cooperative=m.cooperative) for m in members]
    months = [JUNE, JULY, AUGUST]
    try:
        with transaction.atomic():
            for kind, which, month, how_many in steps:
                mine = TimeEntry.objects.filter(cooperative=members[which].cooperative)
                ids = list(mine.order_by("id").values_list("id", flat=True)[:how_many])
                if kind == "add":
                    TimeEntry.objects.bulk_create(
                        [entry(members[which], projects[which], months[month])] * how_many
                    )
                elif kind == "move":  # to the other co-op, in the month drawn
                    other = 1 - which
                    TimeEntry.objects.filter(id__in=ids).update(
                        cooperative=members[other].cooperative, member=members[other],
                        project=projects[other], date=months[month],
                    )  # fmt: skip
                elif kind == "edit":
                    TimeEntry.objects.filter(id__in=ids).update(minutes=how_many)
                else:
                    TimeEntry.objects.filter(id__in=ids).delete()
                assert_kept_right()
            raise Rollback
    except Rollback:
        pass


class Rollback(Exception):
    pass


@pytest.mark.postgres
def test_truncate_empties_the_counts(member, project):
    TimeEntry.objects.bulk_create([entry(member, project, JUNE) for _ in range(3)])
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks before TRUNCATE
        cursor.execute("TRUNCATE coop_timeentry CASCADE")
    assert not TimeEntryMonthCount.objects.exists()
    TimeEntry.objects.bulk_create([entry(member, project, JULY)])
    assert kept() == {(member.cooperative_id, JULY): 1}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_transactions_writing_one_month_both_count(member, project):
    """The second writer waits for the first one's count (here a new row of the month, not yet
    committed) and then adds to it: neither insert is lost, whichever commits first."""

    def second_writer():
        with transaction.atomic():
            TimeEntry.objects.bulk_create([entry(member, project, JUNE) for _ in range(2)])

    with transaction.atomic():
        TimeEntry.objects.bulk_create([entry(member, project, JUNE) for _ in range(3)])
        writer = blocked_by_us(second_writer)  # the second writer does meet the first one's count
    writer.join()
    assert kept() == {(member.cooperative_id, JUNE): 5}
    assert_kept_right()


def test_an_archive_leaves_the_counts_out_and_a_restore_makes_them_again(member, project):
    TimeEntry.objects.bulk_create([entry(member, project, JUNE) for _ in range(3)])
    archive = portability.export_cooperative(member.cooperative)
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        assert "data/coop.timeentrymonthcount.json" not in zipped.namelist()
    with transaction.atomic():
        if connection.vendor == "postgresql":  # fire the deferred FK checks before TRUNCATE
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        call_command("flush", interactive=False)
    assert kept() == {}
    restored = portability.import_cooperative(archive)
    assert kept() == {(restored.pk, JUNE): 3}

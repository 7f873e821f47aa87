"""`manage.py check_month_counts`: the kept counts of coop 0014 compared with the entries, and
rebuilt with --repair when a hand (psql, a partial restore) made them wrong."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from coop.hours import month_counts
from coop.models import TimeEntry, TimeEntryMonthCount
from tests.concurrency import blocked_by_us
from tests.coop.test_month_counts import (  # noqa: F401 -- fixtures
    JULY,
    JUNE,
    assert_kept_right,
    entry,
    kept,
    project,
    september,
)
from tests.factories import MemberFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("check_month_counts", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def other(cooperative):
    """A second co-op with two entries in June."""
    member = MemberFactory()
    other_project = ProjectFactory(client__cooperative=member.cooperative)
    TimeEntry.objects.bulk_create([entry(member, other_project, JUNE) for _ in range(2)])
    return member.cooperative


def test_right_counts_are_ok(member, project, other):  # noqa: F811
    TimeEntry.objects.bulk_create([entry(member, project, JUNE), entry(member, project, JULY)])
    assert run() == "ok: every kept count is the number of entries.\n"


def test_a_month_kept_at_zero_without_entries_is_right(member, project):  # noqa: F811
    log = TimeEntry.objects.bulk_create([entry(member, project, JUNE)])
    TimeEntry.objects.filter(pk=log[0].pk).delete()
    assert TimeEntryMonthCount.objects.get().entries == 0
    assert month_counts.differences() == []


def test_wrong_counts_are_named_and_left_alone_without_repair(member, project, other):  # noqa: F811
    TimeEntry.objects.bulk_create([entry(member, project, JUNE) for _ in range(3)])
    TimeEntry.objects.bulk_create([entry(member, project, JULY)])
    TimeEntryMonthCount.objects.filter(cooperative=member.cooperative, month=JUNE).update(
        entries=999
    )
    TimeEntryMonthCount.objects.filter(cooperative=member.cooperative, month=JULY).delete()
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("check_month_counts", stdout=out)
    assert refused.value.returncode == 1
    assert "2 month(s) differ: run check_month_counts --repair." in str(refused.value)
    slug = member.cooperative.slug
    assert out.getvalue() == (
        f"{slug} 2026-06: kept 999, entries 3\n{slug} 2026-07: kept none, entries 1\n"
    )
    assert kept()[member.cooperative_id, JUNE] == 999  # a check changes nothing


def test_repair_rebuilds_the_counts(member, project, other):  # noqa: F811
    TimeEntry.objects.bulk_create([entry(member, project, JUNE) for _ in range(3)])
    TimeEntryMonthCount.objects.all().delete()
    out = run("--repair")
    assert f"{member.cooperative.slug} 2026-06: kept none, entries 3" in out
    assert f"{other.slug} 2026-06: kept none, entries 2" in out
    assert out.endswith("repaired: 2 month(s) now count their entries.\n")
    assert_kept_right()
    assert run() == "ok: every kept count is the number of entries.\n"
    # The triggers go on from the rebuilt counts.
    TimeEntry.objects.bulk_create([entry(member, project, JUNE)])
    assert kept()[member.cooperative_id, JUNE] == 4


def test_one_coop_is_checked_and_repaired_alone(member, project, other):  # noqa: F811
    TimeEntry.objects.bulk_create([entry(member, project, JUNE)])
    TimeEntryMonthCount.objects.update(entries=7)
    assert f"{other.slug} 2026-06: kept 7, entries 2" in run("--coop", other.slug, "--repair")
    assert kept() == {(member.cooperative_id, JUNE): 7, (other.pk, JUNE): 2}
    with pytest.raises(CommandError, match="1 month"):
        run("--coop", member.cooperative.slug)


def test_an_unknown_coop_is_refused():
    with pytest.raises(CommandError, match="No co-op with slug “nowhere”"):
        run("--coop", "nowhere")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_repair_waits_for_a_writer_and_counts_its_entries(member, project):  # noqa: F811
    """A write open while the repair starts is neither lost nor counted twice: the repair's
    lock waits for its commit, then counts its entries, and the triggers add nothing later."""
    TimeEntry.objects.bulk_create([entry(member, project, JUNE)])
    TimeEntryMonthCount.objects.update(entries=50)
    with transaction.atomic():
        TimeEntry.objects.bulk_create([entry(member, project, JUNE) for _ in range(2)])
        repair = blocked_by_us(month_counts.rebuild)  # the repair does wait for the writer
    repair.join()
    assert kept() == {(member.cooperative_id, JUNE): 3}
    assert_kept_right()

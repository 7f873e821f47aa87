"""The audit hash chain: recording, tamper detection by verify_audit, and no forks under races."""

import functools
import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from coop.audit import lock_chain, record, verify_chain
from coop.models import AuditEvent
from coop.models.audit import AuditEventImmutable
from tests.concurrency import at_once
from tests.factories import CooperativeFactory


def _chain(cooperative, n=5):
    for i in range(n):
        record(cooperative, None, "test.event", data={"i": i}, object_type="test", object_id=i)


@pytest.mark.django_db
def test_events_chain_in_order(cooperative):
    _chain(cooperative)
    events = list(cooperative.audit_events.order_by("sequence"))
    assert [e.sequence for e in events] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    assert verify_chain(cooperative) is None
    call_command("verify_audit", coop=cooperative.slug)


@pytest.mark.django_db
def test_orm_refuses_to_edit_or_delete(cooperative):
    _chain(cooperative, 1)
    event = cooperative.audit_events.get()
    event.verb = "forged"
    with pytest.raises(AuditEventImmutable):
        event.save()
    with pytest.raises(AuditEventImmutable):
        event.delete()


def _tamper(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("how", "reason"),
    [
        ("edit", "event #3: was edited"),
        ("delete_middle", "event #3: missing or reordered"),
        ("delete_last", "event #5: is missing"),
        ("reorder", "event #2: does not follow"),
    ],
)
def test_verify_audit_names_the_first_broken_event(cooperative, capsys, how, reason):
    _chain(cooperative)
    other = CooperativeFactory()
    _chain(other, 2)
    table = AuditEvent._meta.db_table
    ids = list(cooperative.audit_events.order_by("sequence").values_list("id", flat=True))
    if how == "edit":
        _tamper(f"UPDATE {table} SET data = %s WHERE id = %s", ['{"i": 99}', ids[2]])  # noqa: S608
    elif how == "delete_middle":
        _tamper(f"DELETE FROM {table} WHERE id = %s", [ids[2]])  # noqa: S608
    elif how == "delete_last":
        _tamper(f"DELETE FROM {table} WHERE id = %s", [ids[4]])  # noqa: S608
    else:  # swap the contents of events 2 and 3 by swapping their sequence numbers
        _tamper(f"UPDATE {table} SET sequence = 1000 WHERE id = %s", [ids[1]])  # noqa: S608
        _tamper(f"UPDATE {table} SET sequence = 2 WHERE id = %s", [ids[2]])  # noqa: S608
        _tamper(f"UPDATE {table} SET sequence = 3 WHERE id = %s", [ids[1]])  # noqa: S608
    with pytest.raises(CommandError) as error:
        call_command("verify_audit")
    assert error.value.returncode == 1
    err = capsys.readouterr()
    assert f"BROKEN {cooperative.slug}: {reason}" in err.err
    assert f"ok {other.slug}: 2 events" in err.out


@pytest.mark.django_db
def test_verify_audit_unknown_coop():
    with pytest.raises(CommandError, match="No co-op with slug"):
        call_command("verify_audit", coop="nowhere")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_records_keep_one_chain_on_postgres():
    cooperative = CooperativeFactory()

    def write(n):
        for i in range(5):
            record(cooperative, None, "race", data={"n": n, "i": i}, object_type="t", object_id=n)

    at_once(*(functools.partial(write, n) for n in range(8)))
    assert cooperative.audit_events.count() == 40
    assert verify_chain(cooperative) is None


@pytest.mark.django_db
def test_saving_a_stale_cooperative_keeps_the_chain_head(cooperative):
    stale = type(cooperative).objects.get(pk=cooperative.pk)
    _chain(cooperative, 3)
    stale.name = "Renamed"
    stale.save()
    cooperative.refresh_from_db()
    assert cooperative.name == "Renamed"
    assert cooperative.audit_length == 3
    assert verify_chain(cooperative) is None


@pytest.mark.django_db
def test_the_database_moves_the_head_with_every_event(cooperative):
    """The head is the trigger's work (migration 0011), not `record`'s: an event stored by any
    other path moves it too, in the insert's own statement."""
    first = record(cooperative, None, "first", object_type="t", object_id=1)
    follower = AuditEvent(
        cooperative=cooperative,
        sequence=2,
        actor_label="system",
        verb="second",
        object_type="t",
        object_id="2",
        data={},
        created_at=first.created_at,
        prev_hash=first.hash,
    )
    follower.hash = follower.compute_hash()
    follower.save()
    cooperative.refresh_from_db()
    assert (cooperative.audit_head, cooperative.audit_length) == (follower.hash, 2)
    assert verify_chain(cooperative) is None


@pytest.mark.django_db
def test_a_passed_head_continues_the_chain_without_a_second_lock(
    cooperative, django_assert_num_queries
):
    record(cooperative, None, "first", object_type="t", object_id=1)
    head = lock_chain(cooperative)
    with django_assert_num_queries(2):  # the two inserts, no lock, no UPDATE, no savepoint
        record(cooperative, None, "second", object_type="t", object_id=2, head=head)
        record(cooperative, None, "third", object_type="t", object_id=3, head=head)
    assert head.length == 3
    assert verify_chain(cooperative) is None

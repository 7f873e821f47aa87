"""A worker killed while it makes a distribution's payslips: a restarted worker finishes them,
each payslip made once (one row, one file) and each member e-mailed once."""

import datetime
import os
import signal
from decimal import Decimal
from pathlib import Path

import pytest
import redis

from cooperage import celery_app
from payroll import distributing
from payroll.models import DistributionDocument
from payroll.services import money_in, policies
from tests.factories import ClientFactory, MemberFactory, ProjectFactory, TimeEntryFactory
from tests.payroll.books import POLICY, SEPTEMBER
from tests.reliability.conftest import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.worker]

MEMBERS = 60  # enough payslips that the workers are still at it when they are killed
PAYSLIP = DistributionDocument.Kind.PAYSLIP


@pytest.fixture
def month_of_many(cooperative, treasurer, settings):
    """September 2026 of a co-op of MEMBERS members, under a treasurer-approved policy."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    project = ProjectFactory(client=ClientFactory(cooperative=cooperative))
    members = [treasurer, *MemberFactory.create_batch(MEMBERS - 1, cooperative=cooperative)]
    for index, member in enumerate(members):
        TimeEntryFactory(
            member=member,
            project=project,
            date=SEPTEMBER.replace(day=1 + index % 28),
            minutes=240 + index,
        )
    money_in.record_revenue(
        actor=treasurer, cooperative=cooperative, client=project.client,
        amount=Decimal("61234.56"), received_on=datetime.date(2026, 9, 30),
    )  # fmt: skip
    policies.adopt_policy(actor=treasurer, cooperative=cooperative, **POLICY)
    return members


def approve_september(cooperative, treasurer):
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    # Commits at once (a transactional test): the documents task goes to the broker on commit.
    return distributing.approve_distribution(actor=treasurer, distribution=run)


def redeliver_what_the_dead_worker_took() -> None:
    """Put the messages a dead worker had taken (unacknowledged: acks_late) back in the queue,
    as the Redis transport does once they are older than the visibility timeout (an hour,
    checked every 100 s); here with a timeout of zero, so the test need not wait."""
    with celery_app.connection_for_write(transport_options={"visibility_timeout": 0}) as conn:
        conn.default_channel.qos.restore_visible(num=10_000)


def broker_is_drained(taken: bool = False) -> bool:
    """No message waits in the queue, nor (unless `taken` may remain) is taken and not yet
    acknowledged (the Redis transport's keys)."""
    client = redis.Redis.from_url(celery_app.conf.broker_url)
    try:
        return client.llen("celery") == 0 and (taken or client.hlen("unacked") == 0)
    finally:
        client.close()


def all_made_and_told(run, taken: bool = False) -> bool:
    payslips = DistributionDocument.objects.filter(distribution=run, kind=PAYSLIP)
    told = payslips.filter(notified_at__isnull=False).count()
    shared = DistributionDocument.objects.filter(distribution=run, member=None).count()
    return told == MEMBERS and shared >= 2 and broker_is_drained(taken)


def assert_each_payslip_once(run, members, media_root: Path, mailbox) -> None:
    payslips = DistributionDocument.objects.filter(distribution=run, kind=PAYSLIP)
    assert sorted(payslips.values_list("member_id", flat=True)) == sorted(m.pk for m in members)
    documents = list(DistributionDocument.objects.filter(distribution=run))
    stored = {Path(document.file.path) for document in documents}
    assert all(path.is_file() for path in stored)
    on_disk = {path for path in media_root.rglob("*") if path.is_file()}
    assert on_disk == stored, "a file on disk that no document row names (a duplicate)"
    # Each member is told once. A kill between the mail server's acceptance and the commit of
    # `notified_at` (milliseconds) makes the retry send again: the same message (Message-ID),
    # which mail software shows once; never a second, different e-mail.
    mails = mailbox.with_subject("Your payslip for September 2026")
    told: dict[str, set[str]] = {}
    for mail in mails:
        told.setdefault(mail.to, set()).add(mail.message_id)
    assert sorted(told) == sorted(m.user.email for m in members)
    assert all(len(ids) == 1 for ids in told.values()), told
    by_payslip = {f"<payslip-{p.pk}@" for p in payslips}
    assert {next(iter(ids)).split("@")[0] + "@" for ids in told.values()} == by_payslip


def test_a_killed_worker_group_is_finished_by_a_new_worker(
    start_worker, month_of_many, cooperative, treasurer, media_root, mailbox
):
    """SIGKILL of the worker and its pool mid-way: a new worker with beat finishes the files
    (the document sweep finds what is missing), and when the messages the dead worker had taken
    come back (acks_late), they find their work done."""
    first = start_worker(concurrency=2)
    run = approve_september(cooperative, treasurer)
    payslips = DistributionDocument.objects.filter(distribution=run, kind=PAYSLIP)
    wait_until(lambda: payslips.count() >= 5, "the first payslips")
    first.kill()
    assert payslips.count() < MEMBERS, "the worker finished before it was killed"

    start_worker(concurrency=2, beat=True, DOCUMENT_SWEEP_SECONDS=1)
    wait_until(lambda: all_made_and_told(run, taken=True), "a new worker to finish the files")
    redeliver_what_the_dead_worker_took()
    wait_until(lambda: all_made_and_told(run), "the redelivered messages to be done")
    assert_each_payslip_once(run, month_of_many, media_root, mailbox)


def test_killed_pool_processes_have_their_tasks_run_again(
    start_worker, month_of_many, cooperative, treasurer, media_root, mailbox
):
    """SIGKILL of the pool processes making payslips: the worker rejects the messages they held
    (reject_on_worker_lost) and they run again at once, without waiting for a visibility timeout.
    """
    worker = start_worker(concurrency=2)  # the default visibility timeout of an hour
    run = approve_september(cooperative, treasurer)
    payslips = DistributionDocument.objects.filter(distribution=run, kind=PAYSLIP)
    wait_until(lambda: payslips.exists(), "the first payslips")
    for process in worker.pool_processes():  # the worker's main process lives on
        os.kill(process, signal.SIGKILL)
    assert payslips.count() < MEMBERS, "the worker finished before its pool was killed"
    # A process was in the middle of a task (with no task under way, nothing is at stake).
    wait_until(lambda: "WorkerLostError" in worker.output(), "the worker to report a lost task")

    wait_until(lambda: all_made_and_told(run), "the worker to finish the payslips")
    assert_each_payslip_once(run, month_of_many, media_root, mailbox)

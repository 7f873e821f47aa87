"""1,000 payslips made by a real Celery worker (2 processes): from enqueue to the last PDF stored.

Each run drafts and approves a fresh month of the 1,000-member co-op `payslips` (made here when
missing; months go backwards from December 2024, one per run). The approval enqueues the files
on commit (Redis DB 3); a worker started here as a subprocess (`celery worker -c 2`) makes one
task per payslip. The time is from the approval's commit to the newest payslip's `generated_at`.
Baseline, same run: one payslip rendered in-process (the PDF alone, median of 20) × 1,000 / 2
processes. Goal: under 30 s on 2 CPUs. The worker is stopped by its pid at the end, always.
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness

SLUG = "payslips"
MEMBERS = 1000
GOAL_SECONDS = 30.0
TIMEOUT = 600


def ensure_cooperative():
    """The co-op, its 1,000 members (one treasurer), a client, a project and an hours policy."""
    from django.db import transaction

    with transaction.atomic():
        return _cooperative()


def _cooperative():
    from coop.models import Client, Cooperative, Member, MemberStatusChange, Project, User
    from payroll.models import DistributionPolicy

    cooperative = Cooperative.objects.filter(slug=SLUG).first()
    if cooperative is not None:
        return cooperative
    cooperative = Cooperative.objects.create(name="Payslip Co-op", slug=SLUG, currency="EUR")
    users = User.objects.bulk_create(
        User(email=f"payslip{i}@bench.invalid", full_name=f"Payslip Member {i}", password="!")
        for i in range(MEMBERS)
    )
    joined = datetime.date(2015, 1, 1)
    members = Member.objects.bulk_create(
        Member(cooperative=cooperative, user=user, status="active", status_since=joined,
               joined_on=joined, is_treasurer=(i == 0), legal_name=user.full_name)
        for i, user in enumerate(users)
    )  # fmt: skip
    MemberStatusChange.objects.bulk_create(
        MemberStatusChange(member=member, status="active", effective_on=joined)
        for member in members
    )
    client = Client.objects.create(cooperative=cooperative, name="Client")
    Project.objects.create(cooperative=cooperative, client=client, name="Project")
    DistributionPolicy.objects.create(
        cooperative=cooperative, version=1, method="hours", commons_pct=Decimal("0.15"),
        reserve_pct=Decimal("0.05"), cash_pct=Decimal("0.8"),
        commons_recipients=[{"name": "Debian", "weight": "1"}],
    )  # fmt: skip
    return cooperative


def draft_next_month(cooperative):
    """A draft for the latest month (December 2024 and back) that has no distribution yet."""
    from django.db import transaction

    with transaction.atomic():
        return _draft(cooperative)


def _draft(cooperative):
    from coop.models import Member, Project, TimeEntry
    from payroll import distributing
    from payroll.models import Distribution, Revenue

    taken = set(Distribution.objects.filter(cooperative=cooperative).values_list("month", flat=1))
    month = datetime.date(2024, 12, 1)
    while month in taken:
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    members = list(Member.objects.filter(cooperative=cooperative).order_by("id"))
    project = Project.objects.get(cooperative=cooperative)
    TimeEntry.objects.bulk_create(
        TimeEntry(cooperative=cooperative, member=member, project=project,
                  date=month.replace(day=1 + i % 28), minutes=60 * (1 + i % 8))
        for i, member in enumerate(members)
    )  # fmt: skip
    Revenue.objects.create(
        cooperative=cooperative, client=project.client, amount=Decimal(MEMBERS * 2500),
        currency="EUR", received_on=month.replace(day=15),
    )  # fmt: skip
    treasurer = next(m for m in members if m.is_treasurer)
    draft = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=month)
    return draft, treasurer


def baseline(distribution) -> float:
    """One payslip PDF rendered here, median of 20 runs (after one warm-up)."""
    from payroll import documents, totals

    line = distribution.lines.filter(kind="member").select_related("member__user").first()
    year_to_date = totals.YearToDate(line.minutes, line.share, line.cash, line.retained)

    def render():
        return documents.payslip_pdf(distribution, line, line.retained, year_to_date)

    render()
    seconds, _ = harness.timed(render, repeat=20)
    return seconds


def task_in_process(distribution, count: int = 10) -> float:
    """The whole payslip task (its queries, the render, storing the file) run here: the mean of
    `count` payslips, taken away and made again so that the distribution ends complete."""
    from payroll.models import DistributionDocument
    from payroll.tasks import generate_payslip

    documents = list(
        DistributionDocument.objects.filter(distribution=distribution, kind="payslip")[:count]
    )
    for document in documents:
        document.file.delete(save=False)
    DistributionDocument.objects.filter(pk__in=[d.pk for d in documents]).delete()
    start = time.perf_counter()
    for document in documents:
        generate_payslip.run(distribution.pk, document.member_id)
    return (time.perf_counter() - start) / len(documents)


def start_worker() -> subprocess.Popen:
    env = {**os.environ, **harness.bench_environment(CELERY_BROKER_URL=harness.BROKER_URL)}
    return subprocess.Popen(
        [str(harness.ROOT / ".venv" / "bin" / "celery"), "-A", "cooperage", "worker",
         "--concurrency", "2", "--pool", "prefork", "--loglevel", "warning",
         "--hostname", f"bench-payslips-{os.getpid()}@%h", "--without-gossip",
         "--without-mingle", "--without-heartbeat"],
        env=env, cwd=harness.ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip


def wait_ready(process: subprocess.Popen) -> None:
    from cooperage.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the worker stopped: {process.stderr.read().decode()[-2000:]}")
        if app.control.ping(timeout=1.0):
            return
    raise RuntimeError("the worker did not answer a ping within 60 s")


def stop(process: subprocess.Popen) -> None:
    """Warm shutdown (SIGTERM) of the worker we started; its own process group if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main() -> int:
    harness.setup(broker=True)
    import redis
    from django.db.models import Max
    from django.utils import timezone

    from payroll import distributing
    from payroll.models import DistributionDocument

    print(f"machine: {harness.machine()}")
    redis.Redis.from_url(harness.BROKER_URL).flushdb()  # leftovers of an interrupted run
    cooperative = ensure_cooperative()
    draft, treasurer = draft_next_month(cooperative)
    render_s = baseline(draft)
    estimate = render_s * MEMBERS / 2
    worker = start_worker()
    try:
        wait_ready(worker)
        enqueued_at = timezone.now()
        distributing.approve_distribution(actor=treasurer, distribution=draft)
        payslips = DistributionDocument.objects.filter(distribution=draft, kind="payslip")
        deadline = time.monotonic() + TIMEOUT
        while payslips.count() < MEMBERS:
            if worker.poll() is not None:
                raise RuntimeError(f"the worker stopped: {worker.stderr.read().decode()[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {payslips.count()} payslips after {TIMEOUT} s")
            time.sleep(0.25)
        last = payslips.aggregate(last=Max("generated_at"))["last"]
    finally:
        stop(worker)
    took = (last - enqueued_at).total_seconds()
    task_s = task_in_process(draft)
    print(f"distribution #{draft.pk} of {draft.month:%B %Y}, {MEMBERS:,} members")
    print(
        harness.table(
            [["1,000 payslips, worker -c 2", f"{took:.1f} s", f"{MEMBERS / took:.0f}/s"],
             ["baseline: 1 render in-process × 1,000 / 2", f"{estimate:.1f} s",
              f"(one render {harness.seconds(render_s)})"],
             ["1 whole task in-process × 1,000 / 2", f"{task_s * MEMBERS / 2:.1f} s",
              f"(one task {harness.seconds(task_s)})"]],
            ["", "time", "rate"],
        )
    )  # fmt: skip
    print(f"ratio to the baseline {took / estimate:.2f}×; goal under {GOAL_SECONDS:.0f} s: "
          f"{harness.verdict(took < GOAL_SECONDS)}")  # fmt: skip
    harness.save(
        "payslips",
        {"payslips": MEMBERS, "seconds": took, "render_s": render_s, "baseline_s": estimate,
         "task_in_process_s": task_s,
         "distribution": draft.pk},
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

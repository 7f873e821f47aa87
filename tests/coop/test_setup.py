"""Settings from the environment, the demo command and a live Celery worker round trip."""

import datetime
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command

from coop import clock
from coop.models import Cooperative, Member, Project, TimeEntry

ROOT = Path(__file__).resolve().parents[2]


def _settings_probe(env: dict) -> subprocess.CompletedProcess:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'cooperage.settings'; "
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER, "
        "settings.DEBUG)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    return subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, cwd=ROOT, capture_output=True, text=True
    )


def test_embedded_default_is_sqlite_eager_debug():
    probe = _settings_probe({})
    assert probe.stdout.split() == ["django.db.backends.sqlite3", "True", "True"], probe.stderr


def test_services_from_the_environment():
    probe = _settings_probe(
        {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x", "CELERY_BROKER_URL": "redis://x"}
    )
    assert probe.stdout.split() == ["django.db.backends.postgresql", "False", "True"], probe.stderr


def test_production_without_secret_key_stops_with_a_clear_error():
    probe = _settings_probe({"COOP_ENV": "production", "SECRET_KEY": ""})
    assert probe.returncode != 0
    assert "COOP_ENV=production needs SECRET_KEY" in probe.stderr


def test_production_with_secret_key_turns_debug_off():
    probe = _settings_probe(
        {"COOP_ENV": "production", "SECRET_KEY": "x" * 60, "SITE_URL": "https://coop.example.org"}
    )
    assert probe.stdout.split()[2] == "False", probe.stderr


@pytest.mark.django_db
def test_demo_is_realistic_and_idempotent(capsys):
    call_command("demo")
    out = capsys.readouterr().out
    assert "ana@example.coop" in out and "cooperage-demo" in out
    counts = (Member.objects.count(), Project.objects.count(), TimeEntry.objects.count())
    call_command("demo", quiet=True)
    assert (Member.objects.count(), Project.objects.count(), TimeEntry.objects.count()) == counts
    cooperative = Cooperative.objects.get(slug="demo")
    assert cooperative.members.count() == 9  # the 8 above and the departed member being paid out
    assert cooperative.clients.count() == 3
    assert cooperative.projects.count() == 5
    months = {d.replace(day=1) for d in TimeEntry.objects.values_list("date", flat=True)}
    # Weekdays of the last three months up to the co-op's today: on a weekend at a month's
    # start (1 January 2028 in Madrid is a Saturday) the current month has none yet.
    today = clock.today_in(cooperative)
    first = (today - relativedelta(months=2)).replace(day=1)
    weekdays = [first + datetime.timedelta(days=n) for n in range((today - first).days + 1)]
    assert months == {day.replace(day=1) for day in weekdays if day.weekday() < 5}
    roles = {m.user.email: m.roles for m in cooperative.members.select_related("user")}
    assert roles["ana@example.coop"] == ["secretary", "admin"]
    assert roles["bruno@example.coop"] == ["treasurer"]
    # The other apps' demo modules: decisions at every stage and a month of each kind of run.
    assert "3 proposals" in out and "2 distributions" in out
    states = sorted(cooperative.proposals.values_list("state", "result"))
    assert states == [("closed", "passed"), ("discussion", ""), ("voting", "")]
    runs = sorted(cooperative.distributions.values_list("status", flat=True))
    assert runs == ["approved", "draft"]
    # Billing's: the hours of two months ago invoiced to each client by its VAT treatment (an
    # export, a Spanish client at 21 %, reverse charge to Germany), the first paid in full.
    assert "3 invoices issued, 1 paid" in out
    # Banking's (tests/banking/test_demo.py checks it on several days): two statements, last
    # month's eleven transactions reconciled (the departed member's instalment among them),
    # this month's fee and two transfers suggested.
    assert "2 bank statements imported, 11 transactions reconciled, 3 suggestions waiting" in out
    invoices = {i.client.name: i for i in cooperative.invoices.select_related("client")}
    assert {name: i.status for name, i in invoices.items()} == {
        "Municipality of Rosario": "paid",
        "Food Co-op Network": "issued",
        "Free Culture Forum": "issued",
    }
    assert invoices["Free Culture Forum"].vat_total == 0
    assert "AE" in invoices["Free Culture Forum"].vat_notes
    food = invoices["Food Co-op Network"]
    assert food.vat_total == (food.net_total * Decimal("0.21")).quantize(Decimal("0.01"))
    paid = invoices["Municipality of Rosario"]
    assert sum(cooperative.revenue.filter(invoice_reference=paid.number).values_list(
        "amount", flat=True)) == paid.gross_total  # fmt: skip
    call_command("verify_audit")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_live_worker_round_trip(cooperative):
    """A real worker consumes a real task from the broker and returns its result.

    The test worker runs tasks in a thread of this process, and nothing closes that thread's
    database connection as `celery worker` does after each task: left open, it kept the test
    database in use and its teardown failed ("being accessed by other users"). The task's end
    closes it here."""
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.db import connections

    from coop.audit import record
    from coop.tasks import verify_audit_chain
    from cooperage import celery_app
    from tests.conftest import set_eager

    def close_the_worker_s_connections(**_signal):
        connections.close_all()  # in the worker's thread: its own connections

    record(cooperative, None, "test.event", object_type="test", object_id=1)
    set_eager(False)
    task_postrun.connect(close_the_worker_s_connections, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            result = verify_audit_chain.delay(cooperative.pk)
            assert result.get(timeout=30) == {"ok": True, "events": 1, "break": None}
    finally:
        task_postrun.disconnect(close_the_worker_s_connections)

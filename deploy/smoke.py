"""Smoke test of the production stack on loopback: gunicorn, a Celery worker and beat against the
PostgreSQL and Redis named by DATABASE_URL and CELERY_BROKER_URL.

It creates a database of its own, migrates, loads the demo co-op, starts the three processes
with production settings, and through HTTP only: logs hours, opens a short proposal that the
worker's sweep (beat) closes, approves a distribution and downloads a payslip the worker made.
Then it stops what it started, by process id, and drops its database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 .venv/bin/python deploy/smoke.py

`.ci/run` runs it under CI=true.
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "cooperage-demo"  # noqa: S105 -- the demo's printed password


# Run by `manage.py shell`: moves a published proposal's dates back so that voting closes in
# a few seconds, then starts its vote as the sweep would.
DAYS_GO_BY = """
import datetime
from coop import clock
from governance.models import Proposal
from governance.services import sweep
proposal = Proposal.objects.get(pk=%(id)d)
shift = proposal.closes_at - clock.now() - datetime.timedelta(seconds=%(seconds)d)
Proposal.objects.filter(pk=proposal.pk).update(
    discussion_starts_at=proposal.discussion_starts_at - shift,
    opens_at=proposal.opens_at - shift,
    closes_at=proposal.closes_at - shift,
)
sweep()
assert Proposal.objects.get(pk=proposal.pk).state == Proposal.State.VOTING
"""


def say(message: str) -> None:
    print(f"smoke: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def admin_sql(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(statement)


class Api:
    def __init__(self, base: str):
        self.base = base
        self.token = ""

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes, dict]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)  # noqa: S310
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read(), dict(error.headers)
        except urllib.error.URLError:  # not listening yet
            return 0, b"", {}

    def json(self, method: str, path: str, body: dict | None = None, expect=(200, 201)):
        status, content, _ = self.call(method, path, body)
        if status not in expect:
            raise SystemExit(f"smoke: {method} {path} answered {status}: {content[:500]!r}")
        return json.loads(content) if content else None

    def log_in(self, email: str) -> Api:
        other = Api(self.base)
        other.token = self.json(
            "POST", "/api/v1/auth/token/", {"email": email, "password": PASSWORD}
        )["token"]
        return other


def wait_for(what: str, check, timeout: float, every: float = 1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(every)
    raise SystemExit(f"smoke: gave up waiting for {what} after {timeout:.0f} s")


def main() -> int:
    base_db = os.environ.get("DATABASE_URL", "")
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not base_db.startswith(("postgres://", "postgresql://")) or not broker:
        raise SystemExit("smoke: set DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis)")
    name = f"cooperage_smoke_{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="cooperage-smoke-"))
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": with_database(base_db, name),
        # A Redis database of its own: no message left by another run reaches this worker.
        "CELERY_BROKER_URL": urlunsplit(urlsplit(broker)._replace(path="/15")),
        "CELERY_RESULT_BACKEND": "",
        "COOP_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "MEDIA_ROOT": str(work / "media"),
        "STATIC_ROOT": str(work / "static"),
        "SITE_URL": f"http://127.0.0.1:{port}",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONUNBUFFERED": "1",
    }
    processes: list[subprocess.Popen] = []

    def run(*args: str) -> None:
        command = [str(BIN / "python"), "manage.py", *args]
        subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603

    def start(label: str, *args: str) -> None:
        log = (work / f"{label}.log").open("w")
        processes.append(
            subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        )
        say(f"started {label} (pid {processes[-1].pid}), log {work / f'{label}.log'}")

    admin_sql(base_db, f'CREATE DATABASE "{name}"')
    try:
        subprocess.run(  # noqa: S603
            [str(BIN / "celery"), "-A", "cooperage", "purge", "-f"], cwd=ROOT, env=env, check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        run("migrate", "--no-input", "-v", "0")
        run("collectstatic", "--no-input", "-v", "0")
        run("demo", "--quiet")
        start(
            "web", str(BIN / "gunicorn"), "cooperage.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "60",
        )  # fmt: skip
        start("worker", str(BIN / "celery"), "-A", "cooperage", "worker", "-c", "2", "-l", "info")
        start(
            "beat", str(BIN / "celery"), "-A", "cooperage", "beat", "-l", "info",
            "--schedule", str(work / "beat-schedule"),
        )  # fmt: skip
        api = Api(f"http://127.0.0.1:{port}")
        wait_for("/readyz", lambda: api.call("GET", "/readyz")[0] == 200, 60)
        say("web, database and broker ready")

        # Hours, as a member.
        chandra = api.log_in("chandra@example.coop")
        project = chandra.json("GET", "/api/v1/coops/demo/projects/")["results"][0]["id"]
        today = datetime.date.today().isoformat()
        entry = chandra.json(
            "POST", "/api/v1/coops/demo/time-entries/",
            {"project": project, "date": today, "minutes": 95, "description": "Smoke test"},
        )  # fmt: skip
        assert entry["minutes"] == 95, entry
        say(f"logged hours: entry {entry['id']}")

        # A proposal within the bylaws floors (a day of discussion, two of voting for a general
        # proposal). The smoke cannot wait three days: once the proposal is published, its
        # timetable is moved back as if those days had passed (the same shift for every date, so
        # the periods still meet the floors), one sweep starts the vote, and the sweep that beat
        # sends to the worker closes it.
        ana = api.log_in("ana@example.coop")
        now = datetime.datetime.now(datetime.UTC)
        opens = now + datetime.timedelta(days=1, minutes=5)
        proposal = ana.json(
            "POST", "/api/v1/coops/demo/proposals/",
            {"title": "Smoke-test the stack", "method": "majority", "allow_early_close": False,
             "opens_at": opens.isoformat(),
             "closes_at": (opens + datetime.timedelta(days=2)).isoformat()},
        )  # fmt: skip
        ana.json("POST", f"/api/v1/coops/demo/proposals/{proposal['id']}/open/")
        run("shell", "-c", DAYS_GO_BY % {"id": proposal["id"], "seconds": 30})
        ana.json(
            "POST", f"/api/v1/coops/demo/proposals/{proposal['id']}/vote/", {"choice": "agree"}
        )
        say(f"proposal {proposal['id']} is open; waiting for the sweep to close it")
        result = wait_for(
            "the sweep to close the proposal",
            lambda: (r := ana.json("GET", f"/api/v1/coops/demo/proposals/{proposal['id']}/result/"))
            and r["state"] == "closed" and r,
            150, 3,
        )  # fmt: skip
        say(f"the worker closed it: {result['result']}")

        # The month's distribution, approved by the treasurer; the worker makes the payslips.
        bruno = api.log_in("bruno@example.coop")
        drafts = bruno.json("GET", "/api/v1/coops/demo/distributions/?status=draft")["results"]
        if not drafts:
            raise SystemExit("smoke: the demo has no draft distribution to approve")
        run_id = drafts[0]["id"]
        approved = bruno.json("POST", f"/api/v1/coops/demo/distributions/{run_id}/approve/")
        assert approved["status"] == "approved", approved
        members = bruno.json("GET", "/api/v1/coops/demo/members/?page_size=100")["results"]
        me = next(m for m in members if m["email"] == "bruno@example.coop")
        path = f"/api/v1/coops/demo/distributions/{run_id}/payslips/{me['id']}/"
        status, content, headers = wait_for(
            "the worker's payslip",
            lambda: (answer := bruno.call("GET", path))[0] == 200 and answer,
            90, 2,
        )  # fmt: skip
        assert content.startswith(b"%PDF"), content[:20]
        say(f"downloaded the payslip the worker made ({len(content)} bytes)")
        say("passed")
        return 0
    except BaseException:
        for log in sorted(work.glob("*.log")):
            print(f"--- {log.name} (last lines)", file=sys.stderr)
            print("\n".join(log.read_text().splitlines()[-30:]), file=sys.stderr)
        raise
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        say("stopped web, worker and beat")
        admin_sql(base_db, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())

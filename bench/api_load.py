"""The REST API under concurrent load: gunicorn (2 workers) on loopback, driven by wrk.

Four endpoints of the 5,000-member co-op `federation`, each next to a minimal DRF endpoint on
the same server in the same run (bench/urls.py: token authentication, permissions, throttles
and JSON, nothing else): GET time-entries/?month= (a page of 50, as the treasurer sees every
member's hours; and as 20 members in turn, each listing their own month, the common case),
POST time-entries/ (one minute logged by one of 20 members), GET proposals/ (a page of 50
of 100 proposals with 1,000 ballots each) and POST proposals/{id}/vote/ (20 members changing
their ranked ballot). GETs compare with the minimal GET, POSTs with the minimal POST. Then
the query count of each request, with Django's test client, for a page of 1 and a page of 50
rows (it must not grow). Goal: ≥ 33% of the minimal endpoint's throughput (issue 21; the first
round asked 50%). The treasurer's month is also read at page 100, by number and by cursor.
gunicorn is stopped by its pid at the end, always.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness

DURATION = int(os.environ.get("BENCH_API_SECONDS", "10"))
CONNECTIONS = 4
VOTERS = 20
GOAL = 1 / 3

LUA = """
local tokens = {%(tokens)s}
local bodies = {%(bodies)s}
local counter = 0
request = function()
  counter = counter + 1
  local i = counter %% #tokens + 1
  local headers = {["Authorization"] = "Bearer " .. tokens[i],
                   ["Content-Type"] = "application/json"}
  local body = nil
  if #bodies > 0 then body = bodies[counter %% #bodies + 1] end
  return wrk.format("%(method)s", "%(path)s", headers, body)
end
done = function(summary, latency, requests)
  io.write(string.format('RESULT {"requests": %%d, "duration_us": %%d, "p50_us": %%d, ' ..
    '"p99_us": %%d, "non_2xx": %%d, "socket_errors": %%d}\\n', summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(99), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout))
end
"""


def prepare() -> dict:
    """Tokens for the treasurer and 20 voters, an open ranked proposal, a project to log on."""
    import datetime

    from api.models import PersonalToken
    from api.services import create_token
    from coop.clock import today_in
    from coop.models import Cooperative, Member, Project
    from governance.models import Proposal

    cooperative = Cooperative.objects.get(slug=harness.FEDERATION)
    members = list(Member.objects.filter(cooperative=cooperative).order_by("id")[: VOTERS + 1])
    PersonalToken.objects.filter(user__in=[m.user for m in members], name="bench").delete()
    tokens = [create_token(user=m.user, name="bench")[1] for m in members]
    proposal = Proposal.objects.filter(
        cooperative=cooperative, state="voting", method="schulze"
    ).first()
    project = Project.objects.filter(cooperative=cooperative).order_by("id").first()
    today = today_in(cooperative)
    # This month's days up to today: one minute at a time, a day never fills up.
    days = [today.replace(day=d) for d in range(1, today.day + 1)]
    return {
        "slug": cooperative.slug,
        "treasurer": tokens[0],
        "voters": tokens[1:],
        "proposal": proposal.pk,
        "options": proposal.options,
        "entry_bodies": [
            json.dumps({"project": project.pk, "date": day.isoformat(), "minutes": 1})
            for day in days
        ],
        "vote_bodies": [
            json.dumps({"ranking": proposal.options[i:] + proposal.options[:i]})
            for i in range(len(proposal.options))
        ],
        "today": datetime.date.isoformat(today),
    }


DEEP_PAGE = 100


def deep_pages(setup: dict) -> dict[str, str]:
    """The treasurer's month at page 100 of 50 rows: by number (an OFFSET of 4,950 rows and a
    COUNT), and by the cursor reached by following `next` 99 times (a keyset read, no count)."""
    from urllib.parse import urlsplit

    from django.test import Client

    client = Client()
    who = {"HTTP_AUTHORIZATION": f"Bearer {setup['treasurer']}"}
    month = f"/api/v1/coops/{setup['slug']}/time-entries/?month={harness.MONTH}&page_size=50"
    path = month
    for _ in range(DEEP_PAGE - 1):
        link = client.get(path, **who).json()["next"]
        parts = urlsplit(link)
        path = f"{parts.path}?{parts.query}"
    return {"by number": f"{month}&page={DEEP_PAGE}", "by cursor": path}


def query_counts(setup: dict) -> list[list]:
    """Queries per request for 1 row and for 50 rows, with Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    base = f"/api/v1/coops/{setup['slug']}"
    treasurer = {"HTTP_AUTHORIZATION": f"Bearer {setup['treasurer']}"}
    voter = {"HTTP_AUTHORIZATION": f"Bearer {setup['voters'][0]}"}
    rows = []
    for label, path, who in (
        ("GET time-entries/?month=", f"{base}/time-entries/?month={harness.MONTH}", treasurer),
        ("GET time-entries/?month= (member)", f"{base}/time-entries/?month={harness.MONTH}", voter),
        ("GET proposals/", f"{base}/proposals/", treasurer),
        ("GET minimal", "/bench/minimal/", treasurer),
    ):
        counts = []
        for size in (1, 50):
            separator = "&" if "?" in path else "?"
            client.get(f"{path}{separator}page_size={size}", **who)  # warm
            with CaptureQueriesContext(connection) as queries:
                response = client.get(f"{path}{separator}page_size={size}", **who)
            assert response.status_code == 200, response.content[:300]
            counts.append(len(queries.captured_queries))
        rows.append([label, counts[0], counts[1], "yes" if counts[1] <= counts[0] else "NO"])
    for label, path, body in (
        ("POST time-entries/", f"{base}/time-entries/", setup["entry_bodies"][0]),
        ("POST vote/", f"{base}/proposals/{setup['proposal']}/vote/", setup["vote_bodies"][0]),
        ("POST minimal", "/bench/minimal/", "{}"),
    ):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(path, body, content_type="application/json", **voter)
        assert response.status_code in (200, 201), response.content[:300]
        rows.append([label, len(queries.captured_queries), "—", "one row by nature"])
    return rows


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    # As in production, where Celery beat sweeps in its own process: the API's workers do not
    # run the embedded beat's once-a-minute sweeps (202 co-ops) in the middle of a measure.
    env = {**os.environ, **harness.bench_environment(EMBEDDED_BEAT="false")}
    process = subprocess.Popen(
        [str(harness.ROOT / ".venv" / "bin" / "gunicorn"), "cooperage.wsgi:application",
         "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         "--chdir", str(harness.ROOT)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {process.stderr.read().decode()[-2000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 30 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def load(port: int, method: str, path: str, tokens: list[str], bodies: list[str], seconds: int):
    lua = LUA % {
        "tokens": ", ".join(json.dumps(t) for t in tokens),
        "bodies": ", ".join(json.dumps(b) for b in bodies),
        "method": method,
        "path": path,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    try:
        output = subprocess.run(
            ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s", script.name,
             f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(script.name)
    line = next(row for row in output.splitlines() if row.startswith("RESULT "))
    figures = json.loads(line.removeprefix("RESULT "))
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def main() -> int:
    if shutil.which("wrk") is None:  # `make bench` installs it with apt when it runs as root
        print(
            "bench/api_load.py needs the load generator wrk: `apt-get install wrk` as root "
            "(Debian, Ubuntu; `make bench` does it when run as root), `brew install wrk` (macOS)",
            file=sys.stderr,
        )
        return 1
    harness.setup()
    from coop.models import Cooperative

    print(f"machine: {harness.machine()}")
    if not Cooperative.objects.filter(slug=harness.FEDERATION).exists():
        print("run bench/data.py first")
        return 1
    setup = prepare()
    counts = query_counts(setup)
    deep = deep_pages(setup)
    base = f"/api/v1/coops/{setup['slug']}"
    treasurer, voters = [setup["treasurer"]], setup["voters"]
    plan = [
        ("GET minimal", "GET", "/bench/minimal/", treasurer, [], None),
        ("GET time-entries/?month=", "GET", f"{base}/time-entries/?month={harness.MONTH}",
         treasurer, [], "GET minimal"),
        ("GET time-entries/?month= (member)", "GET",
         f"{base}/time-entries/?month={harness.MONTH}", voters, [], "GET minimal"),
        (f"GET month, page {DEEP_PAGE} by number", "GET", deep["by number"], treasurer, [],
         "GET minimal"),
        (f"GET month, page {DEEP_PAGE} by cursor", "GET", deep["by cursor"], treasurer, [],
         "GET minimal"),
        ("GET proposals/", "GET", f"{base}/proposals/", treasurer, [], "GET minimal"),
        ("POST minimal", "POST", "/bench/minimal/", voters, setup["entry_bodies"], None),
        ("POST time-entries/", "POST", f"{base}/time-entries/", voters, setup["entry_bodies"],
         "POST minimal"),
        ("POST vote/", "POST", f"{base}/proposals/{setup['proposal']}/vote/", voters,
         setup["vote_bodies"], "POST minimal"),
    ]  # fmt: skip
    port = free_port()
    process = start_gunicorn(port)
    results: dict[str, dict] = {}
    try:
        for name, method, path, tokens, bodies, _baseline in plan:
            load(port, method, path, tokens, bodies, 2)  # warm up: connections, caches
            results[name] = load(port, method, path, tokens, bodies, DURATION)
    finally:
        stop(process)
    print(
        f"gunicorn 2 sync workers, wrk 1 thread {CONNECTIONS} connections {DURATION} s each, "
        "on the same 2 CPUs; no embedded beat in the workers (beat sweeps apart, as in production)"
    )
    rows = []
    for name, _method, _path, _tokens, _bodies, baseline in plan:
        r = results[name]
        ratio = r["rps"] / results[baseline]["rps"] if baseline else None
        rows.append(
            [name, f"{r['rps']:.0f}", f"{r['p50_us'] / 1000:.1f} ms",
             f"{r['p99_us'] / 1000:.1f} ms", r["non_2xx"] + r["socket_errors"],
             f"{ratio:.0%}" if ratio else "(baseline)",
             harness.verdict(ratio >= GOAL) if ratio else ""]
        )  # fmt: skip
        r["ratio"] = ratio
    print(harness.table(rows, ["endpoint", "req/s", "p50", "p99", "errors", "vs minimal", "goal"]))
    print("queries per request (Django test client):")
    print(harness.table(counts, ["request", "1 row", "50 rows", "fixed"]))
    harness.save("api_load", {"load": results, "queries": counts})
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What every benchmark script shares: the bench database, Django set-up, timing and ratios.

The scripts run against PostgreSQL database `cooperage_bench` (created and migrated here when
missing) and Redis DB 3, never against the databases of the test suite. `BENCH_DATABASE` names
another database on the same server, for example to keep two branches' data sets apart.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = os.environ.get("BENCH_DATABASE") or "cooperage_bench"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE_URL = f"{PG_SERVER}/{DATABASE_NAME}"
BROKER_URL = "redis://127.0.0.1:6379/3"
RESULTS = ROOT / "var" / "bench"
SEED = 20261123
DATA_VERSION = 1

# The co-ops the scripts look for (bench/data.py makes them).
FEDERATION = "federation"  # the 5,000-member co-op
SCALE_SLUGS = {500: "scale-500", 5000: FEDERATION, 50000: "scale-50000"}
MONTH = "2025-06"  # the month the distribution and the API benchmarks use


def bench_environment(**extra: str) -> dict[str, str]:
    """The environment of a process (this one, gunicorn, a worker) that works on the bench."""
    env = {
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "CELERY_BROKER_URL": "",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "MEDIA_ROOT": str(ROOT / "var" / "bench-media"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.update(extra)
    return env


def ensure_database() -> None:
    """Create the bench database when it does not exist (psycopg, autocommit)."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
            print(f"created database {DATABASE_NAME}")


def setup(*, broker: bool = False, migrate: bool = True) -> None:
    """Point Django at the bench database (and Redis DB 3 when `broker`), set up, migrate."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ.update(bench_environment(CELERY_BROKER_URL=BROKER_URL if broker else ""))
    ensure_database()
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def machine() -> str:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"{os.cpu_count()} CPUs, load average {load} (1, 5, 15 min)"


def timed(function: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """The median wall time of `repeat` calls, in seconds, and the last call's result."""
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def seconds(value: float) -> str:
    if value < 1e-3:
        return f"{value * 1e6:.0f} µs"
    if value < 1:
        return f"{value * 1e3:.1f} ms"
    return f"{value:.2f} s"


def verdict(met: bool) -> str:
    return "goal met" if met else "GOAL MISSED"


def table(rows: list[list[Any]], header: list[str]) -> str:
    cells = [header, *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def save(name: str, figures: dict[str, Any]) -> None:
    """Keep the figures of the run in var/bench/<name>.json (docs/performance.md cites them)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    figures = {"machine": machine(), "at": time.strftime("%Y-%m-%d %H:%M:%S"), **figures}
    (RESULTS / f"{name}.json").write_text(json.dumps(figures, indent=2, default=str) + "\n")

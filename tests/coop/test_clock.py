"""The project's one clock: code asks coop.clock, tests set it."""

import datetime
import re
from pathlib import Path
from types import SimpleNamespace

from coop import clock as project_clock

ROOT = Path(__file__).resolve().parents[2]
APPS = ("cooperage", "coop", "governance", "payroll", "api")
# Every way to read the time that would bypass coop.clock.
FORBIDDEN = re.compile(
    r"timezone\.now\(|timezone\.localdate\(|date\.today\(|datetime\.now\(|datetime\.utcnow\("
    r"|\btime\.time\(\)"
)

VIENNA = SimpleNamespace(time_zone="Europe/Vienna")
BUENOS_AIRES = SimpleNamespace(time_zone="America/Argentina/Buenos_Aires")


def test_nothing_but_the_clock_reads_the_time():
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path == ROOT / "coop" / "clock.py":
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if FORBIDDEN.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == [], "ask coop.clock instead:\n" + "\n".join(offenders)


def test_today_is_the_coops_date(clock):
    clock.set(datetime.datetime(2027, 1, 31, 23, 30, tzinfo=datetime.UTC))
    assert project_clock.today_in(VIENNA) == datetime.date(2027, 2, 1)
    assert project_clock.today_in(BUENOS_AIRES) == datetime.date(2027, 1, 31)
    assert project_clock.now() == datetime.datetime(2027, 1, 31, 23, 30, tzinfo=datetime.UTC)


def test_the_clock_stands_still_until_moved(clock):
    start = clock.set(datetime.date(2028, 2, 29))
    assert project_clock.now() == start
    clock.advance(datetime.timedelta(hours=13))
    assert project_clock.today_in(VIENNA) == datetime.date(2028, 3, 1)


def test_across_the_dst_change(clock):
    # Vienna moves from 02:00 CET to 03:00 CEST at 01:00 UTC on 28 March 2027.
    clock.set(datetime.datetime(2027, 3, 28, 0, 59, tzinfo=datetime.UTC))
    assert project_clock.now_in(VIENNA).utcoffset() == datetime.timedelta(hours=1)
    clock.advance(datetime.timedelta(minutes=2))
    local = project_clock.now_in(VIENNA)
    assert (local.hour, local.minute, local.utcoffset()) == (3, 1, datetime.timedelta(hours=2))

"""Shared fixtures and the rules for tests that need real services or a browser."""

import datetime
import gc
import os
import shutil

import pytest
import time_machine
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from cooperage import celery_app

pytest_plugins = ["tests.payroll.books", "tests.governance.fixtures"]

# Property tests check results, not speed: a loaded CI machine must not fail them on time.
hypothesis_settings.register_profile("cooperage", deadline=None, print_blob=True)
hypothesis_settings.load_profile("cooperage")

CI = os.environ.get("CI") == "true"
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
HAS_BROKER = bool(os.environ.get("CELERY_BROKER_URL"))
CHROMIUM = "/usr/bin/chromium"
# `make test-clocks` runs the suite with the clock set to this instant (ISO 8601, with an offset)
# and ticking from there, to prove that no test depends on the day it runs.
CLOCK_AT = os.environ.get("COOPERAGE_TEST_CLOCK", "")


def pytest_configure(config):
    """A fast password hasher: the production one costs ~0.4 s a member by design, which made
    building fixtures the bulk of the suite's time. No test checks the hasher's strength."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_unconfigure(config):
    """An xdist worker has five seconds after its last report before execnet interrupts it with
    SIGINT, and pytest's cleanup then runs five full garbage collections over all the worker
    has kept (`gc_collect_harder`): after the whole suite they took longer (the worker's stack,
    dumped at three seconds, was still in them), and the interrupt printed "Exception ignored
    in … gc_callback … KeyboardInterrupt" after the last test of every run. Frozen, what is
    alive now is left out of those collections; unraisable exceptions met during the tests are
    reported as before."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        gc.freeze()


# Slow by nature: property tests (hypothesis draws hundreds of examples), the API fuzzer and the
# fault tests. `make test` and CI run them; `make test-fast` (pytest -m "not slow") leaves them out
# while working.
SLOW_MODULES = ("tests/api/test_fuzz.py", "tests/reliability/")


def _is_slow(item) -> bool:
    function = getattr(item, "obj", None)
    return item.nodeid.startswith(SLOW_MODULES) or getattr(function, "is_hypothesis_test", False)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark the slow tests, keep the tests that share the broker on one xdist worker, and skip
    (or fail, under CI) the tests whose services are missing."""
    for item in items:
        if _is_slow(item):
            item.add_marker(pytest.mark.slow)
        # Live Celery workers consume from the one broker queue: a worker started by one test
        # would take another test's tasks. They run one after another on a single xdist worker
        # (`--dist loadgroup`), as do the fault tests, which stop and cut shared services.
        if "worker" in item.keywords or item.nodeid.startswith("tests/reliability/"):
            item.add_marker(pytest.mark.xdist_group("broker"))
    reasons = {
        "postgres": (ON_POSTGRES, "needs PostgreSQL: set DATABASE_URL=postgres://…"),
        "worker": (HAS_BROKER, "needs a broker for a live worker: set CELERY_BROKER_URL"),
        "browser": (
            shutil.which(CHROMIUM) is not None,
            f"needs {CHROMIUM} (apt-get install chromium)",
        ),
        "nginx": (
            os.path.exists("/usr/sbin/nginx"),
            "needs nginx to check deploy/nginx (apt-get install nginx-light)",
        ),
    }
    for item in items:
        for marker, (available, reason) in reasons.items():
            if marker in item.keywords and not available:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI=true a skipped test is a failure: CI must run everything against real services."""
    outcome = yield
    report = outcome.get_result()
    if CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which is a failure: {reason}"


# The app reads Django settings with the CELERY namespace, so its keys carry the prefix: setting
# `conf.task_always_eager` would be silently ignored.
EAGER = "CELERY_TASK_ALWAYS_EAGER"


def set_eager(value: bool) -> None:
    celery_app.conf[EAGER] = value


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks run in-process in tests; the live-worker tests switch this off with set_eager."""
    previous = celery_app.conf[EAGER]
    set_eager(True)
    assert celery_app.conf.task_always_eager is True
    yield
    set_eager(previous)


@pytest.fixture(autouse=True)
def generous_throttles(settings):
    """Rate limits no test reaches by accident (the suite and the fuzzer send thousands of
    requests a minute); tests/api/test_throttling.py sets low ones. Counts start from zero."""
    from django.core.cache import cache

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(("anon", "user", "auth"), "100000/min"),
    }
    cache.clear()


@pytest.fixture(autouse=True)
def no_embedded_beat(settings):
    """Without a broker the site sweeps from requests (coop.embedded_beat); tests sweep when
    they mean to, and tests/coop/test_embedded_beat.py switches it on."""
    settings.EMBEDDED_BEAT = False


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded and generated files (receipts, payslips) go to a folder of the test's own: tests
    running side by side (pytest-xdist) never see each other's files, nor var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def cooperative(db):
    from tests.factories import CooperativeFactory

    return CooperativeFactory()


def _member(cooperative, **kwargs):
    from tests.factories import MemberFactory

    return MemberFactory(cooperative=cooperative, **kwargs)


@pytest.fixture
def member(cooperative):
    return _member(cooperative)


@pytest.fixture
def admin_member(cooperative):
    return _member(cooperative, is_admin=True)


@pytest.fixture
def treasurer(cooperative):
    return _member(cooperative, is_treasurer=True)


@pytest.fixture
def secretary(cooperative):
    return _member(cooperative, is_secretary=True)


@pytest.fixture
def outsider(db):
    """A member of another co-op."""
    from tests.factories import MemberFactory

    return MemberFactory()


def as_member(api_client: APIClient, member) -> APIClient:
    api_client.force_authenticate(member.user)
    return api_client


@pytest.fixture(autouse=True)
def english_afterwards():
    """LocaleMiddleware leaves the last request's language active in the thread: a test that
    follows a Spanish or German page in the same process must not run in that language."""
    from django.conf import settings
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session", autouse=True)
def suite_clock():
    """The machine's clock, or the instant that COOPERAGE_TEST_CLOCK names (ticking from there)."""
    if not CLOCK_AT:
        yield None
        return
    start = datetime.datetime.fromisoformat(CLOCK_AT)
    if start.tzinfo is None:
        raise pytest.UsageError("COOPERAGE_TEST_CLOCK needs an offset, e.g. 2028-02-29T12:00+00:00")
    with time_machine.travel(start, tick=True):
        yield start


class TestClock:
    """The project's clock (coop.clock) as a test sets it: stopped at an instant until moved."""

    __test__ = False

    def __init__(self) -> None:
        self._traveller = None
        self._coordinates = None

    def set(self, when, *, tick: bool = False) -> datetime.datetime:
        """Stop the clock at `when`: an aware datetime, or a date (noon UTC, the same date in
        every time zone from UTC-11 to UTC+11)."""
        if not isinstance(when, datetime.datetime):
            when = datetime.datetime.combine(when, datetime.time(12), tzinfo=datetime.UTC)
        if when.tzinfo is None:
            raise ValueError("the test clock takes aware datetimes only")
        self.stop()
        self._traveller = time_machine.travel(when, tick=tick)
        self._coordinates = self._traveller.start()
        return when

    def advance(self, delta: datetime.timedelta) -> None:
        if self._coordinates is None:
            raise RuntimeError("set the clock before moving it")
        self._coordinates.shift(delta)

    def stop(self) -> None:
        if self._traveller is not None:
            self._traveller.stop()
            self._traveller = self._coordinates = None


@pytest.fixture
def clock():
    """Set the project's clock: `clock.set(datetime.date(2026, 12, 9))`, `clock.advance(...)`."""
    test_clock = TestClock()
    yield test_clock
    test_clock.stop()

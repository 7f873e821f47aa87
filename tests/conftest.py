"""Shared fixtures and the rules for tests that need real services or a browser."""

import os
import shutil

import pytest
from rest_framework.test import APIClient

from coop import celery_app

pytest_plugins = ["tests.payroll.books"]

CI = os.environ.get("CI") == "true"
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
HAS_BROKER = bool(os.environ.get("CELERY_BROKER_URL"))
CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    reasons = {
        "postgres": (ON_POSTGRES, "needs PostgreSQL: set DATABASE_URL=postgres://…"),
        "worker": (HAS_BROKER, "needs a broker for a live worker: set CELERY_BROKER_URL"),
        "browser": (
            shutil.which(CHROMIUM) is not None,
            f"needs {CHROMIUM} (apt-get install chromium)",
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


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks run in-process in tests; the live-worker tests switch this off themselves."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


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

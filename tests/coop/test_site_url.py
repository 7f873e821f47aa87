"""The site's address in e-mails: from `make run`'s HOST and PORT in development, required in
production; the invitation's deadline in the co-op's time zone and the reader's date format."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.utils import translation

from coop import invitations

ROOT = Path(__file__).resolve().parents[2]


def _load_settings(**environment: str) -> subprocess.CompletedProcess:
    env = {name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, **environment, "DJANGO_SETTINGS_MODULE": "cooperage.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "environment",
    [{"COOP_ENV": "production", "SECRET_KEY": "x" * 50}, {"DEBUG": "false"}],
    ids=["production", "debug-off"],
)
def test_production_refuses_to_start_without_site_url(environment):
    refused = _load_settings(**environment)
    assert refused.returncode != 0
    assert "ImproperlyConfigured: SITE_URL is required in production" in refused.stderr
    started = _load_settings(**environment, SITE_URL="https://coop.example.org")
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "https://coop.example.org"


def test_development_has_a_default():
    assert _load_settings().stdout.strip() == "http://127.0.0.1:8000"


def test_make_run_passes_its_host_and_port():
    makefile = (ROOT / "Makefile").read_text()
    assert (
        "SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/python manage.py runserver "
        "$(HOST):$(PORT)" in makefile
    )


@pytest.mark.django_db
def test_invitation_links_use_site_url(settings):
    settings.SITE_URL = "https://coop.example.org/"
    assert invitations.invitation_url("abc").startswith("https://coop.example.org/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "deadline"),
    [
        ("en", "before December 18, 2026, 2:30\u202fPM (Europe/Vienna time)"),
        ("es", "antes del 18 de diciembre de 2026, 14:30 (hora de Europe/Vienna)"),
        ("de", "vor dem 18. Dezember 2026, 14:30 (Zeitzone Europe/Vienna)"),
    ],
)
def test_the_invitation_deadline_is_in_the_coops_time_zone(
    admin_member, clock, django_capture_on_commit_callbacks, language, deadline
):
    cooperative = admin_member.cooperative
    cooperative.time_zone = "Europe/Vienna"
    cooperative.save()
    clock.set(datetime.datetime(2026, 12, 4, 13, 30, tzinfo=datetime.UTC))  # 14:30 in Vienna
    with translation.override(language), django_capture_on_commit_callbacks(execute=True):
        invitations.invite_member(
            cooperative=cooperative, actor=admin_member, email="rosa@example.coop"
        )
    (message,) = mail.outbox
    assert deadline in message.body, message.body
    assert "UTC" not in message.body

"""Without a broker (the embedded default) tasks run in the web process, and an eager `.delay()`
goes through an in-memory transport: kombu no longer warns that no broker host was given. With
a broker, tasks are written to it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A task delayed as the sweeps do it, in a process with the given broker setting.
DELAY = """
import django
django.setup()
from cooperage.celery import app
from governance.tasks import sweep_proposals
print(app.conf.task_always_eager, app.connection_for_write().as_uri())
with app.producer_or_acquire() as producer:
    print(producer.serializer or app.conf.task_serializer)
"""


def _run(broker: str) -> subprocess.CompletedProcess:
    env = {name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}
    env.update(DJANGO_SETTINGS_MODULE="cooperage.settings", CELERY_BROKER_URL=broker)
    return subprocess.run(
        [sys.executable, "-c", DELAY],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_an_eager_task_names_no_broker_and_kombu_does_not_warn():
    done = _run("")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "memory://localhost//", "json"], done.stdout
    assert "No hostname was supplied" not in done.stderr, done.stderr


def test_with_a_broker_tasks_are_written_to_it():
    done = _run("redis://127.0.0.1:6379/9")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[:2] == ["False", "redis://127.0.0.1:6379/9"], done.stdout

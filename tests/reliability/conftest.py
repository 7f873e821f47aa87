"""Fixtures for the fault tests: real Celery workers in processes of their own (so that they can
be killed), a relay in front of the broker that can be cut (a network outage that leaves the
shared Redis server alone), and the e-mails those workers send.

The broker and the database come from the environment (CELERY_BROKER_URL, DATABASE_URL), as in
CI; a worker process is pointed at the test database that pytest-django created.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from cooperage import celery_app

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 120  # the longest any wait_until below waits before the test fails
CELERY_BROKER = "CELERY_BROKER_URL"  # the variable, and the app's key (CELERY namespace)


def wait_until(condition: Callable[[], object], what: str, timeout: float = WAIT_SECONDS) -> object:
    """Poll until `condition()` is truthy and return its value; fail naming `what` on timeout.

    Workers run in other processes: there is nothing to join, so the tests poll the database.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def database_url_of_the_test_database() -> str:
    """DATABASE_URL with the name of the database the tests run in (test_<name>)."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


# Workers ----------------------------------------------------------------------------------------


class WorkerProcess:
    """`celery worker` (optionally with an embedded beat) in a process group of its own."""

    def __init__(self, log: Path, env: dict[str, str], concurrency: int, beat: bool):
        self.log = log
        name = f"reliability-{uuid.uuid4().hex[:8]}@%h"
        command = [
            sys.executable, "-m", "celery", "-A", "cooperage", "worker", "--loglevel=INFO",
            "--pool=prefork", f"--concurrency={concurrency}", f"--hostname={name}",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        if beat:
            command += ["--beat", f"--schedule={log.with_suffix('.beat')}"]
        with log.open("ab") as output:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killpg reaches the pool too
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self) -> WorkerProcess:
        wait_until(
            lambda: " ready." in self.output() or self.process.poll() is not None,
            "the worker to start",
        )
        assert self.process.poll() is None, f"the worker exited:\n{self.output()[-3000:]}"
        return self

    def pool_processes(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def kill(self) -> None:
        """SIGKILL the whole group at once, as the OOM killer or a power cut would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # warm shutdown: finish the current tasks
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.kill()


def _purge_broker() -> None:
    """Empty the queue and the Redis transport's record of unacknowledged messages, so that no
    test meets the messages of another (a killed worker leaves its taken messages there)."""
    celery_app.control.purge()
    url = celery_app.conf.broker_url or ""
    if url.startswith(("redis://", "rediss://")):
        import redis

        client = redis.Redis.from_url(url)
        client.delete("unacked", "unacked_index", "unacked_mutex")
        client.close()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def mailbox(tmp_path):
    return Mailbox(tmp_path / "mail")


@pytest.fixture
def start_worker(transactional_db, tmp_path, media_root, mailbox) -> Iterator[Callable]:
    """Start real workers against the test database; they are stopped (or killed) at the end.

    `start_worker(concurrency=2, beat=False, broker_url=None, **env)`: extra keyword arguments
    become environment variables of the worker (e.g. CELERY_VISIBILITY_TIMEOUT="5").
    Tasks the test process enqueues go to the broker, not in-process (eager is switched off).
    """
    from tests.conftest import set_eager

    started: list[WorkerProcess] = []
    set_eager(False)
    _purge_broker()

    def start(concurrency: int = 2, beat: bool = False, broker_url: str | None = None, **extra):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cooperage.settings",
            "DATABASE_URL": database_url_of_the_test_database(),
            "CELERY_BROKER_URL": broker_url or os.environ["CELERY_BROKER_URL"],
            "CELERY_RESULT_BACKEND": broker_url or os.environ["CELERY_BROKER_URL"],
            "MEDIA_ROOT": str(media_root),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mailbox.directory),
            "CONN_MAX_AGE": "0",
            **{name: str(value) for name, value in extra.items()},
        }
        worker = WorkerProcess(tmp_path / f"worker-{len(started)}.log", env, concurrency, beat)
        started.append(worker)
        return worker.wait_ready()

    yield start
    for worker in started:
        worker.stop()
    _purge_broker()


# E-mail -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    message_id: str


class Mailbox:
    """The messages Django's file-based e-mail backend wrote (one file per connection)."""

    SEPARATOR = b"\n" + b"-" * 79 + b"\n"

    def __init__(self, directory: Path):
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def messages(self) -> list[Mail]:
        found = []
        for path in sorted(self.directory.iterdir()):
            for chunk in path.read_bytes().split(self.SEPARATOR):
                if not chunk.strip():
                    continue
                message = email.message_from_bytes(chunk, policy=email.policy.default)
                found.append(
                    Mail(str(message["To"]), str(message["Subject"]), str(message["Message-ID"]))
                )
        return found

    def with_subject(self, text: str) -> list[Mail]:
        return [mail for mail in self.messages() if text in mail.subject]


# A broker that can be cut off -------------------------------------------------------------------


class BrokerRelay:
    """A TCP relay on a port of its own to the real broker. `cut()` closes the port and every
    connection through it (clients get "connection refused"), `restore()` listens again."""

    def __init__(self, target: str):
        parts = urlsplit(target)
        self.target = (parts.hostname or "127.0.0.1", parts.port or 6379)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = urlunsplit(parts._replace(netloc=f"127.0.0.1:{self.port}"))
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            sockets, self._sockets = self._sockets, set()
        for sock in ([listener] if listener else []) + list(sockets):
            _close(sock)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:  # cut
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                _close(client)
                continue
            with self._lock:
                if self._listener is not listener:  # cut meanwhile
                    _close(client)
                    _close(upstream)
                    return
                self._sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            _close(source)
            _close(sink)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the other side
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


@pytest.fixture
def broker_relay() -> Iterator[BrokerRelay]:
    relay = BrokerRelay(os.environ["CELERY_BROKER_URL"])
    relay.restore()
    yield relay
    relay.cut()


@pytest.fixture
def app_through(broker_relay, monkeypatch):
    """Send this process's tasks through the relay (and back to the real broker afterwards)."""

    def point(url: str) -> None:
        # Celery reads the broker from the environment before its configuration.
        monkeypatch.setenv(CELERY_BROKER, url)
        celery_app.conf[CELERY_BROKER] = url
        celery_app._after_fork()  # drops the pooled connections to the old address
        assert celery_app.conf.broker_url == url

    previous = os.environ[CELERY_BROKER]
    point(broker_relay.url)
    yield broker_relay
    point(previous)

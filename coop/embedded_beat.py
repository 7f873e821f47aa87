"""The periodic sweeps when there is no Celery beat: the site runs them itself, from requests.

With a broker (`CELERY_BROKER_URL`), Celery beat runs `CELERY_BEAT_SCHEDULE`. The embedded
default (`make run`: no broker, tasks run in-process) has no beat, so a proposal whose voting
opens later would stay in discussion for ever. Instead, `EmbeddedBeatMiddleware` runs each
scheduled task before answering a request, at most once per its interval (the proposal sweep:
once a minute), so that every page shows the state the clock says; and from the first request
on, a daemon thread of the web process does the same every `TICK_SECONDS`, so that votes open
and close (and their e-mails go out) while nobody visits. The sweeps are idempotent, so two
processes sweeping at once is harmless. `EMBEDDED_BEAT` (default: on without a broker) turns
this off.
"""

import datetime
import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, connections
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

CACHE_PREFIX = "embedded-beat:"
TICK_SECONDS = 15

_ticker_lock = threading.Lock()
_ticker: threading.Thread | None = None


def _interval(schedule) -> float:
    if isinstance(schedule, datetime.timedelta):
        return schedule.total_seconds()
    if isinstance(schedule, int | float):
        return float(schedule)
    return float(schedule.run_every.total_seconds())  # a celery.schedules.schedule


def run_due_tasks() -> list[str]:
    """Run every scheduled task whose interval has passed since this process (or another sharing
    the cache) last ran it; returns the names of the tasks run."""
    ran = []
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        name = entry["task"]
        # `add` is atomic: one request per interval claims the run.
        if not cache.add(CACHE_PREFIX + name, True, timeout=_interval(entry["schedule"])):
            continue
        try:
            with translation.override(settings.LANGUAGE_CODE):
                import_string(name)()
        except Exception:  # a failed sweep must not fail the page; the next interval retries
            logger.exception("embedded beat: %s failed", name)
        ran.append(name)
    return ran


def _tick_forever() -> None:
    while settings.EMBEDDED_BEAT:
        time.sleep(TICK_SECONDS)
        close_old_connections()
        try:
            run_due_tasks()
        except Exception:  # the cache or the database is away: try again at the next tick
            logger.exception("embedded beat: the sweep could not run")
        finally:
            connections.close_all()


def start_ticker() -> None:
    """Start this process's sweeping thread, once."""
    global _ticker
    with _ticker_lock:
        if _ticker is None or not _ticker.is_alive():
            _ticker = threading.Thread(target=_tick_forever, name="embedded-beat", daemon=True)
            _ticker.start()


class EmbeddedBeatMiddleware:
    """Run the due sweeps before a request when no Celery beat is configured."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.EMBEDDED_BEAT:
            if _ticker is None or not _ticker.is_alive():
                start_ticker()
            run_due_tasks()
        return self.get_response(request)

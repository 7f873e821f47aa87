"""Health endpoints for load balancers and orchestrators.

`/healthz`: the process answers (no database, no broker: a liveness probe must not fail because
PostgreSQL restarts). `/readyz`: the database answers a query and, when a broker is configured,
the broker accepts a connection; 503 names what is down.
"""

import logging

from celery import current_app
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> str:
    """'eager' without a broker (tasks run in the web process), else 'ok' once it connects.

    `current_app` is the project's app (cooperage.celery), made current when the settings load.
    """
    if not settings.CELERY_BROKER_URL:
        return "eager"
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


@never_cache
@require_GET
def readyz(request):
    checks: dict[str, str] = {}
    ready = True
    for name, check in (("database", check_database), ("broker", check_broker)):
        try:
            checks[name] = check() or "ok"
        except Exception as error:  # any failure means not ready; say which and why
            logger.warning("readiness: %s is down: %s", name, error)
            checks[name] = f"down: {error.__class__.__name__}"
            ready = False
    return JsonResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status=200 if ready else 503,
    )

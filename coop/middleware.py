"""A database that cannot be reached answers 503 with Retry-After, not a 500 error page."""

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# The connection was dropped or refused, the server is restarting or out of connections, a lock
# wait or deadlock was cut short: all pass, so the client is told to try again.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 answer: the API's error body under /api/, a short page (no database) elsewhere.

    The write under way was one transaction, so it was rolled back whole.
    """
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {
                "detail": "The database is unavailable; nothing was saved. Try again shortly.",
                "errors": {},
                "code": "unavailable",
            },
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("unavailable.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database failure raised by a view into `database_unavailable`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_UNAVAILABLE):
            return None
        logger.warning("database unavailable on %s %s", request.method, request.path, exc_info=True)
        return database_unavailable(request)

"""One error body for every API answer: `detail`, `errors` per field and a stable `code`."""

import sys
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from coop.errors import DomainError, InvalidInputs
from coop.middleware import DATABASE_UNAVAILABLE, database_unavailable


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The upload is too large."
    default_code = "too_large"


def _flatten(detail: Any) -> Any:
    """DRF's ErrorDetail tree as plain strings and lists."""
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def _field_errors(detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict):
        return {
            key: value if isinstance(value, list | dict) else [value]
            for key, value in _flatten(detail).items()
        }
    return {"non_field_errors": _flatten(detail) if isinstance(detail, list) else [str(detail)]}


def _first_message(errors: dict[str, Any]) -> str:
    field, messages = next(iter(errors.items()))
    while isinstance(messages, dict):
        field, messages = next(iter(messages.items()))
    # A list field's errors hold one entry per item, `{}` for the items that were valid.
    if isinstance(messages, list):
        messages = [item for item in messages if item != {}] or messages
    message = messages[0] if isinstance(messages, list) and messages else messages
    while isinstance(message, dict) and message:
        message = next(iter(message.values()))
        if isinstance(message, list):
            message = next((item for item in message if item != {}), message[:1] or "")
    prefix = "" if field == "non_field_errors" else f"{field}: "
    return f"{prefix}{message}"


def domain_error_response(error: DomainError) -> Response:
    errors: dict[str, list[str]] = {}
    if isinstance(error, InvalidInputs):
        errors = error.errors
    elif error.field:
        errors = {error.field: [error.message]}
    return Response(
        {"detail": error.message, "errors": errors, "code": error.code}, status=error.status
    )


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        return domain_error_response(exc)
    if isinstance(exc, DATABASE_UNAVAILABLE):
        return database_unavailable(context["request"])
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        response.data = {"detail": _first_message(errors), "errors": errors, "code": "invalid"}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = {
            "detail": str(detail.get("detail", detail) if isinstance(detail, dict) else detail),
            "errors": {},
            "code": codes if isinstance(codes, str) else "error",
        }
    return response


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found_handler(request, exception=None):
    """404 for a URL no route matches: JSON under /api/, the site's page elsewhere."""
    if _is_api(request):
        return JsonResponse(
            {"detail": "No such API route or object.", "errors": {}, "code": "not_found"},
            status=404,
        )
    return defaults.page_not_found(request, exception)


def server_error_handler(request):
    # Django calls this while handling the exception: a database failure outside a view (a
    # session saved by middleware) is a 503 too.
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    if _is_api(request):
        return JsonResponse(
            {"detail": "Something went wrong on our side; it was logged.", "errors": {},
             "code": "server_error"},
            status=500,
        )  # fmt: skip
    return defaults.server_error(request)


def bad_request_handler(request, exception=None):
    """Django's own 400s (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many form fields, a bad
    Host): under /api/ in the error body, and a body too large is a 413."""
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse(
            {"detail": "The request body is too large.", "errors": {}, "code": "too_large"},
            status=413,
        )
    return JsonResponse(
        {"detail": "The request could not be read.", "errors": {}, "code": "bad_request"},
        status=400,
    )

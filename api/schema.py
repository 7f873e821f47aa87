"""The OpenAPI schema: every operation documents the errors it can answer, in the one error body.

drf-spectacular describes the success responses from the views; `CoopAutoSchema` adds the error
responses every operation shares (400, 401, 403, 404, 409, 413, 415, 429), so that the schema is a
complete contract — schemathesis checks each answer against it.
"""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from coop.durations import MINUTES_PER_DAY


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Invalid input",
            value={
                "detail": f"minutes: Ensure this value is less than or equal to {MINUTES_PER_DAY}.",
                "errors": {
                    "minutes": [f"Ensure this value is less than or equal to {MINUTES_PER_DAY}."]
                },
                "code": "invalid",
            },
            response_only=True,
        ),
        OpenApiExample(
            "State conflict",
            value={
                "detail": "October 2026 is locked: a distribution was approved. Correct it with "
                "an adjustment entry in an open month.",
                "errors": {"date": ["October 2026 is locked."]},
                "code": "period_locked",
            },
            response_only=True,
        ),
    ]
)
class ErrorSerializer(serializers.Serializer):
    """The one error body of the API."""

    detail = serializers.CharField(help_text="What went wrong, in one sentence a person can read.")
    errors = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Messages per field: a list of messages, or for a list or nested field the "
        "messages keyed by index or subfield (empty when the error is not about a field).",
    )
    code = serializers.CharField(
        help_text="A stable code for programs: invalid, not_authenticated, permission_denied, "
        "not_found, conflict, period_locked, too_large, unsupported_media_type, throttled, …"
    )


ERRORS = {
    "400": "Invalid input: `errors` names each field (or query parameter) and what is wrong.",
    "401": "No credentials, or credentials that are not valid (a revoked or expired token).",
    "403": "Your role in this co-op does not allow this (or a read-only token tried to write).",
    "404": "Not found — also the answer for anything of a co-op you do not belong to.",
    "409": "The request conflicts with the current state: a locked month, a closed vote, a "
    "distribution that is already approved, …",
    "413": "The upload is larger than the limit.",
    "415": "The request body's content type is not one this operation accepts.",
    "422": "This Idempotency-Key was already used with another request (`idempotency_key_reused`).",
    "429": "Too many requests: wait the number of seconds in `Retry-After`.",
}
SUCCESS = {
    "200": "OK: the object, the list page or the file asked for.",
    "201": "Created: the new object.",
    "204": "Done; no body.",
}
WRITES = ("POST", "PUT", "PATCH", "DELETE")


class CoopAutoSchema(AutoSchema):
    def get_filter_backends(self) -> list[Any]:
        # A download of "the listed entries" (an export) takes the list's filters too.
        if getattr(self.view, "action", None) in getattr(self.view, "filtered_actions", ()):
            return list(getattr(self.view, "filter_backends", []))
        return super().get_filter_backends()

    def _error_codes(self) -> list[str]:
        public = self.get_auth() == []
        codes = ["400"]
        if not public:
            codes += ["401", "403"]
        if "{" in self.path:
            codes.append("404")
        custom_read = self.method == "GET" and getattr(self.view, "action", None) not in (
            "list",
            "retrieve",
            None,
        )
        if (self.method in WRITES or custom_read) and not public:
            codes.append("409")  # a custom read may find its object not ready (a file, ballots)
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("415")
            if "multipart/form-data" in self.map_parsers():
                codes.append("413")
        headers = {getattr(p, "name", None) for p in self.get_override_parameters()}
        if "Idempotency-Key" in headers:
            codes.append("422")  # the key was used for another request: see api.idempotency
        codes.append("429")
        return codes

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code, response in responses.items():
            if not response.get("description"):
                response["description"] = SUCCESS.get(code, "Success")
            if code.startswith("4") and "content" not in response:
                error = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["content"] = error["content"]
        for code in self._error_codes():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = ERRORS[code]
                responses[code] = response
        return responses


class OneObjectSchema(CoopAutoSchema):
    """For a viewset whose `list` route answers one object (a state, a summary), not a list:
    no pagination, no filters, no array around the answer."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


_INT_LIMITS = {2**15 - 1, 2**31 - 1, 2**63 - 1}  # smallint, integer, bigint


def database_neutral_integers(result: dict[str, Any], generator: Any, request: Any, public: Any):
    """Drop the integer bounds that come from the database backend (SQLite allows 64 bits where
    PostgreSQL's integer columns allow 32): the contract must not depend on where it is made."""

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "integer":
                if node.get("maximum") in _INT_LIMITS:
                    node.pop("maximum")
                    if node.get("format") == "int64":
                        node.pop("format")
                if node.get("minimum") in {-limit - 1 for limit in _INT_LIMITS}:
                    node.pop("minimum")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result


def closed_request_bodies(result: dict[str, Any], generator: Any, request: Any, public: Any):
    """Request bodies take only the fields they list (api.serializers.base refuses the others
    with a 400): say so with `additionalProperties: false`, so that clients and the fuzzer know."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component.setdefault("additionalProperties", False)
    return result

"""Idempotency keys: a retried POST that moves money or casts a vote acts once.

A client sends `Idempotency-Key: <any 1–255 printable ASCII characters>` with a POST. The first
request with a key acts and its answer (2xx or 4xx) is stored for a day; a retry with the same
key, path, query string and body gets that answer again, marked `Idempotent-Replayed: true`,
without acting. The same key with another path, query string or body is a 422; a retry while
the first is still being answered is a 409. Without the header nothing changes. The scheme is
the one of the IETF draft "The Idempotency-Key HTTP Header Field"
(draft-ietf-httpapi-idempotency-key-header) and of Stripe's API.

The database holds the key's SHA-256 only, and the stored answer is sealed (XSalsa20-Poly1305)
under a key derived from the Idempotency-Key itself and the server's SECRET_KEY: a reader of the
database cannot read a stored answer, for example a secret ballot's receipt code next to its
voter (docs/governance.md, "Secret ballots").
"""

import datetime
import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http.request import RawPostDataException
from drf_spectacular.utils import OpenApiParameter, extend_schema
from nacl.encoding import Base64Encoder, RawEncoder
from nacl.hash import blake2b
from nacl.secret import SecretBox
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from api.models import IdempotencyRecord
from coop import clock, jsontext

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_LIFETIME = datetime.timedelta(hours=24)
_VALID_KEY = re.compile(r"[\x20-\x7e]{1,255}")
_STORED_CONTENT_TYPE = "application/json"

KEY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Any 1–255 printable ASCII characters, new for each action (a UUID will do). "
    "A retry with the same key and body gets the first answer again, with "
    "`Idempotent-Replayed: true`, without acting twice; the same key with another body or "
    "query string is a "
    "422 (`idempotency_key_reused`), and a retry while the first request is still running "
    "is a 409 (`idempotency_key_in_progress`). Keys are kept for 24 hours.",
)


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = (
        "This Idempotency-Key was already used for another request: use a new key for a new "
        "request."
    )
    default_code = "idempotency_key_reused"


class IdempotencyKeyInProgress(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "A request with this key is in progress: retry when it has been answered."
    default_code = "idempotency_key_in_progress"


def idempotent(view_method: Callable) -> Callable:
    """Make a viewset's POST handler honour the `Idempotency-Key` header.

    Put it above `@extend_schema` and `@action`, so that it also documents the header.
    """

    @functools.wraps(view_method)
    def handler(view, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not request.user.is_authenticated:
            return view_method(view, request, *args, **kwargs)
        if not _VALID_KEY.fullmatch(key):
            raise exceptions.ValidationError(
                {HEADER: ["Give 1 to 255 printable ASCII characters (a UUID will do)."]}
            )
        record = _claim(request, key, request_fingerprint(request))
        if record.status_code is not None:
            return _replay(record, key)
        return _answer_and_store(view, view_method, record, key, request, args, kwargs)

    return extend_schema(parameters=[KEY_PARAMETER], methods=["POST"])(handler)


class IdempotentCreateMixin:
    """A viewset whose `create` honours the `Idempotency-Key` header (put it first in the bases)."""

    @idempotent
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)


def request_fingerprint(request: Request) -> str:
    """SHA-256 of what the request asks beyond its method and path: the query string (its
    parameters in sorted order; a view may act on them) and the body. JSON is normalized (key
    order, spacing), anything else is taken byte for byte, except multipart forms, whose fields
    and files are hashed one by one (their body may be too large to hold, and holds a random
    boundary)."""
    body = _body_fingerprint(request)
    query = sorted((name, values) for name, values in request.query_params.lists())
    if not query:  # the fingerprint of a request without a query string is its body's alone
        return body
    return hashlib.sha256(json.dumps([query, body]).encode()).hexdigest()


def _body_fingerprint(request: Request) -> str:
    if request.content_type.startswith("multipart/"):
        return _form_fingerprint(request)
    try:
        body = request.body
    except RawPostDataException:  # a session's CSRF check already parsed the form
        return _form_fingerprint(request)
    if _is_json(request.content_type):
        body = _normalized_json(body)
    return hashlib.sha256(body).hexdigest()


def stored_key(key: str) -> str:
    """What the database keeps of an Idempotency-Key: its SHA-256, never the key."""
    return hashlib.sha256(b"idempotency-key:" + key.encode()).hexdigest()


def _answer_box(key: str) -> SecretBox:
    secret = blake2b(settings.SECRET_KEY.encode(), digest_size=64, encoder=RawEncoder)
    return SecretBox(
        blake2b(
            key.encode(), key=secret, digest_size=32, person=b"idempotency-ans", encoder=RawEncoder
        )
    )


def seal_answer(key: str, body: str) -> str:
    return _answer_box(key).encrypt(body.encode(), encoder=Base64Encoder).decode()


def open_answer(key: str, sealed: str) -> str:
    return _answer_box(key).decrypt(sealed.encode(), encoder=Base64Encoder).decode()


def purge_expired(now: datetime.datetime | None = None) -> int:
    """Delete the keys older than `KEY_LIFETIME`; returns how many were deleted."""
    threshold = (now or clock.now()) - KEY_LIFETIME
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=threshold).delete()
    return deleted


def _is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


def _normalized_json(body: bytes) -> bytes:
    try:
        document = jsontext.loads(body)
    except ValueError:  # not JSON after all: the parser will say so; the bytes identify it
        return body
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def _form_fingerprint(request: Request) -> str:
    fields: dict[str, list[str]] = {}
    for name in sorted(request.data.keys()):
        values = request.data.getlist(name) if hasattr(request.data, "getlist") else []
        fields[name] = [
            _file_digest(value) if hasattr(value, "chunks") else str(value) for value in values
        ]
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def _file_digest(upload: Any) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return f"file:{upload.name}:{digest.hexdigest()}"


def _claim(request: Request, key: str, fingerprint: str) -> IdempotencyRecord:
    """The key's record: a new pending one (committed at once, so that a concurrent retry sees
    it), or the one of an earlier request if it matches this one."""
    for _ in range(2):
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(
                    user=request.user,
                    key=stored_key(key),
                    method=request.method,
                    path=request.path,
                    request_hash=fingerprint,
                )
        except IntegrityError:
            pass
        earlier = IdempotencyRecord.objects.filter(user=request.user, key=stored_key(key)).first()
        if earlier is None:  # the first request failed and gave its key back: try again
            continue
        if earlier.created_at < clock.now() - KEY_LIFETIME:  # expired, not yet purged
            earlier.delete()
            continue
        if (earlier.method, earlier.path, earlier.request_hash) != (
            request.method,
            request.path,
            fingerprint,
        ):
            raise IdempotencyKeyReused()
        if earlier.status_code is None:
            raise IdempotencyKeyInProgress()
        return earlier
    raise IdempotencyKeyInProgress()


def _answer_and_store(view, view_method, record, key, request, args, kwargs) -> Response:
    """Act, and store the answer with the action in one transaction: a crash leaves neither."""
    try:
        with transaction.atomic():
            try:
                response = view_method(view, request, *args, **kwargs)
            except Exception as error:
                # The error answer (4xx) is stored like any other; an unexpected error is
                # re-raised here and gives the key back below.
                response = view.handle_exception(error)
            if _is_storable(response):
                record.status_code = response.status_code
                record.response_body = seal_answer(key, json.dumps(response.data, cls=JSONEncoder))
                record.content_type = _STORED_CONTENT_TYPE
                record.save(update_fields=["status_code", "response_body", "content_type"])
                return response
    except BaseException:
        record.delete()
        raise
    record.delete()
    return response


def _is_storable(response: Any) -> bool:
    """2xx and 4xx answers with a body to replay; a 5xx may succeed when retried."""
    return (
        isinstance(response, Response)
        and response.status_code < 500
        and not response.streaming
        and (response.data is None or isinstance(response.data, dict | list | str))
    )


def _replay(record: IdempotencyRecord, key: str) -> Response:
    data = json.loads(open_answer(key, record.response_body)) if record.response_body else None
    return Response(data, status=record.status_code, headers={REPLAYED_HEADER: "true"})

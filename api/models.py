"""Personal access tokens: a member's named keys for the REST API, stored only as a hash."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coop import clock

# Recognizable in a script, a log or a secret scanner's report.
KEY_MARKER = "coop_"
# Shown in lists to tell tokens apart: the marker and 7 random characters (of 43).
PREFIX_LENGTH = 12
NAME_MAX_LENGTH = 100


def new_key() -> str:
    """A fresh token: the marker and 256 random bits, URL-safe."""
    return KEY_MARKER + secrets.token_urlsafe(32)


def key_digest(key: str) -> str:
    """The SHA-256 hex digest under which a token is stored and looked up.

    Lookup is by an index on the digest, so no comparison ever runs on the secret itself.
    """
    return hashlib.sha256(key.encode()).hexdigest()


class PersonalTokenQuerySet(models.QuerySet):
    def live(self) -> "PersonalTokenQuerySet":
        """Not revoked (they may have expired)."""
        return self.filter(revoked_at__isnull=True)


class PersonalToken(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "active"
        EXPIRED = "expired", "expired"
        REVOKED = "revoked", "revoked"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_tokens"
    )
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    key_prefix = models.CharField(max_length=PREFIX_LENGTH)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    read_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = PersonalTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=Q(revoked_at__isnull=True),
                name="api_personaltoken_live_name_unique",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="api_personaltoken_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    def status_at(self, now) -> Status:
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at is not None and self.expires_at <= now:
            return self.Status.EXPIRED
        return self.Status.ACTIVE

    @property
    def status(self) -> Status:
        return self.status_at(clock.now())


class IdempotencyRecord(models.Model):
    """A POST sent with an `Idempotency-Key`: what was asked and, once answered, the answer.

    The row is written before the request acts (with no status yet) so that a concurrent
    retry with the same key finds it and is turned away; it is kept for a day (see
    `api.idempotency.KEY_LIFETIME`).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The key's SHA-256 (`api.idempotency.stored_key`); the answer is sealed under the key itself.
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=2000)
    # SHA-256 of the request body, JSON-normalized for JSON (key order and spacing do not count).
    request_hash = models.CharField(max_length=64)
    # Empty while the first request is still being answered.
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_key_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"

    @property
    def is_pending(self) -> bool:
        return self.status_code is None

"""The append-only audit log: every state change, hash-chained per co-op."""

import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from coop.models.cooperative import Cooperative

GENESIS_HASH = "0" * 64


class AuditEventImmutable(Exception):
    """Raised on an attempt to edit or delete an audit event through the ORM."""


class AuditEvent(models.Model):
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="audit_events"
    )
    sequence = models.PositiveBigIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=254)
    verb = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["cooperative_id", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "sequence"], name="audit_event_sequence_unique"
            ),
            models.UniqueConstraint(
                fields=["cooperative", "prev_hash"], name="audit_event_chain_no_fork"
            ),
        ]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_event_object")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.verb} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditEventImmutable("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AuditEventImmutable("Audit events are append-only.")

    def canonical(self) -> dict[str, Any]:
        """The fields the hash covers, as plain JSON values."""
        return {
            "cooperative": self.cooperative_id,
            "sequence": self.sequence,
            "actor": self.actor_label,
            "verb": self.verb,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "data": json.loads(json.dumps(self.data, cls=DjangoJSONEncoder)),
            "timestamp": self.created_at.isoformat(timespec="microseconds"),
        }

    def compute_hash(self) -> str:
        payload = json.dumps(
            self.canonical(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        return hashlib.sha256((self.prev_hash + payload).encode()).hexdigest()

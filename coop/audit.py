"""Writing and verifying the per-co-op hash chain of audit events."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from coop import clock
from coop.models import AuditEvent, Cooperative
from coop.models.audit import GENESIS_HASH


def record(
    cooperative: Cooperative,
    actor: Any,
    verb: str,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    *,
    object_type: str | None = None,
    object_id: str | int | None = None,
) -> AuditEvent:
    """Append an event to the co-op's chain, inside the caller's transaction.

    The co-op row is locked first, so concurrent writers queue behind one another and the chain
    never forks (the database also refuses two events with the same predecessor).
    `actor` is a User, a Member, or None for the system (sweeps, scheduled tasks).
    """
    with transaction.atomic():
        head = Cooperative.objects.select_for_update().only("audit_head", "audit_length")
        locked = head.get(pk=cooperative.pk)
        user = getattr(actor, "user", actor)
        event = AuditEvent(
            cooperative_id=locked.pk,
            sequence=locked.audit_length + 1,
            actor=user,
            actor_label=user.email if user is not None else "system",
            verb=verb,
            object_type=object_type or (obj._meta.label_lower if obj is not None else "-"),
            object_id=str(object_id if object_id is not None else getattr(obj, "pk", "") or ""),
            data=data or {},
            created_at=clock.now(),
            prev_hash=locked.audit_head or GENESIS_HASH,
        )
        event.hash = event.compute_hash()
        event.save()
        Cooperative.objects.filter(pk=locked.pk).update(
            audit_head=event.hash, audit_length=event.sequence
        )
        cooperative.audit_head, cooperative.audit_length = event.hash, event.sequence
        return event


@dataclass(frozen=True)
class ChainBreak:
    cooperative: str
    sequence: int
    reason: str

    def __str__(self) -> str:
        return f"{self.cooperative}: event #{self.sequence}: {self.reason}"


def verify_chain(cooperative: Cooperative) -> ChainBreak | None:
    """Walk the co-op's events in order; return the first break, or None if the chain holds."""
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    events: Iterator[AuditEvent] = (
        AuditEvent.objects.filter(cooperative=cooperative).order_by("sequence").iterator(2000)
    )
    for event in events:
        if event.sequence != expected_sequence:
            return ChainBreak(
                cooperative.slug,
                expected_sequence,
                f"missing or reordered (found #{event.sequence} next)",
            )
        if event.prev_hash != expected_prev:
            return ChainBreak(
                cooperative.slug, event.sequence, "does not follow the previous event"
            )
        if event.compute_hash() != event.hash:
            return ChainBreak(cooperative.slug, event.sequence, "was edited after it was written")
        expected_prev = event.hash
        expected_sequence += 1
    cooperative.refresh_from_db(fields=["audit_head", "audit_length"])
    if expected_sequence - 1 != cooperative.audit_length or (
        cooperative.audit_length and expected_prev != cooperative.audit_head
    ):
        return ChainBreak(
            cooperative.slug,
            cooperative.audit_length,
            "is missing: the newest events were deleted",
        )
    return None

"""Writing and verifying the per-co-op hash chain of audit events."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from coop import clock
from coop.models import AuditEvent, Cooperative
from coop.models.audit import GENESIS_HASH


@dataclass
class ChainHead:
    """The head of a co-op's chain as the lock on its row found it: the co-op row stays locked
    until the transaction ends, so the next event follows it (`record(..., head=)`)."""

    cooperative_id: int
    hash: str
    length: int


def lock_chain(cooperative: Cooperative) -> ChainHead:
    """Lock the co-op row until the transaction ends, and read the head of its chain."""
    locked = (
        Cooperative.objects.select_for_update()
        .only("audit_head", "audit_length")
        .get(pk=cooperative.pk)
    )
    return ChainHead(locked.pk, locked.audit_head, locked.audit_length)


def head_of_locked(cooperative: Cooperative) -> ChainHead:
    """The head of the chain of a co-op row that the caller has locked in this transaction,
    read with the lock (for example with the row of a proposal, in one statement `FOR NO KEY
    UPDATE OF` both): a lock that waited returns the row's newest version, so the head is
    current and stays so until the transaction ends, as after `lock_chain`."""
    return ChainHead(cooperative.pk, cooperative.audit_head, cooperative.audit_length)


def record(
    cooperative: Cooperative,
    actor: Any,
    verb: str,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    *,
    object_type: str | None = None,
    object_id: str | int | None = None,
    head: ChainHead | None = None,
) -> AuditEvent:
    """Append an event to the co-op's chain, inside the caller's transaction.

    The co-op row is locked first, so concurrent writers queue behind one another and the chain
    never forks (the database also refuses two events with the same predecessor). A caller that
    locked it already in this transaction (`coop.hours.services.hold_books`) passes the `head`
    it read, and the row is not locked twice. The database moves the co-op's head to the new
    event (a trigger, migration 0011), in the same statement as the insert.
    `actor` is a User, a Member, or None for the system (sweeps, scheduled tasks).
    """
    with transaction.atomic(savepoint=False):
        if head is None or head.cooperative_id != cooperative.pk:
            head = lock_chain(cooperative)
        user = getattr(actor, "user", actor)
        event = AuditEvent(
            cooperative_id=head.cooperative_id,
            sequence=head.length + 1,
            actor=user,
            actor_label=user.email if user is not None else "system",
            verb=verb,
            object_type=object_type or (obj._meta.label_lower if obj is not None else "-"),
            object_id=str(object_id if object_id is not None else getattr(obj, "pk", "") or ""),
            data=data or {},
            created_at=clock.now(),
            prev_hash=head.hash or GENESIS_HASH,
        )
        event.hash = event.compute_hash()
        event.save()
        head.hash, head.length = event.hash, event.sequence
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

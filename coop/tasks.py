"""Celery tasks of the core domain."""

from celery import shared_task

from coop.audit import verify_chain
from coop.models import Cooperative


@shared_task
def verify_audit_chain(cooperative_id: int) -> dict:
    """Verify one co-op's audit chain in a worker; returns {"ok": bool, "events": n, "break": …}."""
    cooperative = Cooperative.objects.get(pk=cooperative_id)
    chain_break = verify_chain(cooperative)
    return {
        "ok": chain_break is None,
        "events": cooperative.audit_length,
        "break": str(chain_break) if chain_break else None,
    }

"""Celery tasks of the REST layer: the daily purge of expired idempotency keys."""

import logging

from celery import shared_task

from api.idempotency import purge_expired

logger = logging.getLogger(__name__)


@shared_task
def purge_idempotency_keys() -> int:
    """Delete the idempotency keys older than a day (beat runs it daily; safe to run twice)."""
    deleted = purge_expired()
    logger.info("Purged %d expired idempotency keys.", deleted)
    return deleted

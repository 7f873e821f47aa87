"""Banking's Celery tasks: what runs after an import, off the request."""

from celery import shared_task

from banking import matching
from banking.models import BankTransaction
from coop.models import Cooperative


@shared_task(acks_late=True)
def suggest_matches(cooperative_id: int, statement_ids: list[int]) -> int:
    """Suggest matches for the transactions of the given statements of a co-op; returns how
    many suggestions were made. Running it twice makes the same suggestions (matching.suggest
    replaces its own earlier ones and keeps what the treasurer chose or set aside)."""
    cooperative = Cooperative.objects.filter(pk=cooperative_id).first()
    if cooperative is None:
        return 0
    transactions = BankTransaction.objects.filter(
        statement_id__in=statement_ids, account__cooperative=cooperative
    )
    return len(matching.suggest(cooperative=cooperative, transactions=transactions))

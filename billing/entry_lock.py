"""Billed hours are locked: a time entry on an invoice keeps its project, day, minutes and
billable flag, and cannot be deleted; its description may still change. Registered with
coop's hours guards in `BillingConfig.ready()`."""

from django.utils.translation import gettext

from billing.models import BilledEntry
from coop.errors import StateConflict
from coop.hours.guards import DELETED
from coop.models import TimeEntry

LOCKED_FIELDS = frozenset({"project", "date", "minutes", "billable", DELETED})


def refuse_billed_changes(entry: TimeEntry, changed: frozenset[str]) -> None:
    if not changed & LOCKED_FIELDS:
        return
    link = (
        BilledEntry.objects.filter(entry_id=entry.pk)
        .select_related("line__invoice")
        .only("line__invoice__number", "line__invoice__status", "line__invoice__id")
        .first()
    )
    if link is None:
        return
    invoice = link.line.invoice
    if invoice.is_draft:
        message = gettext(
            "This entry is on draft invoice #%(id)s; remove its line or delete the draft first."
        ) % {"id": invoice.pk}
    else:
        message = gettext(
            "This entry was billed on invoice %(number)s; correct it with a credit note."
        ) % {"number": invoice.number}
    raise StateConflict(message, code="billed", field="minutes" if DELETED not in changed else None)

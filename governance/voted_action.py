"""What members vote on, sealed when voting opens: a digest of the proposal's action, its payload
and its options, so that closing carries out exactly that and nothing else.

The services refuse any change to a proposal once it is open, but a row can still be edited
around them (a script, a direct UPDATE). The digest is kept in the `proposal.voting_opened`
audit event, which the co-op's hash chain protects (`manage.py verify_audit` finds an edit of
it), not in a column that the same UPDATE could rewrite. When the proposal closes, its action,
and the step an action takes when the proposal did not pass, run only if the proposal still
says what the digest sealed; otherwise nothing is carried out and the refusal is recorded and
shown on the proposal's page.

A proposal that opened before digests were recorded has none, and closes as before.
"""

import hashlib
import json

from django.utils.translation import gettext as _

from coop.models import AuditEvent
from governance.models import Proposal

OPENED = "proposal.voting_opened"
KEY = "action_digest"  # the digest's key in the data of the `proposal.voting_opened` event


def digest(proposal: Proposal) -> str:
    """The SHA-256 of the action, its payload and the options as canonical JSON: sorted keys,
    so that it is the same whatever order the database (PostgreSQL's jsonb) gives back."""
    terms = {
        "action": proposal.action,
        "action_payload": proposal.action_payload,
        "options": proposal.options,
    }
    text = json.dumps(terms, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def sealed_digest(proposal: Proposal) -> str | None:
    """The digest recorded when voting opened (None if the proposal opened without one)."""
    event = (
        AuditEvent.objects.filter(
            cooperative_id=proposal.cooperative_id,
            verb=OPENED,
            object_type=Proposal._meta.label_lower,
            object_id=str(proposal.pk),
        )
        .order_by("-sequence")
        .first()
    )
    value = event.data.get(KEY) if event is not None else None
    return value if isinstance(value, str) else None


def change_since_opening(proposal: Proposal) -> dict[str, str] | None:
    """The digests voted on and found now when the action or its payload was changed after
    voting opened, else None."""
    sealed = sealed_digest(proposal)
    found = digest(proposal)
    if sealed is None or sealed == found:
        return None
    return {"voted": sealed, "found": found}


def refusal() -> str:
    """Why nothing was carried out, for the proposal's page, its minutes and its notice."""
    return _(
        "Not carried out: the action's details were changed after voting opened, so they are "
        "no longer what members voted on. Nothing was changed; an admin should find out who "
        "changed them (the audit log records the refusal)."
    )

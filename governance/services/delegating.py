"""Delegating a member's vote (liquid democracy, open ballots only), and who delegates to whom."""

from django.db import transaction
from django.utils.translation import gettext as _

from coop import clock
from coop.audit import record
from coop.errors import InvalidInput, StateConflict
from coop.models import Member
from governance.models import Delegation, Proposal


def delegate_vote(*, actor: Member, delegate: Member, kind: str = "") -> Delegation:
    """Let `delegate` vote for the actor on open ballots (all kinds, or one); replaces the old."""
    if delegate.cooperative_id != actor.cooperative_id:
        raise InvalidInput(_("You can delegate only to a member of your co-op."), field="delegate")
    if delegate.pk == actor.pk:
        raise InvalidInput(_("You cannot delegate to yourself."), field="delegate")
    if kind and kind not in Proposal.Kind.values:
        raise InvalidInput(_("Unknown proposal kind “%(kind)s”.") % {"kind": kind}, field="kind")
    with transaction.atomic():
        Member.objects.select_for_update().get(pk=actor.pk)
        _revoke(actor, kind)
        delegation = Delegation.objects.create(
            cooperative=actor.cooperative, delegator=actor, delegate=delegate, kind=kind
        )
        record(
            actor.cooperative,
            actor,
            "delegation.given",
            delegation,
            {"delegate": delegate.pk, "kind": kind or "all"},
        )
        return delegation


def revoke_delegation(*, actor: Member, kind: str = "") -> None:
    with transaction.atomic():
        Member.objects.select_for_update().get(pk=actor.pk)
        if not _revoke(actor, kind):
            raise StateConflict(_("You have no delegation for this to revoke."))


def _revoke(actor: Member, kind: str) -> int:
    active = Delegation.objects.filter(delegator=actor, kind=kind, revoked_at__isnull=True)
    revoked = 0
    for delegation in active:
        delegation.revoked_at = clock.now()
        delegation.save(update_fields=["revoked_at"])
        record(actor.cooperative, actor, "delegation.revoked", delegation, {"kind": kind or "all"})
        revoked += 1
    return revoked

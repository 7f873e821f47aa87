"""Approving a departed member's settlement: by the treasurer, or by the members' vote where
the bylaws leave it to one (`put_to_vote`, carried out by the `approve_settlement` action), with
the retention moved to the collective reserve.

`payroll.settlements` drafts the settlement and its schedule; docs/capital.md, "Leaving",
describes the rules. Approval holds the co-op's books (`hold_books`), so that it and a
distribution's approval happen one after the other, never interleaved.
"""

import datetime
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from coop import clock, money
from coop.audit import record
from coop.bylaws_settlement import settlement_terms
from coop.errors import NotAllowed, StateConflict
from coop.hours.services import hold_books
from coop.models import Member, TimeEntry
from coop.models.cooperative import Role
from coop.months import month_label
from coop.services import require_role
from payroll import bookkeeping, redemption_ties
from payroll.capital import capital_balance
from payroll.models import CapitalAccountEntry, Distribution
from payroll.settlement_models import Settlement
from payroll.settlements import (
    _describe,
    _ensure_departed,
    _ensure_draft,
    _locked,
    _vote_in_progress,
    counted_balance,
)

ACTION = "approve_settlement"
MEMBERSHIP = frozenset({"membership"})


def _undistributed_months(member: Member) -> list[datetime.date]:
    """The months the member logged hours in that no approved distribution has covered yet:
    their retained share of those months is not in the balance yet. Months before the co-op's
    first distribution (hours from before it used payroll) are never distributed: not counted."""
    runs = Distribution.objects.filter(cooperative_id=member.cooperative_id).exclude(
        status=Distribution.Status.VOID
    )
    first = runs.order_by("month").values_list("month", flat=True).first()
    if first is None:
        return []
    worked = {
        day.replace(day=1)
        for day in TimeEntry.objects.filter(member=member, date__gte=first)
        .dates("date", "month")
        .order_by()
    }
    distributed = set(
        runs.filter(
            status__in=(Distribution.Status.APPROVED, Distribution.Status.PAID),
            month__in=worked,
        ).values_list("month", flat=True)
    )
    return sorted(worked - distributed)


def approve_settlement(
    *, actor: Member | None, settlement: Settlement, proposal: Any = None
) -> Settlement:
    """Approve a draft: the treasurer does, or, where the bylaws say a vote approves, this puts
    it to a membership vote (whose passing runs `approve_settlement` again, with the proposal).

    The approval moves the retention to the collective reserve and fixes the instalments; the
    distributions pay them from their due month on. Refused (409) while a month the member
    worked in is not distributed yet, or if the account changed since the draft was computed.
    """
    if proposal is not None:
        from governance.actions.registry import require_decided

        require_decided(ACTION, MEMBERSHIP, settlement.cooperative, proposal)
    else:
        require_role(actor, Role.TREASURER)
    with transaction.atomic():
        hold_books(settlement.cooperative)
        settlement = _locked(settlement)
        _ensure_draft(settlement)
        member = settlement.member
        _ensure_departed(member)
        terms = settlement_terms(settlement.cooperative.bylaws)
        if proposal is None and terms.approval == "vote":
            return _put_to_vote(actor, settlement)
        waiting = _undistributed_months(member)
        if waiting:
            raise StateConflict(
                _(
                    "%(member)s worked in %(months)s, not distributed yet: approve that "
                    "distribution first, so that its retained share is in the settlement."
                )
                % {
                    "member": member.display_name,
                    "months": ", ".join(month_label(month) for month in waiting),
                },
                code="months_not_distributed",
            )
        now_counted = counted_balance(member, terms, settlement.settled_on)
        if now_counted != settlement.balance:
            raise StateConflict(
                _(
                    "The capital account changed since this settlement was computed (%(old)s → "
                    "%(new)s): recompute it, check it and approve it again."
                )
                % {
                    "old": money.format_money(settlement.balance, settlement.currency),
                    "new": money.format_money(now_counted, settlement.currency),
                },
                code="settlement_stale",
            )
        settlement.status = Settlement.Status.APPROVED
        settlement.approved_at = clock.now()
        settlement.approved_by = actor
        if proposal is not None:
            settlement.approval_proposal = proposal
        _retain(settlement, actor)
        if not settlement.instalments.exists():
            settlement.status = Settlement.Status.SETTLED
            settlement.settled_at = settlement.approved_at
        settlement.save()
        record(
            settlement.cooperative,
            actor,
            "settlement.approved",
            settlement,
            {**_describe(settlement), "proposal": getattr(proposal, "pk", None)},
        )
        return settlement


def _retain(settlement: Settlement, actor: Member | None) -> None:
    """Move what the account holds beyond the refundable amount to the collective reserve
    (the retention; less, or back, where losses after the cutoff were not the member's)."""
    member = settlement.member
    amount = settlement.refundable - capital_balance(member)
    if not amount:
        return
    entry = CapitalAccountEntry.objects.create(
        cooperative=settlement.cooperative,
        member=member,
        kind=CapitalAccountEntry.Kind.RETENTION,
        amount=amount,
        date=max(settlement.settled_on, clock.today_in(settlement.cooperative)),
        note=_("Kept on leaving under the bylaws (settlement #%(id)s)") % {"id": settlement.pk},
        recorded_by=actor,
    )
    bookkeeping.book_capital_entry(entry, actor=actor)
    redemption_ties.tie_debit(entry, settlement.cooperative)


def _put_to_vote(actor: Member | None, settlement: Settlement) -> Settlement:
    from governance import services as governance
    from governance.floors import floors_for

    if _vote_in_progress(settlement) is not None:
        raise StateConflict(_("Members are already voting on this settlement."))
    if actor is None:
        raise NotAllowed(_("Only the treasurer puts a settlement to the vote."))
    now = clock.now()
    floors = floors_for(settlement.cooperative, "membership")
    opens_at = now + floors.discussion
    currency = settlement.currency
    proposal = governance.create_proposal(
        actor=actor,
        title=_("Approve the settlement of %(member)s")
        % {"member": settlement.member.display_name},
        body=_(
            "%(member)s departed on %(day)s. Their capital account counts %(balance)s: the "
            "bylaws keep %(retained)s for the collective reserve and pay back %(refundable)s in "
            "%(count)s instalments. The schedule is on the settlement page. If this proposal "
            "passes, the settlement is approved."
        )
        % {
            "member": settlement.member.display_name,
            "day": settlement.departed_on.isoformat(),
            "balance": money.format_money(settlement.balance, currency),
            "retained": money.format_money(settlement.retained, currency),
            "refundable": money.format_money(settlement.refundable, currency),
            "count": settlement.instalments.count(),
        },
        kind="membership",
        method="supermajority" if floors.threshold > Fraction(1, 2) else "majority",
        opens_at=opens_at,
        closes_at=opens_at + max(datetime.timedelta(days=7), floors.voting),
        action=ACTION,
        action_payload={"settlement": settlement.pk},
        now=now,
    )
    proposal = governance.open_proposal(actor=actor, proposal=proposal, now=now)
    settlement.approval_proposal = proposal
    settlement.save(update_fields=["approval_proposal"])
    record(
        settlement.cooperative,
        actor,
        "settlement.put_to_vote",
        settlement,
        {"proposal": proposal.pk},
    )
    return settlement

"""Writes of the monthly distribution: draft, recompute, approve (or put to a vote), pay, void."""

import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from coop import clock
from coop.audit import record
from coop.clock import today_in
from coop.errors import NotAllowed, StateConflict
from coop.hours.services import hold_books, lock_period
from coop.models import Cooperative, Member
from coop.models.cooperative import Role
from coop.months import month_bounds, month_label
from coop.services import require_role
from payroll import bookkeeping, capital, claims, enqueue, settlement_payments, shares
from payroll.draft_lines import compute_draft, figures_changed
from payroll.models import (
    CapitalAccountEntry,
    Distribution,
    DistributionPolicy,
    DocumentFailure,
)
from payroll.services.policies import current_policy

CENT = Decimal("0.01")  # the money fields' decimal places


def _locked(distribution: Distribution) -> Distribution:
    return (
        Distribution.objects.select_for_update()
        .select_related("cooperative", "policy")
        .get(pk=distribution.pk)
    )


def create_draft(
    *, actor: Member | None, cooperative: Cooperative, month: datetime.date
) -> Distribution:
    """Compute a draft for the month with the current policy (409 if the month has a run)."""
    require_role(actor, Role.TREASURER)
    month = month.replace(day=1)
    policy = current_policy(cooperative)
    if policy is None:
        raise StateConflict(_("Adopt a distribution policy first."), field="policy")
    with transaction.atomic():
        Cooperative.objects.select_for_update().get(pk=cooperative.pk)
        existing = Distribution.objects.filter(cooperative=cooperative, month=month).exclude(
            status=Distribution.Status.VOID
        )
        if existing.exists():
            raise StateConflict(
                _("%(month)s already has a distribution.") % {"month": month_label(month)},
                field="month",
            )
        distribution = Distribution.objects.create(
            cooperative=cooperative, month=month, policy=policy, currency=cooperative.currency
        )
        compute_draft(distribution)
        record(
            cooperative,
            actor,
            "distribution.drafted",
            distribution,
            {"month": f"{month:%Y-%m}", "policy": policy.version, "surplus": distribution.surplus},
        )
        return distribution


def _open_vote(distribution: Distribution) -> Any:
    proposal = distribution.approval_proposal
    if proposal is None:
        return None
    return proposal if proposal.state in ("draft", "discussion", "voting") else None


def locked_draft(distribution: Distribution) -> Distribution:
    """The draft, locked for a change in the caller's transaction; 409 when it is no longer a
    draft or members are voting on it."""
    distribution = _locked(distribution)
    if distribution.status != Distribution.Status.DRAFT:
        raise StateConflict(
            _(
                "This distribution is %(status)s: it cannot change. "
                "A correction goes into a later month."
            )
            % {"status": distribution.get_status_display()}
        )
    if _open_vote(distribution):
        raise StateConflict(_("Members are voting on this draft: it cannot change meanwhile."))
    return distribution


def recompute_draft(*, actor: Member | None, distribution: Distribution) -> Distribution:
    """Recompute a draft with the month's current data and the current policy."""
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        distribution = _locked(distribution)
        if distribution.status != Distribution.Status.DRAFT:
            raise StateConflict(
                _(
                    "This distribution is %(status)s: it cannot change. "
                    "A correction goes into a later month."
                )
                % {"status": distribution.get_status_display()}
            )
        if _open_vote(distribution):
            raise StateConflict(_("Members are voting on this draft: it cannot change meanwhile."))
        distribution.policy = current_policy(distribution.cooperative) or distribution.policy
        distribution.approval_proposal = None
        compute_draft(distribution)
        record(
            distribution.cooperative,
            actor,
            "distribution.recomputed",
            distribution,
            {"policy": distribution.policy.version, "surplus": distribution.surplus},
        )
        return distribution


def approve_distribution(
    *, actor: Member | None, distribution: Distribution, proposal: Any = None
) -> Distribution:
    """Approve a draft: the treasurer does, or, under a vote policy, this opens the vote.

    Approval locks the month's hours, revenue and expenses, credits the retained shares to the
    capital accounts and makes the payslips, report, CSV and SEPA file (Celery, on commit).
    Two concurrent approvals: the row lock makes the second find it approved (409).
    """
    if proposal is not None:
        from governance.actions.registry import require_decided

        # the same check the action makes: a passed distribution proposal that met the floors
        require_decided(
            "approve_distribution",
            frozenset({"distribution"}),
            distribution.cooperative,
            proposal,
        )
    else:
        require_role(actor, Role.TREASURER)
    with transaction.atomic():
        distribution = _locked(distribution)
        if distribution.status != Distribution.Status.DRAFT:
            raise StateConflict(
                _("This distribution is already %(status)s.")
                % {"status": distribution.get_status_display()}
            )
        first, last = month_bounds(distribution.month)
        if last >= today_in(distribution.cooperative):
            raise StateConflict(
                _("%(month)s is not over yet.") % {"month": month_label(distribution.month)}
            )
        if proposal is None and distribution.policy.approval == DistributionPolicy.Approval.VOTE:
            return _put_to_vote(actor, distribution)
        # Held until the period is locked below: no hours or money of the month change between
        # this check and the lock, so every entry is in this distribution or refused.
        hold_books(distribution.cooperative)
        changed = figures_changed(distribution)
        if changed:
            raise StateConflict(
                _(
                    "The figures of %(month)s changed since this draft was computed "
                    "(%(changed)s): recompute it, check it and approve it again."
                )
                % {"month": month_label(distribution.month), "changed": changed}
            )
        capital.ensure_retained_shares_fit(distribution)
        claims.mark_reimbursed(distribution)
        settlement_payments.pay_instalments(distribution, actor=actor)
        distribution.status = Distribution.Status.APPROVED
        distribution.approved_at = clock.now()
        distribution.approved_by = actor
        if proposal is not None:
            distribution.approval_proposal = proposal
        distribution.save()
        lock_period(
            cooperative=distribution.cooperative,
            month=distribution.month,
            actor=actor,
            reason=f"distribution #{distribution.pk} approved",
        )
        CapitalAccountEntry.objects.bulk_create(
            [
                CapitalAccountEntry(
                    cooperative=distribution.cooperative,
                    member_id=line.member_id or 0,  # member lines always have a member
                    kind=CapitalAccountEntry.Kind.ALLOCATION,
                    amount=line.retained,
                    date=last,
                    distribution=distribution,
                    note=f"Retained share of {month_label(distribution.month)}",
                )
                for line in distribution.lines.filter(kind="member", retained__gt=0)
            ]
        )
        bookkeeping.book_distribution(distribution, actor=actor)
        shares.credit_instalments(distribution, actor=actor)
        record(
            distribution.cooperative,
            actor,
            "distribution.approved",
            distribution,
            {"proposal": getattr(proposal, "pk", None), "member_pool": distribution.member_pool},
        )
        # With the broker down the approval still stands; payroll.tasks.sweep_documents
        # enqueues the files again.
        enqueue.distribution_documents(distribution.pk)
        return distribution


def regenerate_documents(*, actor: Member | None, distribution: Distribution) -> Distribution:
    """Try the files that failed again, after the cause was fixed (treasurer): their failures
    are cleared, so the task makes them anew, with a fresh count of attempts."""
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        distribution = _locked(distribution)
        if distribution.status not in (Distribution.Status.APPROVED, Distribution.Status.PAID):
            raise StateConflict(_("Files are made when the distribution is approved."))
        failures = DocumentFailure.objects.filter(distribution=distribution)
        kinds = sorted(set(failures.values_list("kind", flat=True)))
        count, _deleted = failures.delete()
        record(
            distribution.cooperative,
            actor,
            "distribution.documents_regenerated",
            distribution,
            {"failed": count, "kinds": kinds},
        )
        enqueue.distribution_documents(distribution.pk)
        return distribution


def _put_to_vote(actor: Member | None, distribution: Distribution) -> Distribution:
    from governance import services as governance
    from governance.floors import floors_for

    if _open_vote(distribution):
        raise StateConflict(_("Members are already voting on this draft."))
    if actor is None:
        raise NotAllowed(_("Only the treasurer puts a distribution to the vote."))
    now = clock.now()
    # The discussion and the vote last as long as the bylaws floors of distribution proposals
    # ask, and the vote at least a week.
    floors = floors_for(distribution.cooperative, "distribution")
    opens_at = now + floors.discussion
    proposal = governance.create_proposal(
        actor=actor,
        title=f"Approve the distribution of {month_label(distribution.month)}",
        body=(
            f"Surplus {distribution.surplus} {distribution.currency}: commons "
            f"{distribution.commons}, reserve {distribution.reserve}, education "
            f"{distribution.education}, members {distribution.member_pool}. The draft, line by "
            "line, is on the distribution page."
        ),
        kind="distribution",
        method="supermajority" if floors.threshold > Fraction(1, 2) else "majority",
        opens_at=opens_at,
        closes_at=opens_at + max(datetime.timedelta(days=7), floors.voting),
        action="approve_distribution",
        action_payload={"distribution": distribution.pk},
        now=now,
    )
    proposal = governance.open_proposal(actor=actor, proposal=proposal, now=now)
    distribution.approval_proposal = proposal
    distribution.save(update_fields=["approval_proposal"])
    record(
        distribution.cooperative,
        actor,
        "distribution.put_to_vote",
        distribution,
        {"proposal": proposal.pk},
    )
    return distribution


def mark_paid(*, actor: Member | None, distribution: Distribution) -> Distribution:
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        distribution = _locked(distribution)
        if distribution.status != Distribution.Status.APPROVED:
            raise StateConflict(_("Only an approved distribution can be marked as paid."))
        distribution.status = Distribution.Status.PAID
        distribution.paid_at = clock.now()
        distribution.save(update_fields=["status", "paid_at"])
        bookkeeping.settle_payouts(distribution, actor=actor)
        record(distribution.cooperative, actor, "distribution.paid", distribution, {})
        return distribution


def mark_unpaid(*, actor: Member | None, distribution: Distribution) -> Distribution:
    """Back from paid to approved: a payout the bank statement showed was unmatched again
    (banking.reconciling.undo_match). Nothing of the approved figures changes."""
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        distribution = _locked(distribution)
        if distribution.status != Distribution.Status.PAID:
            raise StateConflict(_("Only a paid distribution can be marked as unpaid."))
        distribution.status = Distribution.Status.APPROVED
        distribution.paid_at = None
        distribution.save(update_fields=["status", "paid_at"])
        # the lines the bank statement shows paid stay paid; the others are taken back
        bookkeeping.settle_payouts(distribution, actor=actor)
        record(distribution.cooperative, actor, "distribution.unpaid", distribution, {})
        return distribution


def void_draft(*, actor: Member | None, distribution: Distribution) -> Distribution:
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        distribution = _locked(distribution)
        if distribution.status != Distribution.Status.DRAFT:
            raise StateConflict(_("Only a draft can be voided."))
        if _open_vote(distribution):
            raise StateConflict(_("Members are voting on this draft: withdraw the vote first."))
        distribution.status = Distribution.Status.VOID
        distribution.save(update_fields=["status"])
        record(distribution.cooperative, actor, "distribution.voided", distribution, {})
        return distribution

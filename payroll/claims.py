"""Members' expense claims: filing, withdrawing, deciding (the treasurer, or a vote above the
bylaws' spending limit), and their reimbursement in the month's distribution."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from coop import clock, money
from coop.audit import record
from coop.clock import today_in
from coop.dates import check_money_date
from coop.errors import InvalidInput, NotAllowed, StateConflict
from coop.hours.services import hold_books
from coop.locale_formats import format_day
from coop.models import Member
from coop.models.cooperative import Role
from coop.months import month_bounds
from coop.services import require_role
from governance.actions.registry import require_decided
from payroll import bookkeeping
from payroll.claim_models import ExpenseClaim
from payroll.models import Distribution, Expense
from payroll.receipts import checked_receipt
from payroll.selectors import spending_limit
from payroll.services.money_checks import (
    _distributed,
    _ensure_month_total_fits,
    _money,
    ensure_money_month_open,
)
from payroll.services.spending import spending_vote_terms

# A phone's photo of a till receipt is a few megabytes; a scanned invoice a few hundred kB.
MAX_RECEIPT_BYTES = 10 * 1024 * 1024
ACTION = "approve_expense_claim"
SPENDING = frozenset({"spending"})


def checked_claim_receipt(upload: Any) -> Any:
    """The receipt if it is a PDF, PNG, JPEG (or WebP) image by content and not too large; an
    `InvalidInput` on `receipt` (a 400) otherwise."""
    if upload is None:
        raise InvalidInput(_("Attach the receipt: a PDF or a photo of it."), field="receipt")
    size = getattr(upload, "size", None) or 0
    if size > MAX_RECEIPT_BYTES:
        raise InvalidInput(
            _("A receipt is at most %(size)s MB; this file is larger.")
            % {"size": MAX_RECEIPT_BYTES // (1024 * 1024)},
            field="receipt",
        )
    return checked_receipt(upload)


def _locked(claim: ExpenseClaim) -> ExpenseClaim:
    return (
        ExpenseClaim.objects.select_for_update()
        .select_related("cooperative", "member")
        .get(pk=claim.pk)
    )


def _ensure_submitted(claim: ExpenseClaim) -> None:
    if claim.status != ExpenseClaim.Status.SUBMITTED:
        raise StateConflict(
            _("This claim is already %(status)s.") % {"status": claim.get_status_display()}
        )


def file_claim(
    *,
    actor: Member,
    amount: Decimal,
    date: datetime.date,
    payee: str,
    category: str,
    receipt: Any,
    note: str = "",
) -> ExpenseClaim:
    """Any active member files a claim for money they spent for the co-op."""
    cooperative = actor.cooperative
    if actor.has_departed:
        raise NotAllowed(_("Only a member of the co-op files an expense claim."))
    amount = _money(cooperative, amount)
    check_money_date(cooperative, date, field="date")
    if date > today_in(cooperative):
        raise InvalidInput(_("A claim is for money already spent: not a future day."), field="date")
    for field, value in (("payee", payee), ("category", category)):
        if not (value or "").strip():
            raise InvalidInput(_("This field is required."), field=field)
    receipt = checked_claim_receipt(receipt)
    with transaction.atomic():
        claim = ExpenseClaim(
            cooperative=cooperative,
            member=actor,
            amount=amount,
            currency=cooperative.currency,
            date=date,
            payee=payee.strip(),
            category=category.strip(),
            note=note,
        )
        claim.receipt = receipt
        claim.save()
        record(cooperative, actor, "expense_claim.filed", claim, claim.describe())
        return claim


def withdraw_claim(*, actor: Member, claim: ExpenseClaim) -> ExpenseClaim:
    """Its member withdraws a claim that is still waiting for a decision."""
    with transaction.atomic():
        claim = _locked(claim)
        if claim.member_id != actor.pk:
            raise NotAllowed(_("Only the member who filed a claim withdraws it."))
        _ensure_submitted(claim)
        if _vote_in_progress(claim) is not None:
            raise StateConflict(_("Members are voting on this claim: it cannot be withdrawn now."))
        claim.status = ExpenseClaim.Status.WITHDRAWN
        claim.save(update_fields=["status"])
        record(claim.cooperative, actor, "expense_claim.withdrawn", claim, {})
        return claim


def _vote_in_progress(claim: ExpenseClaim) -> Any:
    from governance.models import Proposal

    return Proposal.objects.filter(
        cooperative=claim.cooperative,
        action=ACTION,
        action_payload__claim=claim.pk,
        state__in=("draft", "discussion", "voting"),
    ).first()


def _expense_day(claim: ExpenseClaim) -> datetime.date:
    """The claim's day, unless its month was distributed already: then today, the first open
    month, so that the expense still reaches the books (and the member's reimbursement)."""
    if _distributed(claim.cooperative, claim.date) is None:
        return claim.date
    return today_in(claim.cooperative)


def approve_claim(
    *, actor: Member | None, claim: ExpenseClaim, proposal: Any = None
) -> ExpenseClaim:
    """The treasurer approves a claim up to the spending limit; above it only a passed
    `spending` proposal does. The approved claim becomes an approved expense of its month."""
    if proposal is not None:
        require_decided(ACTION, SPENDING, claim.cooperative, proposal)
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        claim = _locked(claim)
        cooperative = claim.cooperative
        _ensure_submitted(claim)
        limit = spending_limit(cooperative)
        if claim.amount > limit and proposal is None:
            raise StateConflict(
                _(
                    "This claim is above the spending limit of %(limit)s: the members decide "
                    "it by a spending proposal."
                )
                % {"limit": money.format_money(limit, cooperative.currency)}
            )
        hold_books(cooperative)
        day = _expense_day(claim)
        ensure_money_month_open(cooperative, day)
        first, last = month_bounds(day)
        _ensure_month_total_fits(
            Expense.objects.filter(cooperative=cooperative, date__range=(first, last)).exclude(
                status=Expense.Status.REJECTED
            ),
            day,
            claim.amount,
        )
        now = clock.now()
        expense = Expense.objects.create(
            cooperative=cooperative,
            category=claim.category,
            amount=claim.amount,
            currency=claim.currency,
            date=day,
            payee=claim.payee,
            note=claim.note,
            receipt=claim.receipt.name,
            status=Expense.Status.APPROVED,
            recorded_by=claim.member,
            decided_by=actor,
            decided_at=now,
            proposal=proposal,
        )
        claim.status = ExpenseClaim.Status.APPROVED
        claim.expense = expense
        claim.decided_by = actor
        claim.decided_at = now
        claim.proposal = proposal
        claim.save()
        bookkeeping.book_expense(expense, actor=actor)  # Cr claims payable: owed to the member
        record(
            cooperative,
            actor,
            "expense_claim.approved",
            claim,
            {"expense": expense.pk, "proposal": getattr(proposal, "pk", None)},
        )
        return claim


def reject_claim(
    *, actor: Member | None, claim: ExpenseClaim, reason: str, proposal: Any = None
) -> ExpenseClaim:
    """The treasurer (or a proposal that did not pass) rejects a claim, saying why."""
    if proposal is None:
        require_role(actor, Role.TREASURER)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the claim is rejected."), field="reason")
    with transaction.atomic():
        claim = _locked(claim)
        _ensure_submitted(claim)
        if proposal is None and _vote_in_progress(claim) is not None:
            raise StateConflict(_("Members are voting on this claim: the vote decides it."))
        claim.status = ExpenseClaim.Status.REJECTED
        claim.rejection_reason = reason
        claim.decided_by = actor
        claim.decided_at = clock.now()
        claim.proposal = proposal
        claim.save()
        record(
            claim.cooperative,
            actor,
            "expense_claim.rejected",
            claim,
            {"reason": reason, "proposal": getattr(proposal, "pk", None)},
        )
        return claim


def draft_claim_proposal(*, actor: Member, claim: ExpenseClaim) -> Any:
    """Draft the spending proposal that decides a claim above the spending limit (the
    treasurer): if it passes the claim is approved, otherwise rejected. Asking again while one
    is in progress gives that one."""
    from governance import services as governance

    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        claim = _locked(claim)
        cooperative = claim.cooperative
        _ensure_submitted(claim)
        limit = spending_limit(cooperative)
        if claim.amount <= limit:
            raise StateConflict(
                _("This claim is within the spending limit: the treasurer decides it.")
            )
        in_progress = _vote_in_progress(claim)
        if in_progress is not None:
            return in_progress
        amount = money.format_money(claim.amount, cooperative.currency)
        return governance.create_proposal(
            actor=actor,
            kind="spending",
            title=_("Reimburse %(member)s %(amount)s paid to %(payee)s")
            % {"member": claim.member.display_name, "amount": amount, "payee": claim.payee},
            body=_(
                "%(member)s paid %(amount)s to %(payee)s (%(category)s) on %(day)s and asks "
                "for it back. It is above the spending limit of %(limit)s, so the members "
                "decide: if this proposal passes, the claim is approved and reimbursed; if "
                "not, it is rejected.%(note)s"
            )
            % {
                "member": claim.member.display_name,
                "payee": claim.payee,
                "category": claim.category,
                "day": format_day(claim.date),
                "amount": amount,
                "limit": money.format_money(limit, cooperative.currency),
                "note": f"\n\n{claim.note}" if claim.note else "",
            },
            action=ACTION,
            action_payload={"claim": claim.pk},
            **spending_vote_terms(cooperative),
        )


def mark_reimbursed(distribution: Distribution) -> int:
    """Inside the approval of a distribution: its reimbursement lines' claims are reimbursed.
    The journal moves when the lines are paid out (`bookkeeping.settle_payouts`): Dr claims
    payable, Cr bank."""
    claim_ids = [
        line.explanation.get("claim")
        for line in distribution.lines.filter(kind="reimbursement").only("explanation")
    ]
    updated = ExpenseClaim.objects.filter(
        cooperative=distribution.cooperative,
        pk__in=[pk for pk in claim_ids if pk],
        status=ExpenseClaim.Status.APPROVED,
    ).update(
        status=ExpenseClaim.Status.REIMBURSED,
        reimbursed_in=distribution,
        reimbursed_at=clock.now(),
    )
    if updated:
        record(
            distribution.cooperative,
            None,
            "expense_claim.reimbursed",
            distribution,
            {"claims": sorted(pk for pk in claim_ids if pk)},
        )
    return updated

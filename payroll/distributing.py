"""Writes of the monthly distribution: draft, recompute, approve (or put to a vote), pay, void."""

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from coop.audit import record
from coop.errors import InvalidInput, InvalidInputs, NotAllowed, StateConflict
from coop.hours.services import lock_period
from coop.models import Cooperative, Member, MemberStatusChange, TimeEntry
from coop.models.cooperative import MemberStatus, Role
from coop.services import require_role, today_in
from payroll import allocation
from payroll.models import (
    CapitalAccountEntry,
    Distribution,
    DistributionLine,
    DistributionPolicy,
    Expense,
    Revenue,
)
from payroll.services import current_policy, month_bounds, month_label, terms_of

WORKING = (MemberStatus.ACTIVE, MemberStatus.PROBATIONARY)


def members_in_run(cooperative: Cooperative, month: datetime.date) -> list[Member]:
    """Members who were active or probationary at any time in the month, or logged hours in it.

    Ordered by id: ties of the largest-remainder split go to the member listed first.
    """
    first, last = month_bounds(month)
    # A status period [effective_on, next change) overlaps the month when it starts before the
    # month ends and the next change (if any) comes after the month starts.
    working: set[int] = set()
    changes = MemberStatusChange.objects.filter(
        member__cooperative=cooperative, effective_on__lte=last
    ).order_by("member_id", "effective_on", "id")
    by_member: dict[int, list[tuple[datetime.date, str]]] = defaultdict(list)
    for member_id, effective_on, status in changes.values_list(
        "member_id", "effective_on", "status"
    ):
        by_member[member_id].append((effective_on, status))
    for member_id, periods in by_member.items():
        for index, (_start, status) in enumerate(periods):
            end = periods[index + 1][0] if index + 1 < len(periods) else None
            if status in WORKING and (end is None or end > first):
                working.add(member_id)
                break
    logged = TimeEntry.objects.filter(
        cooperative=cooperative, date__range=(first, last)
    ).values_list("member_id", flat=True)
    ids = working | set(logged)
    return list(Member.objects.filter(pk__in=ids).select_related("user").order_by("id"))


def month_inputs(
    cooperative: Cooperative, month: datetime.date, policy: DistributionPolicy
) -> tuple[allocation.DistributionInputs, list[Member]]:
    """The month's figures as the pure computation takes them (a fixed number of queries)."""
    first, last = month_bounds(month)
    revenue_rows = Revenue.objects.filter(cooperative=cooperative, received_on__range=(first, last))
    revenue = revenue_rows.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    by_project = {
        str(project_id): total
        for project_id, total in revenue_rows.filter(project__isnull=False)
        .values_list("project_id")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    expenses = Expense.objects.filter(
        cooperative=cooperative, date__range=(first, last), status=Expense.Status.APPROVED
    ).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    members = members_in_run(cooperative, month)
    minutes: dict[int, dict[str, int]] = defaultdict(dict)
    for member_id, project_id, total in (
        TimeEntry.objects.filter(cooperative=cooperative, date__range=(first, last))
        .values_list("member_id", "project_id")
        .annotate(total=Sum("minutes"))
        .order_by()
    ):
        minutes[member_id][str(project_id)] = total
    work = [
        allocation.MemberWork(
            id=str(member.pk),
            # Negative adjustments can outweigh a month's own hours; nobody works < 0 minutes.
            minutes=max(0, sum(minutes[member.pk].values())),
            rate_weight=member.rate_weight,
            minutes_by_project={k: max(0, v) for k, v in minutes[member.pk].items()},
        )
        for member in members
    ]
    inputs = allocation.DistributionInputs(
        currency=cooperative.currency,
        revenue=revenue,
        expenses=expenses,
        losses_carried=_losses_carried(cooperative, month, policy),
        revenue_by_project=by_project,
        policy=terms_of(policy),
        members=work,
    )
    return inputs, members


def _losses_carried(
    cooperative: Cooperative, month: datetime.date, policy: DistributionPolicy
) -> Decimal:
    """The loss of the latest approved month before this one, when the policy carries losses.

    Each month's loss already includes what it carried, so only the latest one is needed.
    """
    if not policy.carry_losses:
        return Decimal("0")
    previous = (
        Distribution.objects.filter(cooperative=cooperative, month__lt=month)
        .filter(status__in=[Distribution.Status.APPROVED, Distribution.Status.PAID])
        .order_by("-month")
        .first()
    )
    return previous.loss if previous else Decimal("0")


def _compute(distribution: Distribution) -> None:
    """(Re)compute a draft's figures and lines from the month's data and its policy."""
    inputs, members = month_inputs(
        distribution.cooperative, distribution.month, distribution.policy
    )
    try:
        result = allocation.compute_distribution(inputs)
    except allocation.PayRatioExceeded as error:
        names = {str(m.pk): m.display_name for m in members}
        message = error.message
        for member_id, name in names.items():
            message = message.replace(f"“{member_id}”", f"{name} (#{member_id})")
        raise StateConflict(message, field="policy") from None
    except allocation.DistributionError as error:
        if error.errors:
            raise InvalidInputs(error.errors) from None
        raise StateConflict(error.message) from None
    by_id = {str(m.pk): m for m in members}
    work = {w.id: w for w in inputs.members}
    for name in ("revenue", "expenses", "losses_carried"):
        setattr(distribution, name, getattr(inputs, name))
    for name in ("surplus", "loss", "commons", "reserve", "education", "member_pool"):
        setattr(distribution, name, getattr(result, name))
    distribution.currency = inputs.currency
    distribution.computed_at = timezone.now()
    distribution.save()
    distribution.lines.all().delete()
    lines = [
        DistributionLine(
            distribution=distribution,
            kind=DistributionLine.Kind.MEMBER,
            member=by_id[line.id],
            name=by_id[line.id].legal_name or by_id[line.id].display_name,
            iban=by_id[line.id].iban,
            minutes=work[line.id].minutes,
            weight=str(line.weight),
            share=line.share,
            cash=line.cash,
            retained=line.retained,
            explanation={
                "method": line.explanation.method,
                "minutes": line.explanation.minutes,
                "weight": line.explanation.weight,
                "fraction_of_pool": line.explanation.fraction_of_pool,
                "text": line.explanation.text,
            },
        )
        for line in result.lines
    ]
    lines += [
        DistributionLine(
            distribution=distribution,
            kind=DistributionLine.Kind.COMMONS,
            name=share.name,
            iban=share.iban or "",
            weight=str(share.weight),
            share=share.amount,
            cash=share.amount,
        )
        for share in result.commons_lines
    ]
    for kind, amount in (
        (DistributionLine.Kind.RESERVE, result.reserve),
        (DistributionLine.Kind.EDUCATION, result.education),
    ):
        if amount:
            lines.append(
                DistributionLine(
                    distribution=distribution,
                    kind=kind,
                    name=str(kind.label),
                    share=amount,
                    retained=amount,
                )
            )
    DistributionLine.objects.bulk_create(lines)


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
        raise StateConflict("Adopt a distribution policy first.", field="policy")
    with transaction.atomic():
        Cooperative.objects.select_for_update().get(pk=cooperative.pk)
        existing = Distribution.objects.filter(cooperative=cooperative, month=month).exclude(
            status=Distribution.Status.VOID
        )
        if existing.exists():
            raise StateConflict(f"{month_label(month)} already has a distribution.", field="month")
        distribution = Distribution.objects.create(
            cooperative=cooperative, month=month, policy=policy, currency=cooperative.currency
        )
        _compute(distribution)
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


def recompute_draft(*, actor: Member | None, distribution: Distribution) -> Distribution:
    """Recompute a draft with the month's current data and the current policy."""
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        distribution = _locked(distribution)
        if distribution.status != Distribution.Status.DRAFT:
            raise StateConflict(
                f"This distribution is {distribution.get_status_display()}: it cannot change. "
                "A correction goes into a later month."
            )
        if _open_vote(distribution):
            raise StateConflict("Members are voting on this draft: it cannot change meanwhile.")
        distribution.policy = current_policy(distribution.cooperative) or distribution.policy
        distribution.approval_proposal = None
        _compute(distribution)
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
    if proposal is None:
        require_role(actor, Role.TREASURER)
    with transaction.atomic():
        distribution = _locked(distribution)
        if distribution.status != Distribution.Status.DRAFT:
            raise StateConflict(
                f"This distribution is already {distribution.get_status_display()}."
            )
        first, last = month_bounds(distribution.month)
        if last >= today_in(distribution.cooperative):
            raise StateConflict(f"{month_label(distribution.month)} is not over yet.")
        if proposal is None and distribution.policy.approval == DistributionPolicy.Approval.VOTE:
            return _put_to_vote(actor, distribution)
        distribution.status = Distribution.Status.APPROVED
        distribution.approved_at = timezone.now()
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
        record(
            distribution.cooperative,
            actor,
            "distribution.approved",
            distribution,
            {"proposal": getattr(proposal, "pk", None), "member_pool": distribution.member_pool},
        )
        from payroll.tasks import generate_documents

        distribution_id = distribution.pk
        # robust: with the broker down the approval still stands; payroll.tasks.sweep_documents
        # enqueues the files again.
        transaction.on_commit(lambda: generate_documents.delay(distribution_id), robust=True)
        return distribution


def _put_to_vote(actor: Member | None, distribution: Distribution) -> Distribution:
    from governance import services as governance

    if _open_vote(distribution):
        raise StateConflict("Members are already voting on this draft.")
    if actor is None:
        raise NotAllowed("Only the treasurer puts a distribution to the vote.")
    now = timezone.now()
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
        opens_at=now,
        closes_at=now + datetime.timedelta(days=7),
        action="approve_distribution",
        action_payload={"distribution": distribution.pk},
    )
    proposal = governance.open_proposal(actor=actor, proposal=proposal)
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
            raise StateConflict("Only an approved distribution can be marked as paid.")
        distribution.status = Distribution.Status.PAID
        distribution.paid_at = timezone.now()
        distribution.save(update_fields=["status", "paid_at"])
        record(distribution.cooperative, actor, "distribution.paid", distribution, {})
        return distribution


def void_draft(*, actor: Member | None, distribution: Distribution) -> Distribution:
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        distribution = _locked(distribution)
        if distribution.status != Distribution.Status.DRAFT:
            raise StateConflict("Only a draft can be voided.")
        if _open_vote(distribution):
            raise StateConflict("Members are voting on this draft: withdraw the vote first.")
        distribution.status = Distribution.Status.VOID
        distribution.save(update_fields=["status"])
        record(distribution.cooperative, actor, "distribution.voided", distribution, {})
        return distribution


def record_capital_entry(
    *,
    actor: Member | None,
    member: Member,
    kind: str,
    amount: Decimal,
    date: datetime.date,
    note: str,
) -> CapitalAccountEntry:
    """A redemption (paid out of the account) or an adjustment (a correction, ±)."""
    require_role(actor, Role.TREASURER)
    if kind not in (CapitalAccountEntry.Kind.REDEMPTION, CapitalAccountEntry.Kind.ADJUSTMENT):
        raise InvalidInput("Record a redemption or an adjustment.", field="kind")
    if not note.strip():
        raise InvalidInput("Say why: the member reads this note.", field="note")
    if not isinstance(amount, Decimal) or amount == 0:
        raise InvalidInput("The amount cannot be zero.", field="amount")
    with transaction.atomic():
        Member.objects.select_for_update().get(pk=member.pk)
        if kind == CapitalAccountEntry.Kind.REDEMPTION:
            balance = capital_balance(member)
            if amount <= 0 or amount > balance:
                raise InvalidInput(
                    f"A redemption is between 0.01 and the balance ({balance}).", field="amount"
                )
            amount = -amount
        entry = CapitalAccountEntry.objects.create(
            cooperative=member.cooperative,
            member=member,
            kind=kind,
            amount=amount,
            date=date,
            note=note.strip(),
            recorded_by=actor,
        )
        record(
            member.cooperative,
            actor,
            f"capital.{kind}",
            entry,
            {"member": member.pk, "amount": str(amount)},
        )
        return entry


def capital_balance(member: Member, until: datetime.date | None = None) -> Decimal:
    entries = CapitalAccountEntry.objects.filter(member=member)
    if until:
        entries = entries.filter(date__lte=until)
    return entries.aggregate(total=Sum("amount"))["total"] or Decimal("0")

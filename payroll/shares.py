"""The buy-in: subscriptions opened at admission, instalments deducted from the cash share of each
distribution, credited to the capital account when it is approved.

A draft's member line keeps the cash that is paid (the net amount the payments CSV, the SEPA
file and the bank reconciliation know); the member's `buyin` line beside it holds, as
`retained`, the instalment taken from that cash. Approval adds the instalment to the
subscription's `amount_paid` and writes a `buyin` capital entry, whose journal entry moves it
from the cash share payable to the members' capital (`payroll.bookkeeping`).
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from coop import money
from coop.audit import record
from coop.bylaws_buyin import BuyinTerms, buyin_terms
from coop.clock import today_in
from coop.errors import InvalidInput, StateConflict
from coop.membership_events import listen
from coop.models import Cooperative, Member
from coop.models.cooperative import Role
from coop.months import month_bounds, month_label
from coop.services import require_role
from payroll import bookkeeping
from payroll.models import CapitalAccountEntry, Distribution, DistributionLine
from payroll.share_models import Subscription

ZERO = Decimal("0")
CENT = Decimal("0.01")


def next_instalment(remaining: Decimal, monthly_max: Decimal | None, cash: Decimal) -> Decimal:
    """The bylaws' rule: an instalment is the least of what remains of the buy-in, the monthly
    maximum (none when it is paid at once) and the member's cash share; never below zero."""
    limits = [remaining, cash] + ([monthly_max] if monthly_max is not None else [])
    return max(min(limits), ZERO)


# Subscriptions -----------------------------------------------------------------------------------


def _create(member: Member, terms: BuyinTerms, on: datetime.date) -> Subscription:
    return Subscription.objects.create(
        cooperative_id=member.cooperative_id,
        member=member,
        shares=terms.shares,
        nominal_value=terms.nominal_value,
        amount_subscribed=terms.amount,
        subscribed_on=on,
    )


def open_subscription_on_admission(member: Member, effective_on: datetime.date) -> None:
    """A member admitted subscribes the bylaws' buy-in (nothing when the bylaws ask none, or the
    member, re-admitted, has their subscription already). Runs in the admission's transaction."""
    terms = buyin_terms(member.cooperative.settings)
    if terms is None or Subscription.objects.filter(member=member).exists():
        return
    subscription = _create(member, terms, effective_on)
    record(
        member.cooperative,
        None,
        "shares.subscribed",
        subscription,
        {"member": member.pk, "shares": terms.shares, "amount": str(terms.amount)},
    )


def close_subscription_on_departure(member: Member, effective_on: datetime.date) -> None:
    """A member who leaves gets their exit date in the register; no further instalment is
    deducted. The reason is the treasurer's to record (`update_register_entry`)."""
    subscription = Subscription.objects.filter(member=member, exited_on__isnull=True).first()
    if subscription is None:
        return
    subscription.exited_on = max(effective_on, subscription.subscribed_on)
    subscription.save(update_fields=["exited_on"])
    record(
        member.cooperative,
        None,
        "shares.exited",
        subscription,
        {"member": member.pk, "exited_on": subscription.exited_on.isoformat()},
    )


def register_listeners() -> None:
    """Called from `PayrollConfig.ready`."""
    listen("admitted", "payroll.shares", open_subscription_on_admission)
    listen("departed", "payroll.shares", close_subscription_on_departure)


def subscribe_member(
    *, actor: Member | None, member: Member, on: datetime.date | None = None
) -> Subscription:
    """Enter a member admitted before the bylaws asked a buy-in in the register, with the
    bylaws' buy-in now (treasurer). 409 when the bylaws ask none or the member has one."""
    require_role(actor, Role.TREASURER)
    cooperative = member.cooperative
    terms = buyin_terms(cooperative.settings)
    if terms is None:
        raise StateConflict(
            _("The bylaws ask no buy-in: set the “buyin” setting first."), field="member"
        )
    if member.joined_on is None or member.status == Member.Status.DEPARTED:
        raise StateConflict(
            _("Only an admitted member who has not left subscribes shares."), field="member"
        )
    with transaction.atomic():
        Member.objects.select_for_update().get(pk=member.pk)
        if Subscription.objects.filter(member=member).exists():
            raise StateConflict(
                _("%(name)s has subscribed shares already.") % {"name": member.display_name},
                field="member",
            )
        subscription = _create(member, terms, on or max(today_in(cooperative), member.joined_on))
        record(
            cooperative,
            actor,
            "shares.subscribed",
            subscription,
            {"member": member.pk, "shares": terms.shares, "amount": str(terms.amount)},
        )
        return subscription


def update_register_entry(
    *,
    actor: Member | None,
    subscription: Subscription,
    address: str | None = None,
    exit_reason: str | None = None,
) -> Subscription:
    """The register's details that the co-op writes down: the address, the reason for leaving
    (treasurer). The figures change only through distributions."""
    require_role(actor, Role.TREASURER)
    changes = {
        name: value.strip()
        for name, value in (("address", address), ("exit_reason", exit_reason))
        if value is not None
    }
    if "exit_reason" in changes and subscription.exited_on is None and changes["exit_reason"]:
        raise StateConflict(
            _("A reason for leaving is recorded once the member has left."), field="exit_reason"
        )
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        changed = {k: v for k, v in changes.items() if getattr(subscription, k) != v}
        if not changed:
            return subscription
        for name, value in changed.items():
            setattr(subscription, name, value)
        subscription.full_clean(exclude=["cooperative", "member"])
        subscription.save(update_fields=list(changed))
        # An address is personal: the audit log says that it changed, not to what.
        record(
            subscription.member.cooperative,
            actor,
            "shares.register_updated",
            subscription,
            {"changed": sorted(changed), "exit_reason": changed.get("exit_reason")},
        )
        return subscription


# Instalments of a draft -------------------------------------------------------------------------


def _pending_elsewhere(cooperative: Cooperative, distribution: Distribution) -> dict[int, Decimal]:
    """The instalments of the co-op's other drafts, by member: not paid yet, but taken."""
    rows = (
        DistributionLine.objects.filter(
            kind=DistributionLine.Kind.BUYIN,
            distribution__cooperative=cooperative,
            distribution__status=Distribution.Status.DRAFT,
        )
        .exclude(distribution=distribution)
        .values("member_id")
        .annotate(total=Sum("retained"))
        .order_by()
    )
    return {row["member_id"]: Decimal(row["total"]).quantize(CENT) for row in rows}


def _open_subscriptions(distribution: Distribution) -> dict[int, Subscription]:
    """The subscriptions a month's draft deducts from: entered by the month's end, not left,
    not paid in full; by member id."""
    last = month_bounds(distribution.month)[1]
    return {
        subscription.member_id: subscription
        for subscription in Subscription.objects.filter(
            cooperative_id=distribution.cooperative_id,
            exited_on__isnull=True,
            subscribed_on__lte=last,
        )
        if subscription.remaining > 0
    }


def _remaining(subscription: Subscription, pending: dict[int, Decimal]) -> Decimal:
    return subscription.remaining - pending.get(subscription.member_id, ZERO)


def draft_instalments(
    distribution: Distribution, cash_shares: dict[int, Decimal]
) -> dict[int, tuple[int, Decimal]]:
    """Each member's instalment in a draft, from their cash share: {member id: (subscription id,
    amount)}, members with nothing to deduct left out (`payroll.draft_lines` asks)."""
    subscriptions = _open_subscriptions(distribution)
    if not subscriptions:
        return {}
    terms = buyin_terms(distribution.cooperative.settings)
    pending = _pending_elsewhere(distribution.cooperative, distribution)
    result = {}
    for member_id, cash in cash_shares.items():
        subscription = subscriptions.get(member_id)
        if subscription is None:
            continue
        # The bylaws' maximum now; a co-op that dropped the buy-in lets those who subscribed
        # finish paying at once.
        monthly_max = terms.monthly_max if terms is not None else None
        amount = next_instalment(_remaining(subscription, pending), monthly_max, cash)
        if amount > 0:
            result[member_id] = (subscription.pk, amount)
    return result


def instalment_lines(distribution: Distribution) -> list[tuple[DistributionLine, DistributionLine]]:
    """The draft's (member line, buy-in line) pairs, by member name."""
    lines = distribution.lines.filter(
        kind__in=[DistributionLine.Kind.MEMBER, DistributionLine.Kind.BUYIN]
    ).order_by("name", "id")
    members = {line.member_id: line for line in lines if line.kind == DistributionLine.Kind.MEMBER}
    return [
        (members[line.member_id], line)
        for line in lines
        if line.kind == DistributionLine.Kind.BUYIN and line.member_id in members
    ]


def set_instalment(
    *, actor: Member | None, distribution: Distribution, member: Member, amount: Decimal
) -> Distribution:
    """Change a member's buy-in instalment in a draft (treasurer); 0 skips this month.

    Refused with a 400 naming the rule: more than the member's cash share this month, more
    than the bylaws' monthly maximum, more than what remains of the buy-in."""
    require_role(actor, Role.TREASURER)
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
        raise InvalidInput(_("The instalment is an amount of at least 0."), field="amount")
    if amount != amount.quantize(CENT):
        raise InvalidInput(_("The instalment is an amount in cents."), field="amount")
    from payroll.distributing import locked_draft

    with transaction.atomic():
        distribution = locked_draft(distribution)
        member_line = distribution.lines.filter(
            kind=DistributionLine.Kind.MEMBER, member=member
        ).first()
        if member_line is None:
            raise InvalidInput(
                _("%(name)s has no share in this distribution.") % {"name": member.display_name},
                field="member",
            )
        subscription = Subscription.objects.select_for_update().filter(member=member).first()
        if subscription is None or subscription.exited_on is not None:
            raise InvalidInput(
                _("%(name)s has no buy-in to pay.") % {"name": member.display_name},
                field="member",
            )
        buyin_line = distribution.lines.filter(
            kind=DistributionLine.Kind.BUYIN, member=member
        ).first()
        before = buyin_line.retained if buyin_line else ZERO
        cash_share = member_line.cash + before
        _check_instalment(distribution, subscription, amount, cash_share)
        member_line.cash = cash_share - amount
        member_line.save(update_fields=["cash"])
        if buyin_line is not None and not amount:
            buyin_line.delete()
        elif buyin_line is not None:
            buyin_line.retained = amount
            buyin_line.save(update_fields=["retained"])
        elif amount:
            DistributionLine.objects.create(
                distribution=distribution,
                kind=DistributionLine.Kind.BUYIN,
                member=member,
                name=member_line.name,
                share=ZERO,
                cash=ZERO,
                retained=amount,
                explanation={"subscription": subscription.pk},
            )
        record(
            distribution.cooperative,
            actor,
            "distribution.buyin_instalment_changed",
            distribution,
            {"member": member.pk, "from": str(before), "to": str(amount)},
        )
        return distribution


def _check_instalment(
    distribution: Distribution, subscription: Subscription, amount: Decimal, cash_share: Decimal
) -> None:
    currency = distribution.currency
    if amount > cash_share:
        raise InvalidInput(
            _(
                "A buy-in instalment is deducted from the member's cash share and never exceeds "
                "it: %(amount)s is more than the cash share of %(cash)s."
            )
            % {
                "amount": money.format_money(amount, currency),
                "cash": money.format_money(cash_share, currency),
            },
            field="amount",
            code="instalment_above_cash_share",
        )
    terms = buyin_terms(distribution.cooperative.settings)
    if terms is not None and terms.monthly_max is not None and amount > terms.monthly_max:
        raise InvalidInput(
            _("The bylaws allow at most %(max)s of the buy-in a month: %(amount)s is more.")
            % {
                "max": money.format_money(terms.monthly_max, currency),
                "amount": money.format_money(amount, currency),
            },
            field="amount",
            code="instalment_above_monthly_max",
        )
    remaining = _remaining(subscription, _pending_elsewhere(distribution.cooperative, distribution))
    if amount > remaining:
        raise InvalidInput(
            _("Only %(remaining)s of the buy-in remains to pay: %(amount)s is more.")
            % {
                "remaining": money.format_money(max(remaining, ZERO), currency),
                "amount": money.format_money(amount, currency),
            },
            field="amount",
            code="instalment_above_remaining",
        )


# Approval -----------------------------------------------------------------------------------


def credit_instalments(distribution: Distribution, *, actor: Member | None) -> None:
    """At approval (in its transaction): each buy-in line is paid into the subscription and
    credited to the member's capital account, its journal entry moving the amount from the cash
    share payable to the members' capital. 409 when a subscription has less left than the
    line (a draft computed before another month paid it): recompute the draft."""
    lines = list(
        distribution.lines.filter(kind=DistributionLine.Kind.BUYIN).select_related("member__user")
    )
    if not lines:
        return
    subscriptions = {
        s.member_id: s
        for s in Subscription.objects.select_for_update().filter(
            member_id__in=[line.member_id for line in lines]
        )
    }
    last = month_bounds(distribution.month)[1]
    for line in lines:
        subscription = subscriptions.get(line.member_id)  # type: ignore[arg-type]
        if subscription is None or line.retained > subscription.remaining:
            raise StateConflict(
                _(
                    "The buy-in instalment of %(name)s is more than what remains of their "
                    "buy-in: recompute the draft."
                )
                % {"name": line.name},
                code="instalment_above_remaining",
            )
        assert line.member is not None  # a buy-in line always has its member
        subscription.amount_paid += line.retained
        subscription.save(update_fields=["amount_paid"])
        entry = CapitalAccountEntry.objects.create(
            cooperative=distribution.cooperative,
            member=line.member,
            kind=CapitalAccountEntry.Kind.BUYIN,
            amount=line.retained,
            date=last,
            distribution=distribution,
            note=f"Buy-in instalment of {month_label(distribution.month)}",
        )
        bookkeeping.book_capital_entry(entry, actor=actor)

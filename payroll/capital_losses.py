"""Losses charged to the collective reserve and the members' capital accounts, and the
collective account (the capital no member holds) kept beside the individual accounts.

The bylaws choose who bears a loss (`loss_allocation`, docs/capital.md "Losses"):
- "patronage" (the ICA system): the members' accounts, each in proportion to the minutes the
  member worked in the loss's period (their patronage of a worker co-op: hours, not
  allocations, which a loss year often has none of);
- "reserve_first": the collective account bears what its balance covers, the rest goes to the
  members by patronage (Spain's Ley 27/1999 art. 59.2 orders it so).
The members' parts are split to the cent by the largest remainder, ties to the lowest member
id. A part that would take an account below zero is refused (409, naming the member) unless
the bylaws allow negative balances (`negative_capital_balance`); nothing is written then.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from coop import clock, money
from coop.audit import lock_chain, record
from coop.dates import check_not_before_founding
from coop.durations import format_minutes
from coop.errors import InvalidInput, StateConflict
from coop.locale_formats import format_day
from coop.models import Cooperative, Member, TimeEntry
from coop.models.cooperative import Role
from coop.months import month_bounds, month_label
from coop.services import require_role
from payroll import bookkeeping, redemption_ties
from payroll.allocation.rounding import largest_remainder
from payroll.capital_models import CapitalLoss, CapitalLossShare
from payroll.models import CapitalAccountEntry, Distribution

ZERO = Decimal("0")
DISTRIBUTED = (Distribution.Status.APPROVED, Distribution.Status.PAID)


# The collective account -----------------------------------------------------------------------


@dataclass(frozen=True)
class CollectiveEntry:
    """One movement of the collective account: `kind` is "reserve" (a distribution's reserve),
    "adjustment" (the other side of a member's adjustment), "retention" (what the bylaws kept
    of a departed member's balance, `payroll.settlements`) or "loss" (a loss it bore)."""

    date: datetime.date
    kind: str
    amount: Decimal
    note: str
    source_id: int
    balance: Decimal = ZERO


KIND_ORDER = {"reserve": 0, "adjustment": 1, "retention": 2, "loss": 3}


def collective_ledger(cooperative: Cooperative) -> list[CollectiveEntry]:
    """The collective account, oldest first, each movement with the balance after it (three
    queries): the reserve of every approved distribution (dated the month's last day), less
    what members' adjustments moved to their accounts, plus what settlements retained of
    departed members' balances, less the losses it bore."""
    rows: list[CollectiveEntry] = []
    distributions = Distribution.objects.filter(
        cooperative=cooperative, status__in=DISTRIBUTED
    ).exclude(reserve=0)
    for distribution in distributions.only("id", "month", "reserve"):
        rows.append(
            CollectiveEntry(
                month_bounds(distribution.month)[1],
                "reserve",
                distribution.reserve,
                _("Reserve of %(month)s") % {"month": month_label(distribution.month)},
                distribution.pk,
            )
        )
    moved = CapitalAccountEntry.objects.filter(
        cooperative=cooperative,
        kind__in=[CapitalAccountEntry.Kind.ADJUSTMENT, CapitalAccountEntry.Kind.RETENTION],
    ).select_related("member__user")
    for entry in moved:
        words = (
            _("Adjustment of %(member)s: %(note)s")
            if entry.kind == CapitalAccountEntry.Kind.ADJUSTMENT
            else _("Retained on leaving, %(member)s: %(note)s")
        )
        rows.append(
            CollectiveEntry(
                entry.date,
                entry.kind,
                -entry.amount,
                words % {"member": entry.member.display_name, "note": entry.note},
                entry.pk,
            )
        )
    for loss in CapitalLoss.objects.filter(cooperative=cooperative, from_reserve__gt=0):
        rows.append(
            CollectiveEntry(
                loss.date,
                "loss",
                -loss.from_reserve,
                _("Loss of %(period)s") % {"period": loss_period_label(loss)},
                loss.pk,
            )
        )
    rows.sort(key=lambda row: (row.date, KIND_ORDER[row.kind], row.source_id))
    balance, ledger = ZERO, []
    for row in rows:
        balance += row.amount
        ledger.append(
            CollectiveEntry(row.date, row.kind, row.amount, row.note, row.source_id, balance)
        )
    return ledger


def collective_balance(cooperative: Cooperative) -> Decimal:
    ledger = collective_ledger(cooperative)
    return ledger[-1].balance if ledger else ZERO


def ensure_losses_stay_covered(
    cooperative: Cooperative, day: datetime.date, amount: Decimal
) -> None:
    """A move of `amount` out of the collective account dated `day` (a member's adjustment
    upwards) may not take away what a loss it already bore counted on: after each such loss
    dated `day` or later, the collective account still holds zero or more; else a 409. Without
    such a loss nothing is checked (an opening balance may take the account below zero)."""
    ledger = collective_ledger(cooperative)
    room = min(
        (row.balance for row in ledger if row.kind == "loss" and row.date >= day), default=None
    )
    if room is not None and amount > room:
        raise StateConflict(
            _(
                "The collective account bore a loss after %(date)s and holds %(room)s after it: "
                "an adjustment of %(amount)s dated then would take it below zero. Date the "
                "adjustment after the loss, or record a smaller one."
            )
            % {
                "date": format_day(day),
                "room": money.format_money(room, cooperative.currency),
                "amount": money.format_money(amount, cooperative.currency),
            },
            field="amount",
            code="collective_account_short",
        )


def _lowest_from(running: list[tuple[datetime.date, Decimal]], day: datetime.date) -> Decimal:
    """The lowest balance an account has from the end of `day` on, given its movements
    (date, amount) oldest first: what a charge dated `day` may take at most."""
    balance = sum((amount for date, amount in running if date <= day), ZERO)
    lowest = balance
    for date, amount in running:
        if date > day:
            balance += amount
            lowest = min(lowest, balance)
    return lowest


# Losses ---------------------------------------------------------------------------------------


def loss_period_label(loss: CapitalLoss) -> str:
    start, end = loss.period_start, loss.period_end
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return str(start.year)
    if (start, end) == month_bounds(start):
        return month_label(start)
    return f"{start.isoformat()} – {end.isoformat()}"


def patronage_minutes(
    cooperative: Cooperative, start: datetime.date, end: datetime.date
) -> dict[int, int]:
    """Each member's minutes worked in the period (corrections included), those above zero."""
    rows = (
        TimeEntry.objects.filter(cooperative=cooperative, date__gte=start, date__lte=end)
        .values_list("member_id")
        .annotate(total=Sum("minutes"))
        .order_by("member_id")
    )
    return {member_id: total for member_id, total in rows if total and total > 0}


def split_by_patronage(amount: Decimal, minutes: dict[int, int], places: int) -> dict[int, Decimal]:
    """`amount` split in proportion to the minutes, to the minor unit, by the largest remainder
    (ties to the lowest member id)."""
    members = sorted(minutes)
    scale = 10**places
    parts = largest_remainder(int(amount * scale), [Fraction(minutes[m]) for m in members])
    return {m: Decimal(part) / scale for m, part in zip(members, parts, strict=True) if part}


def _check_input(
    cooperative: Cooperative, start: datetime.date, end: datetime.date, amount: Decimal
) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise InvalidInput(_("A loss is an amount above zero."), field="amount")
    if money.exceeds_max(amount):
        raise InvalidInput(
            _("The amount is more than the books can hold (%(max)s).")
            % {"max": money.format_max()},
            field="amount",
        )
    places = money.minor_units(cooperative.currency)
    if amount != amount.quantize(Decimal(1).scaleb(-places)):
        raise InvalidInput(
            _("The amount has more decimals than %(currency)s has.")
            % {"currency": cooperative.currency},
            field="amount",
        )
    if end < start:
        raise InvalidInput(_("The period ends before it starts."), field="period_end")
    check_not_before_founding(cooperative, start, field="period_start")
    if end >= clock.today_in(cooperative):
        raise StateConflict(
            _("The period has not ended yet: a loss is charged once its period has ended."),
            code="period_not_ended",
        )


def _check_no_overlap(cooperative: Cooperative, start: datetime.date, end: datetime.date) -> None:
    charged = CapitalLoss.objects.filter(
        cooperative=cooperative, period_start__lte=end, period_end__gte=start
    ).first()
    if charged is not None:
        raise StateConflict(
            _("A loss of %(period)s was charged already; a period's loss is charged once.")
            % {"period": loss_period_label(charged)},
            code="loss_already_charged",
        )


def _check_balances(
    cooperative: Cooperative, shares: dict[int, Decimal], day: datetime.date
) -> None:
    """Refuse (409, naming the members) parts that would take an account below zero, unless
    the bylaws allow negative balances."""
    if cooperative.settings["negative_capital_balance"]:
        return
    movements: dict[int, list[tuple[datetime.date, Decimal]]] = defaultdict(list)
    entries = CapitalAccountEntry.objects.filter(member_id__in=list(shares)).order_by("date", "id")
    for member_id, date, amount in entries.values_list("member_id", "date", "amount"):
        movements[member_id].append((date, amount))
    short = [
        member_id
        for member_id, share in shares.items()
        if _lowest_from(movements[member_id], day) - share < 0
    ]
    if short:
        members = Member.objects.filter(pk__in=short).select_related("user").order_by("pk")
        raise StateConflict(
            _(
                "The loss would take the capital account of %(members)s below zero, and the "
                "bylaws do not allow a negative balance (negative_capital_balance). Nothing was "
                "charged."
            )
            % {
                "members": ", ".join(
                    _("%(member)s (balance %(balance)s, part %(share)s)")
                    % {
                        "member": member.display_name,
                        "balance": money.format_money(
                            _lowest_from(movements[member.pk], day), cooperative.currency
                        ),
                        "share": money.format_money(shares[member.pk], cooperative.currency),
                    }
                    for member in members
                )
            },
            field="amount",
            code="negative_capital_balance",
        )


def record_capital_loss(
    *,
    actor: Member | None,
    cooperative: Cooperative,
    period_start: datetime.date,
    period_end: datetime.date,
    amount: Decimal,
    note: str = "",
) -> CapitalLoss:
    """Charge a period's loss as the bylaws say (the treasurer): to the collective account up
    to its balance first ("reserve_first"), the rest to the members by patronage; dated today."""
    require_role(actor, Role.TREASURER)
    _check_input(cooperative, period_start, period_end, amount)
    method = cooperative.settings["loss_allocation"]
    places = money.minor_units(cooperative.currency)
    today = clock.today_in(cooperative)
    with transaction.atomic():
        minutes = patronage_minutes(cooperative, period_start, period_end)
        # The accounts that may be charged, then the co-op's books: the order a redemption
        # takes (payroll.capital), so that the two wait for each other and never deadlock.
        list(Member.objects.select_for_update().filter(pk__in=list(minutes)).order_by("pk"))
        lock_chain(cooperative)
        _check_no_overlap(cooperative, period_start, period_end)
        from_reserve = ZERO
        if method == CapitalLoss.Method.RESERVE_FIRST:
            running = [(row.date, row.amount) for row in collective_ledger(cooperative)]
            from_reserve = max(ZERO, min(amount, _lowest_from(running, today)))
        rest = amount - from_reserve
        shares = split_by_patronage(rest, minutes, places) if rest and minutes else {}
        if rest and not shares:
            raise StateConflict(
                _(
                    "No member logged hours in the period, so %(amount)s of the loss cannot be "
                    "charged by patronage."
                )
                % {"amount": money.format_money(rest, cooperative.currency)},
                code="no_patronage",
            )
        _check_balances(cooperative, shares, today)
        loss = CapitalLoss.objects.create(
            cooperative=cooperative,
            period_start=period_start,
            period_end=period_end,
            amount=amount,
            method=method,
            from_reserve=from_reserve,
            date=today,
            note=note.strip(),
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        _charge_members(loss, shares, minutes, actor)
        bookkeeping.book_loss_to_reserve(loss, actor=actor)
        record(
            cooperative,
            actor,
            "capital.loss",
            loss,
            {
                "amount": str(amount),
                "method": method,
                "from_reserve": str(from_reserve),
                "shares": {str(member_id): str(share) for member_id, share in shares.items()},
            },
        )
        return loss


def _charge_members(
    loss: CapitalLoss, shares: dict[int, Decimal], minutes: dict[int, int], actor: Member | None
) -> None:
    total_minutes = sum(minutes.values())
    members = Member.objects.filter(pk__in=list(shares)).select_related("user")
    for member in members.order_by("pk"):
        share = shares[member.pk]
        entry = CapitalAccountEntry.objects.create(
            cooperative=loss.cooperative,
            member=member,
            kind=CapitalAccountEntry.Kind.LOSS,
            amount=-share,
            date=loss.date,
            note=_("Loss of %(period)s: your part by patronage, %(hours)s h of %(total)s h worked")
            % {
                "period": loss_period_label(loss),
                "hours": format_minutes(minutes[member.pk]),
                "total": format_minutes(total_minutes),
            },
            recorded_by=actor,
        )
        CapitalLossShare.objects.create(
            loss=loss, member=member, entry=entry, minutes=minutes[member.pk], amount=share
        )
        bookkeeping.book_capital_entry(entry, actor=actor)
        redemption_ties.tie_debit(entry, loss.cooperative)


def capital_losses(cooperative: Cooperative) -> list[CapitalLoss]:
    return list(
        CapitalLoss.objects.filter(cooperative=cooperative)
        .select_related("recorded_by__user")
        .prefetch_related("shares__member__user")
    )

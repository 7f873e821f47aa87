"""Capital accounts: each member's ledger and balance, and the entries a treasurer records.

A member's retained shares are credited by the distribution's approval
(`payroll.distributing`); redemptions and adjustments are recorded here. The balance stays
between zero (unless the bylaws allow a negative balance) and the largest amount the books hold.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from coop import money
from coop.audit import lock_chain, record
from coop.dates import check_money_date
from coop.errors import AmountTooLarge, InvalidInput, StateConflict
from coop.models import Cooperative, Member
from coop.models.cooperative import Role
from coop.services import require_role
from payroll import bookkeeping, capital_losses, redemption_ties
from payroll.capital_presenters import explain
from payroll.models import CapitalAccountEntry, Distribution

CENT = Decimal("0.01")  # the money fields' decimal places
ZERO = Decimal("0")


# Reads ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerEntry:
    entry: CapitalAccountEntry
    balance: Decimal
    # How an interest or loss entry was computed, in sentences (payroll.capital_presenters).
    explanation: tuple[str, ...] = ()


@dataclass(frozen=True)
class CapitalBalance:
    member: Member
    balance: Decimal


def capital_balance(member: Member, until: datetime.date | None = None) -> Decimal:
    """The member's balance, with the entries dated up to `until` if given (one query)."""
    entries = CapitalAccountEntry.objects.filter(member=member)
    if until:
        entries = entries.filter(date__lte=until)
    total = entries.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    # SQLite sums decimals as floats: credits and debits that cancel leave 9.80000000000001.
    return total.quantize(CENT)


def capital_ledger(member: Member) -> list[LedgerEntry]:
    """The member's capital account entries, oldest first, each with the balance after it."""
    entries = CapitalAccountEntry.objects.filter(
        cooperative_id=member.cooperative_id, member=member
    ).select_related("distribution", "recorded_by__user", "interest_line__run", "loss_share__loss")
    currency = member.cooperative.currency
    return list(_running(entries.order_by("date", "id"), currency))


def _running(entries: Iterable[CapitalAccountEntry], currency: str) -> Iterable[LedgerEntry]:
    balance = ZERO
    for entry in entries:
        balance += entry.amount
        yield LedgerEntry(entry, balance, tuple(explain(entry, currency)))


def capital_balances(cooperative: Cooperative) -> list[CapitalBalance]:
    """Every member with an account or a current membership, and their balance (two queries)."""
    totals = dict(
        CapitalAccountEntry.objects.filter(cooperative=cooperative)
        .values_list("member_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    members = (
        Member.objects.filter(cooperative=cooperative)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    return [
        CapitalBalance(member, totals.get(member.pk, ZERO))
        for member in members
        if member.pk in totals or member.status != Member.Status.DEPARTED
    ]


# Writes ---------------------------------------------------------------------------------------


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
        raise InvalidInput(_("Record a redemption or an adjustment."), field="kind")
    if not note.strip():
        raise InvalidInput(_("Say why: the member reads this note."), field="note")
    if not isinstance(amount, Decimal) or amount == 0:
        raise InvalidInput(_("The amount cannot be zero."), field="amount")
    check_money_date(member.cooperative, date, field="date")
    if kind == CapitalAccountEntry.Kind.REDEMPTION and amount < 0:
        raise InvalidInput(_("A redemption is a positive amount."), field="amount")
    with transaction.atomic():
        Member.objects.select_for_update().get(pk=member.pk)
        if kind == CapitalAccountEntry.Kind.REDEMPTION:
            amount = -amount
        _ensure_capital_balance_allowed(member, amount)
        if kind == CapitalAccountEntry.Kind.ADJUSTMENT and amount > 0:
            # Taken from the collective account: the member, then the co-op's books, as a
            # loss locks them (payroll.capital_losses), so a loss and this wait for each other.
            lock_chain(member.cooperative)
            capital_losses.ensure_losses_stay_covered(member.cooperative, date, amount)
        entry = CapitalAccountEntry.objects.create(
            cooperative=member.cooperative,
            member=member,
            kind=kind,
            amount=amount,
            date=date,
            note=note.strip(),
            recorded_by=actor,
        )
        bookkeeping.book_capital_entry(entry, actor=actor)
        redemption_ties.tie_debit(entry, member.cooperative)
        record(
            member.cooperative,
            actor,
            f"capital.{kind}",
            entry,
            {"member": member.pk, "amount": str(amount)},
        )
        return entry


def ensure_retained_shares_fit(distribution: Distribution) -> None:
    """Refuse (409) an approval whose retained shares and buy-in instalments would take a
    capital account beyond the largest amount the books hold (two queries, whatever the
    number of members)."""
    retained = dict(
        distribution.lines.filter(kind__in=["member", "buyin"], retained__gt=0)
        .values("member_id")
        .annotate(total=Sum("retained"))
        .values_list("member_id", "total")
        .order_by()
    )
    balances = (
        CapitalAccountEntry.objects.filter(member_id__in=retained)
        .values("member_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in balances:
        added = Decimal(retained[row["member_id"]]).quantize(CENT)
        balance = Decimal(row["total"]).quantize(CENT) + added
        if money.exceeds_max(balance):
            raise AmountTooLarge(
                _(
                    "The capital account of member #%(member)s would reach %(balance)s, more "
                    "than the books can hold (%(max)s)."
                )
                % {
                    "member": row["member_id"],
                    "balance": money.format_money(balance, distribution.currency),
                    "max": money.format_max(),
                }
            )


def _ensure_capital_balance_allowed(member: Member, amount: Decimal) -> None:
    """After an entry of `amount`, a capital account stays between zero (unless the bylaws allow
    a negative balance: the member then owes the co-op) and the largest amount the books hold;
    else a 409. A credit to an account already below zero is always welcome."""
    before = capital_balance(member)
    balance = before + amount
    if money.exceeds_max(balance):
        raise AmountTooLarge(
            _(
                "The capital account would reach %(balance)s, more than the books can hold "
                "(%(max)s)."
            )
            % {"balance": balance, "max": money.format_max()},
            field="amount",
        )
    allowed = member.cooperative.settings["negative_capital_balance"]
    if amount < 0 and balance < 0 and not allowed:
        raise StateConflict(
            _(
                "This would take the capital account below zero (%(balance)s): the balance is "
                "%(before)s. The bylaws do not allow a negative balance."
            )
            % {"balance": balance, "before": before},
            field="amount",
            code="negative_capital_balance",
        )

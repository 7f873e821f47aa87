"""Tying each debit of a capital account to the credits it takes, and reading those ties.

Every service that writes a debit (a redemption by the treasurer, a settlement instalment, a
loss charged, what the bylaws keep on leaving, a correction downwards) calls `tie_debit` in its
transaction: the debit takes what is outstanding of the member's earlier credits, in the order
the bylaws set (`payroll.redemption_order`), and the parts are stored (`CapitalEntryTie`), so
that a filed 1099-PATR can be reproduced whatever the bylaws say later. Which credits are
notices is read with the bylaws' `buyin_instalments` (`payroll.redemption_order.is_notice`): under
the default, a buy-in instalment is part of its year's notice. docs/capital.md, "Which
allocations a redemption pays", has the rules and the sources.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from coop.audit import lock_chain
from coop.models import Cooperative, Member
from payroll.capital_models import CapitalEntryTie
from payroll.models import CapitalAccountEntry
from payroll.redemption_order import Credit, draw, is_notice

CENT = Decimal("0.01")
ZERO = Decimal("0")
ALLOCATION = CapitalAccountEntry.Kind.ALLOCATION
BUYIN = CapitalAccountEntry.Kind.BUYIN
REDEMPTION = CapitalAccountEntry.Kind.REDEMPTION


def _money(value: object) -> Decimal:
    # SQLite sums decimals as floats: quantize what an aggregate returns.
    return Decimal(str(value or 0)).quantize(CENT)


def buyin_instalments(cooperative: Cooperative) -> str:
    """The bylaws' `buyin_instalments`: "notice" (the default) or "money"."""
    return str(cooperative.settings["buyin_instalments"])


def notice_credits(cooperative: Cooperative, prefix: str = "") -> Q:
    """The capital entries that are parts of a written notice under the bylaws (`prefix`: the
    path to the entry, "credit__" from a tie): allocations, and buy-in instalments taken from a
    distribution's cash share under `buyin_instalments: "notice"`."""
    notices = Q(**{f"{prefix}kind": ALLOCATION})
    if is_notice(BUYIN, buyin_instalments(cooperative)):
        notices |= Q(**{f"{prefix}kind": BUYIN, f"{prefix}distribution__isnull": False})
    return notices


def outstanding_credits(
    member_id: int,
    *,
    until: datetime.date,
    exclude: int | None = None,
    buyin_instalments: str = "notice",
) -> list[Credit]:
    """The member's credits dated up to `until` with what is still outstanding of each, each
    a notice or not as the bylaws' `buyin_instalments` says (one query)."""
    entries = CapitalAccountEntry.objects.filter(member_id=member_id, amount__gt=0, date__lte=until)
    if exclude is not None:
        entries = entries.exclude(pk=exclude)
    rows = entries.annotate(taken=Sum("drawn_by__amount")).values_list(
        "pk", "date", "kind", "distribution_id", "amount", "taken"
    )
    return [
        Credit(
            pk,
            date,
            is_notice(kind, buyin_instalments, from_cash_share=distribution_id is not None),
            amount - _money(taken),
        )
        for pk, date, kind, distribution_id, amount, taken in rows
        if amount - _money(taken) > 0
    ]


def tie_debit(entry: CapitalAccountEntry, cooperative: Cooperative) -> list[CapitalEntryTie]:
    """Inside the transaction that wrote `entry` (a debit): store the parts of the member's
    earlier credits it takes. The co-op's audit chain is locked first (as every write's audit
    event locks it), so that two debits of one account never take the same credit twice."""
    if entry.amount >= 0:
        return []
    lock_chain(cooperative)
    settings = cooperative.settings
    parts = draw(
        -entry.amount,
        outstanding_credits(
            entry.member_id,
            until=entry.date,
            exclude=entry.pk,
            buyin_instalments=settings["buyin_instalments"],
        ),
        redemption_order=settings["redemption_order"],
        member_capital_redeemed=settings["member_capital_redeemed"],
    )
    return CapitalEntryTie.objects.bulk_create(
        CapitalEntryTie(
            cooperative_id=entry.cooperative_id,
            member_id=entry.member_id,
            debit=entry,
            credit_id=credit_id,
            amount=amount,
        )
        for credit_id, amount in parts
    )


@dataclass(frozen=True)
class NoticeRedemption:
    """One debit's part of a year's notice: paid back (a redemption) or cancelled."""

    date: datetime.date
    kind: str  # the debit's kind: redemption, loss, retention, adjustment
    label: str
    amount: Decimal


@dataclass(frozen=True)
class NoticeStanding:
    """What of a year's notice of allocation the capital account still holds."""

    allocated: Decimal
    parts: tuple[NoticeRedemption, ...]

    @property
    def redeemed(self) -> Decimal:
        return sum((p.amount for p in self.parts if p.kind == REDEMPTION), ZERO)

    @property
    def cancelled(self) -> Decimal:
        return sum((p.amount for p in self.parts if p.kind != REDEMPTION), ZERO)

    @property
    def outstanding(self) -> Decimal:
        return self.allocated - self.redeemed - self.cancelled


def notice_standing(member: Member, year: int) -> NoticeStanding:
    """The credits of `year`'s notice in the member's account (its allocations, and its buy-in
    instalments when the bylaws make them part of the notice) and the debits that took them,
    oldest first (two queries)."""
    cooperative = member.cooperative
    allocated = (
        CapitalAccountEntry.objects.filter(member=member, date__year=year)
        .filter(notice_credits(cooperative))
        .aggregate(total=Sum("amount"))["total"]
    )
    ties = (
        CapitalEntryTie.objects.filter(member=member, credit__date__year=year)
        .filter(notice_credits(cooperative, "credit__"))
        .select_related("debit")
        .order_by("debit__date", "debit_id")
    )
    parts: dict[int, NoticeRedemption] = {}
    for tie in ties:
        debit = tie.debit
        before = parts.get(debit.pk)
        parts[debit.pk] = NoticeRedemption(
            debit.date,
            debit.kind,
            debit.get_kind_display(),
            (before.amount if before else ZERO) + tie.amount,
        )
    return NoticeStanding(_money(allocated), tuple(parts.values()))


@dataclass(frozen=True)
class RedeemedPart:
    """A part of a redemption paid in a year, and the credit it paid back."""

    member_id: int
    redeemed_on: datetime.date
    amount: Decimal
    is_notice: bool
    notice_year: int  # the year of the allocation's notice (of the credit, if not a notice)


def redemptions_of(cooperative: Cooperative, year: int) -> list[RedeemedPart]:
    """Every part of the co-op's redemptions dated in `year`, each a part of a notice or not as
    the bylaws' `buyin_instalments` says (one query)."""
    setting = buyin_instalments(cooperative)
    ties = CapitalEntryTie.objects.filter(
        cooperative=cooperative, debit__kind=REDEMPTION, debit__date__year=year
    ).values_list(
        "member_id",
        "debit__date",
        "amount",
        "credit__kind",
        "credit__distribution_id",
        "credit__date",
    )
    return [
        RedeemedPart(
            member_id,
            day,
            amount,
            is_notice(kind, setting, from_cash_share=distribution_id is not None),
            credit_day.year,
        )
        for member_id, day, amount, kind, distribution_id, credit_day in ties
    ]


def untied_redemptions(cooperative: Cooperative, year: int) -> dict[int, Decimal]:
    """By member, what of their redemptions dated in `year` paid more than the account's
    credits (the account went below zero, as the bylaws allowed): tied to nothing (two
    queries)."""
    paid = (
        CapitalAccountEntry.objects.filter(cooperative=cooperative, kind=REDEMPTION)
        .filter(date__year=year)
        .values_list("member_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    tied = dict(
        CapitalEntryTie.objects.filter(
            cooperative=cooperative, debit__kind=REDEMPTION, debit__date__year=year
        )
        .values_list("member_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    result = {}
    for member_id, total in paid:
        left = -_money(total) - _money(tied.get(member_id))
        if left > 0:
            result[member_id] = left
    return result


def outstanding_by_credit(member: Member) -> Iterable[tuple[CapitalAccountEntry, Decimal]]:
    """Each credit of the member's account with what is still outstanding of it (one query)."""
    credits = (
        CapitalAccountEntry.objects.filter(member=member)
        .filter(Q(amount__gt=0))
        .annotate(taken=Sum("drawn_by__amount"))
        .order_by("date", "id")
    )
    for credit in credits:
        yield credit, credit.amount - _money(credit.taken)  # type: ignore[attr-defined]

"""Paying settlements: each distribution pays the instalments due by its month on redemption
lines, and its approval debits them from the departed members' capital accounts.

Called inside a distribution's draft (`payroll.draft_lines`) and approval
(`payroll.distributing`), which hold the co-op's books: an instalment is paid once.
"""

import datetime
from typing import Any

from django.utils.translation import gettext as _

from books.charts import Role as Account
from books.journal import credit, debit, post
from books.models import EntryKind
from coop import clock
from coop.audit import record
from coop.errors import StateConflict
from coop.models import Member
from coop.months import month_bounds
from payroll import bookkeeping, redemption_ties
from payroll.models import CapitalAccountEntry, Distribution, DistributionLine
from payroll.settlement_models import Settlement, SettlementInstalment

INTEREST = "payroll.settlementinstalment"  # the journal source of an instalment's interest


def instalments_due(cooperative: Any, month: datetime.date) -> list[SettlementInstalment]:
    """The unpaid instalments of approved settlements due in `month` or before: the month's
    distribution pays each on a redemption line."""
    return list(
        SettlementInstalment.objects.filter(
            settlement__cooperative=cooperative,
            settlement__status=Settlement.Status.APPROVED,
            paid_line__isnull=True,
            due_month__lte=month.replace(day=1),
        )
        .select_related("settlement")
        .order_by("due_month", "settlement_id", "number")
    )


def pay_instalments(distribution: Distribution, *, actor: Member | None) -> int:
    """Inside the approval of a distribution (the books held): its redemption lines pay their
    instalments. Each instalment is debited from the member's capital account (a redemption)
    and the interest is booked as interest on capital (`capital_interest`, an expense beside
    the approved expenses); a settlement whose instalments are all paid is settled. A line
    whose instalment another distribution paid meanwhile refuses the approval (409):
    recompute the draft."""
    lines = list(distribution.lines.filter(kind=DistributionLine.Kind.REDEMPTION))
    if not lines:
        return 0
    wanted = [line.explanation.get("instalment") for line in lines]
    found = {
        part.pk: part
        for part in SettlementInstalment.objects.select_for_update()
        .filter(
            pk__in=[pk for pk in wanted if pk], settlement__cooperative=distribution.cooperative
        )
        .select_related("settlement__member__user")
    }
    now, last_day = clock.now(), month_bounds(distribution.month)[1]
    touched: set[int] = set()
    for line in lines:
        part = found.get(line.explanation.get("instalment"))
        if (
            part is None
            or part.paid_line_id is not None
            or part.settlement.status != Settlement.Status.APPROVED
            or part.amount + part.interest != line.cash
        ):
            raise StateConflict(
                _(
                    "A settlement instalment of this draft was paid or changed since it was "
                    "computed: recompute it, check it and approve it again."
                ),
                code="instalment_paid",
            )
        part.paid_line, part.paid_at = line, now
        part.save(update_fields=["paid_line", "paid_at"])
        _redeem(part, distribution, last_day, actor)
        touched.add(part.settlement_id)
    for settlement in Settlement.objects.select_for_update().filter(pk__in=touched):
        if not settlement.instalments.filter(paid_line__isnull=True).exists():
            settlement.status, settlement.settled_at = Settlement.Status.SETTLED, now
            settlement.save(update_fields=["status", "settled_at"])
            record(
                distribution.cooperative,
                actor,
                "settlement.settled",
                settlement,
                {"distribution": distribution.pk},
            )
    record(
        distribution.cooperative,
        actor,
        "settlement.instalments_paid",
        distribution,
        {"instalments": sorted(found)},
    )
    return len(lines)


def _redeem(
    part: SettlementInstalment,
    distribution: Distribution,
    day: datetime.date,
    actor: Member | None,
) -> None:
    settlement, member = part.settlement, part.settlement.member
    entry = CapitalAccountEntry.objects.create(
        cooperative=distribution.cooperative,
        member=member,
        kind=CapitalAccountEntry.Kind.REDEMPTION,
        amount=-part.amount,
        date=day,
        distribution=distribution,
        note=_("Settlement instalment %(number)s of %(count)s")
        % {"number": part.number, "count": settlement.instalments.count()},
        recorded_by=actor,
    )
    bookkeeping.book_capital_entry(entry, actor=actor)  # Dr capital, Cr members payable
    redemption_ties.tie_debit(entry, distribution.cooperative)
    if part.interest:
        post(
            cooperative=distribution.cooperative,
            date=day,
            kind=EntryKind.CAPITAL,
            description=_("Interest on the unpaid settlement of %(member)s")
            % {"member": member.display_name},
            lines=[
                debit(Account.CAPITAL_INTEREST, part.interest),
                credit(Account.MEMBERS_PAYABLE, part.interest, member=member),
            ],
            source=(INTEREST, part.pk),
            actor=actor,
        )

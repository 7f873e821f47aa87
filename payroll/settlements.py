"""Settlements of departed members: drafted on departure, recomputed and rescheduled while a
draft; `payroll.settlement_approval` approves them (the treasurer or a vote), and
`payroll.settlement_payments` pays them with the monthly distributions until settled.

docs/capital.md, "Leaving", describes the rules; `payroll.settlement_schedule` computes the
figures. Approval holds the co-op's books (`hold_books`), as a distribution's approval does:
approving a settlement and approving a distribution happen one after the other, never
interleaved, so an instalment is paid once and a retained share is never left out.
"""

import datetime
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from coop import money
from coop.audit import record
from coop.bylaws_settlement import (
    DEFAULT_SETTLEMENT,
    MAX_INSTALMENTS,
    SettlementTerms,
    settlement_terms,
)
from coop.errors import AmountTooLarge, InvalidInput, StateConflict
from coop.models import Member
from coop.models.cooperative import MemberStatus, Role
from coop.services import require_role
from payroll import settlement_schedule as schedule
from payroll.capital import CENT
from payroll.models import CapitalAccountEntry
from payroll.settlement_models import Settlement, SettlementInstalment

ZERO = Decimal("0")


# Figures ---------------------------------------------------------------------------------------


def counted_balance(member: Member, terms: SettlementTerms, settled_on: datetime.date) -> Decimal:
    """The capital account the payout is computed from: every credit, and the debits dated up
    to the settlement date (the member bears losses until then) or, where the bylaws say the
    member bears none after leaving, up to the departure."""
    assert member.departed_on is not None
    cutoff = settled_on if terms.bears_losses else member.departed_on
    total = (
        CapitalAccountEntry.objects.filter(member=member)
        .filter(Q(amount__gt=0) | Q(date__lte=cutoff))
        .aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    return Decimal(total).quantize(CENT)


def _figures(settlement: Settlement, member: Member) -> list[schedule.Instalment]:
    """Fill the settlement's figures from the bylaws and the account; its instalments."""
    terms = settlement_terms(member.cooperative.bylaws)
    assert member.departed_on is not None
    settlement.departed_on = member.departed_on
    settlement.settled_on = member.departed_on + relativedelta(months=terms.notice_months)
    stored = (member.cooperative.bylaws or {}).get("settlement") or {}
    settlement.terms = {**DEFAULT_SETTLEMENT, **stored}  # every term, as computed with
    settlement.balance = counted_balance(member, terms, settlement.settled_on)
    settlement.refundable = schedule.refundable_part(settlement.balance, terms.refundable_share)
    settlement.retained = max(settlement.balance, ZERO) - settlement.refundable
    return schedule.schedule(
        refundable=settlement.refundable,
        count=terms.instalments,
        first_due=schedule.first_due_month(
            settled_on=settlement.settled_on, start=terms.start, start_months=terms.start_months
        ),
        months_between=terms.months_between,
        interest_rate=terms.interest_rate,
        settled_on=settlement.settled_on,
    )


def _store_instalments(settlement: Settlement, instalments: list[schedule.Instalment]) -> None:
    for part in instalments:
        if money.exceeds_max(part.total):
            raise AmountTooLarge(
                _(
                    "Instalment %(number)s with its interest would be %(total)s, more than the "
                    "books can hold (%(max)s)."
                )
                % {"number": part.number, "total": part.total, "max": money.format_max()},
                field="instalments",
            )
    settlement.instalments.all().delete()
    SettlementInstalment.objects.bulk_create(
        SettlementInstalment(
            settlement=settlement,
            number=part.number,
            due_month=part.due_month,
            amount=part.amount,
            interest=part.interest,
        )
        for part in instalments
    )


def _ensure_departed(member: Member) -> None:
    """A settlement is for a departed member (a 400 naming the rule): also when one who was
    admitted again has a draft left from before."""
    if member.status != MemberStatus.DEPARTED or member.departed_on is None:
        raise InvalidInput(
            _(
                "A settlement is for a member who has departed; %(member)s is %(status)s. "
                "Record the departure first."
            )
            % {"member": member.display_name, "status": member.get_status_display()},
            field="member",
            code="member_not_departed",
        )


def _locked(settlement: Settlement) -> Settlement:
    return (
        Settlement.objects.select_for_update()
        .select_related("cooperative", "member__user", "member__cooperative")
        .get(pk=settlement.pk)
    )


def _ensure_draft(settlement: Settlement) -> None:
    if settlement.status != Settlement.Status.DRAFT:
        raise StateConflict(
            _("This settlement is already %(status)s: it cannot change.")
            % {"status": settlement.get_status_display()}
        )


def _describe(settlement: Settlement) -> dict[str, Any]:
    return {
        "member": settlement.member_id,
        "balance": str(settlement.balance),
        "retained": str(settlement.retained),
        "refundable": str(settlement.refundable),
    }


# Drafting --------------------------------------------------------------------------------------


def draft_settlement(*, actor: Member | None, member: Member) -> Settlement:
    """Draft the settlement of a departed member from the bylaws and their capital account;
    the member's existing settlement if there is one. The status change drafts it (the system
    actor); the treasurer may too, for a member who departed before settlements existed."""
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        member = Member.objects.select_for_update().select_related("cooperative").get(pk=member.pk)
        _ensure_departed(member)
        existing = Settlement.objects.filter(member=member).first()
        if existing is not None:
            return existing
        settlement = Settlement(
            cooperative=member.cooperative, member=member, currency=member.cooperative.currency
        )
        instalments = _figures(settlement, member)
        settlement.save()
        _store_instalments(settlement, instalments)
        record(member.cooperative, actor, "settlement.drafted", settlement, _describe(settlement))
        return settlement


def recompute_settlement(*, actor: Member | None, settlement: Settlement) -> Settlement:
    """Compute a draft again from the bylaws and the capital account as they are now."""
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        settlement = _locked(settlement)
        _ensure_draft(settlement)
        _refuse_while_voting(settlement)
        _ensure_departed(settlement.member)
        instalments = _figures(settlement, settlement.member)
        settlement.approval_proposal = None
        settlement.save()
        _store_instalments(settlement, instalments)
        record(
            settlement.cooperative,
            actor,
            "settlement.recomputed",
            settlement,
            _describe(settlement),
        )
        return settlement


def set_schedule(
    *, actor: Member | None, settlement: Settlement, instalments: list[dict[str, Any]]
) -> Settlement:
    """The treasurer agrees another schedule with the member: each instalment a due month and
    an amount. It pays the refundable amount exactly, never more than the balance; the
    interest follows the bylaws' rate on what is still unpaid."""
    require_role(actor, Role.TREASURER)
    parts = _checked_schedule(instalments)
    with transaction.atomic():
        settlement = _locked(settlement)
        _ensure_draft(settlement)
        _refuse_while_voting(settlement)
        last = settlement.settled_on.replace(day=1) + relativedelta(months=MAX_INSTALMENTS)
        if parts[-1][0] > last:
            raise InvalidInput(
                _("The last instalment falls within %(years)s years of the settlement date.")
                % {"years": MAX_INSTALMENTS // 12},
                field="instalments",
            )
        total = sum((amount for _month, amount in parts), ZERO)
        currency = settlement.currency
        if total > max(settlement.balance, ZERO):
            raise InvalidInput(
                _(
                    "This schedule pays %(total)s, more than the balance of %(balance)s: a "
                    "settlement pays at most the member's capital account."
                )
                % {
                    "total": money.format_money(total, currency),
                    "balance": money.format_money(settlement.balance, currency),
                },
                field="instalments",
                code="schedule_exceeds_balance",
            )
        if total != settlement.refundable:
            raise InvalidInput(
                _(
                    "This schedule pays %(total)s; the bylaws make %(refundable)s refundable: "
                    "the instalments add up to it."
                )
                % {
                    "total": money.format_money(total, currency),
                    "refundable": money.format_money(settlement.refundable, currency),
                },
                field="instalments",
                code="schedule_not_refundable",
            )
        rate = settlement_terms(settlement.cooperative.bylaws).interest_rate
        _store_instalments(
            settlement, schedule.with_interest(parts, rate, settled_on=settlement.settled_on)
        )
        record(
            settlement.cooperative,
            actor,
            "settlement.rescheduled",
            settlement,
            {"instalments": [[f"{m:%Y-%m}", str(a)] for m, a in parts]},
        )
        return settlement


def _checked_schedule(instalments: Any) -> list[tuple[datetime.date, Decimal]]:
    if not isinstance(instalments, list) or not instalments:
        raise InvalidInput(_("Give at least one instalment."), field="instalments")
    parts = []
    for item in instalments:
        month, amount = (item or {}).get("due_month"), (item or {}).get("amount")
        if not isinstance(month, datetime.date):
            raise InvalidInput(_("Each instalment has a due month."), field="instalments")
        if not isinstance(amount, Decimal) or amount <= 0 or amount != amount.quantize(CENT):
            raise InvalidInput(
                _("Each instalment is an amount of at least 0.01, in cents."),
                field="instalments",
            )
        parts.append((month.replace(day=1), amount))
    months = [month for month, _amount in parts]
    if months != sorted(set(months)):
        raise InvalidInput(
            _("The instalments fall in different months, earliest first."), field="instalments"
        )
    return parts


# While members vote ----------------------------------------------------------------------------


def _vote_in_progress(settlement: Settlement) -> Any:
    proposal = settlement.approval_proposal
    if proposal is not None and proposal.state in ("draft", "discussion", "voting"):
        return proposal
    return None


def _refuse_while_voting(settlement: Settlement) -> None:
    if _vote_in_progress(settlement) is not None:
        raise StateConflict(_("Members are voting on this settlement: it cannot change meanwhile."))


# Access ----------------------------------------------------------------------------------------


def paid_in_full(member: Member) -> bool:
    """Whether the member's settlement is settled: their read access then ends."""
    return Settlement.objects.filter(member=member, status=Settlement.Status.SETTLED).exists()


def on_departure(member: Member) -> None:
    """The status change to departed drafts the settlement (the system actor)."""
    draft_settlement(actor=None, member=member)

"""A settlement in words, for its page and its PDF: the bylaws terms it was computed with, its
figures, its approval and its instalments."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coop.bylaws_settlement import settlement_terms
from coop.clock import zone_of
from coop.locale_formats import format_day
from coop.money import format_money
from coop.months import month_label
from payroll.presenters import percent
from payroll.settlement_models import Settlement, SettlementInstalment


def departure_in_words(settlement: Settlement) -> list[tuple[str, str]]:
    """(term, value) rows of the departure and the notice period."""
    terms = settlement_terms({"settlement": settlement.terms})
    return [
        (_("Departed on"), format_day(settlement.departed_on)),
        (
            _("Notice period"),
            _("%(months)s months: settled as of %(day)s")
            % {"months": terms.notice_months, "day": format_day(settlement.settled_on)},
        ),
    ]


def settlement_terms_in_words(settlement: Settlement) -> list[tuple[str, str]]:
    """(term, value) rows of the terms the settlement was computed with."""
    return departure_in_words(settlement) + payout_terms_in_words(settlement)


def payout_terms_in_words(settlement: Settlement) -> list[tuple[str, str]]:
    """(term, value) rows of the payout's terms: the share paid back, losses, the schedule."""
    terms = settlement_terms({"settlement": settlement.terms})
    every = _("every month") if terms.frequency == "monthly" else _("every year")
    if terms.start == "after_year_end":
        start = _("%(months)s months after the end of the financial year") % {
            "months": terms.start_months
        }
    else:
        start = _("%(months)s months after the settlement date") % {"months": terms.start_months}
    return [
        (_("Paid back"), percent(terms.refundable_share)),
        (
            _("Losses borne"),
            _("up to the settlement date") if terms.bears_losses else _("up to the departure"),
        ),
        (
            _("Schedule"),
            _("%(count)s instalments, %(every)s, the first %(start)s")
            % {"count": terms.instalments, "every": every, "start": start},
        ),
        (
            _("Interest on the unpaid balance"),
            _("%(rate)s a year") % {"rate": percent(terms.interest_rate)},
        ),
        (
            _("Approved by"),
            _("the treasurer") if terms.approval == "treasurer" else _("a vote of the members"),
        ),
    ]


# The figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InstalmentRow:
    """One instalment as the page and the PDF show it."""

    number: int
    due_month: datetime.date
    amount: Decimal
    interest: Decimal
    paid_by: datetime.date | None  # the month of the distribution that paid it

    @property
    def total(self) -> Decimal:
        return self.amount + self.interest


@dataclass(frozen=True)
class SettlementFigures:
    """What the settlement pays, what is paid and what is left, exact to the cent."""

    instalments: list[InstalmentRow]

    @property
    def interest(self) -> Decimal:
        return sum((row.interest for row in self.instalments), Decimal("0.00"))

    @property
    def to_pay(self) -> Decimal:
        return sum((row.total for row in self.instalments), Decimal("0.00"))

    @property
    def paid(self) -> Decimal:
        return sum((row.total for row in self.instalments if row.paid_by), Decimal("0.00"))

    @property
    def paid_count(self) -> int:
        return sum(1 for row in self.instalments if row.paid_by)

    @property
    def left(self) -> Decimal:
        return self.to_pay - self.paid


def settlement_figures(instalments: list[SettlementInstalment]) -> SettlementFigures:
    """The figures of a settlement's instalments (`visible_settlements` prefetches them with
    the distributions that paid them)."""
    return SettlementFigures(
        [
            InstalmentRow(
                number=part.number,
                due_month=part.due_month,
                amount=part.amount,
                interest=part.interest,
                paid_by=part.paid_line.distribution.month if part.paid_line else None,
            )
            for part in instalments
        ]
    )


def figures_in_words(
    settlement: Settlement, figures: SettlementFigures, losses: Decimal
) -> list[tuple[str, str]]:
    """(label, amount) rows: the balance at departure and its losses, the retention and the
    refundable part under the bylaws, the interest, the amount to pay, paid and left."""
    terms = settlement_terms({"settlement": settlement.terms})
    currency = settlement.currency
    cutoff = settlement.settled_on if terms.bears_losses else settlement.departed_on
    count = len(figures.instalments)
    return [
        (
            _("Capital account counted, as of %(day)s")
            % {"day": format_day(settlement.settled_on)},
            format_money(settlement.balance, currency),
        ),
        (
            _("of which losses charged up to %(day)s") % {"day": format_day(cutoff)},
            format_money(losses, currency),
        ),
        (
            _("Retained for the collective reserve (the bylaws keep %(share)s)")
            % {"share": percent(Decimal(1) - terms.refundable_share)},
            format_money(settlement.retained, currency),
        ),
        (
            _("Refundable (the bylaws pay back %(share)s)")
            % {"share": percent(terms.refundable_share)},
            format_money(settlement.refundable, currency),
        ),
        (
            _("Interest on the unpaid balance (%(rate)s a year)")
            % {"rate": percent(terms.interest_rate)},
            format_money(figures.interest, currency),
        ),
        (_("Amount to pay"), format_money(figures.to_pay, currency)),
        (
            ngettext(
                "Paid so far (%(paid)s of %(count)s instalment)",
                "Paid so far (%(paid)s of %(count)s instalments)",
                count,
            )
            % {"paid": figures.paid_count, "count": count},
            format_money(figures.paid, currency),
        ),
        (_("Still to pay out"), format_money(figures.left, currency)),
    ]


def _day(settlement: Settlement, moment: datetime.datetime) -> str:
    return format_day(timezone.localtime(moment, zone_of(settlement.cooperative)).date())


def approval_in_words(settlement: Settlement) -> str:
    """Who approved the settlement and when (a day in the co-op's time zone), or why not yet."""
    proposal = settlement.approval_proposal
    if settlement.status == Settlement.Status.DRAFT:
        if proposal is not None and proposal.state in ("draft", "discussion", "voting"):
            return _(
                "Not approved yet: the members are voting on it (proposal #%(number)s, "
                "“%(title)s”)."
            ) % {"number": proposal.pk, "title": proposal.title}
        return _(
            "Not approved yet: a draft, whose figures follow the bylaws and the capital account "
            "until it is approved."
        )
    assert settlement.approved_at is not None
    day = _day(settlement, settlement.approved_at)
    # The treasurer's approval names them; a vote's has no approver (a proposal left from a
    # rejected vote may remain beside a treasurer's approval).
    if settlement.approved_by is not None:
        approved = _("Approved by the treasurer %(name)s on %(day)s.") % {
            "name": settlement.approved_by.display_name,
            "day": day,
        }
    elif proposal is not None:
        approved = _(
            "Approved by the members' vote on proposal #%(number)s (“%(title)s”) on %(day)s."
        ) % {"number": proposal.pk, "title": proposal.title, "day": day}
    else:
        approved = _("Approved on %(day)s.") % {"day": day}
    if settlement.status == Settlement.Status.SETTLED and settlement.settled_at is not None:
        approved += " " + _("Paid in full on %(day)s.") % {
            "day": _day(settlement, settlement.settled_at)
        }
    return approved


def paid_by_in_words(row: InstalmentRow) -> str:
    """Whether an instalment is paid, and by which month's distribution."""
    if row.paid_by is None:
        return _("not paid yet")
    return _("paid by the distribution of %(month)s") % {"month": month_label(row.paid_by)}

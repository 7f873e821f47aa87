"""Expenses: recorded by the treasurer, approved within the spending limit or by a vote."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from coop import clock, money
from coop.audit import record
from coop.dates import check_money_date
from coop.errors import StateConflict
from coop.hours.services import hold_books
from coop.locale_formats import format_day
from coop.models import Cooperative, Member
from coop.models.cooperative import Role
from coop.months import month_bounds
from coop.services import require_role
from governance.actions.registry import require_decided
from payroll import bookkeeping
from payroll.models import Expense
from payroll.receipts import checked_receipt
from payroll.selectors import spending_limit
from payroll.services.money_checks import _ensure_month_total_fits, _money, ensure_money_month_open

VOTE_DAYS = 7  # the shortest voting of a spending proposal drafted for the treasurer


def record_expense(
    *,
    actor: Member | None,
    cooperative: Cooperative,
    category: str,
    amount: Decimal,
    date: datetime.date,
    payee: str,
    note: str = "",
    receipt: Any = None,
    approved: bool = False,
    role: str = "expenses",
) -> Expense:
    """An expense the treasurer records: submitted, or `approved` at once (a bank fee, `role`
    bank_fees); an approved expense is booked (`bookkeeping.book_expense`)."""
    require_role(actor, Role.TREASURER)
    check_money_date(cooperative, date, field="date")
    if receipt is not None:
        receipt = checked_receipt(receipt)
    amount = _money(cooperative, amount)
    with transaction.atomic():
        hold_books(cooperative)
        ensure_money_month_open(cooperative, date)
        first, last = month_bounds(date)
        month_expenses = Expense.objects.filter(
            cooperative=cooperative, date__range=(first, last)
        ).exclude(status=Expense.Status.REJECTED)
        _ensure_month_total_fits(month_expenses, date, amount)
        expense = Expense(
            cooperative=cooperative,
            category=category.strip(),
            amount=amount,
            currency=cooperative.currency,
            date=date,
            payee=payee.strip(),
            note=note,
            recorded_by=actor,
        )
        if approved:
            limit = spending_limit(cooperative)
            if amount > limit:
                raise StateConflict(
                    _(
                        "This expense is above the spending limit of %(limit)s %(currency)s: "
                        "record it, then draft the spending proposal that approves it."
                    )
                    % {"limit": limit, "currency": cooperative.currency},
                    field="amount",
                )
            expense.status = Expense.Status.APPROVED
            expense.decided_by = actor
            expense.decided_at = clock.now()
        if receipt is not None:
            expense.receipt = receipt
        expense.save()
        record(
            cooperative,
            actor,
            "expense.recorded",
            expense,
            {"amount": str(amount), "payee": expense.payee, "date": date, "status": expense.status},
        )
        if approved:
            bookkeeping.book_expense(expense, role=role, actor=actor)
        return expense


def draft_expense_proposal(*, actor: Member, expense: Expense) -> Any:
    """Draft the spending proposal that approves an expense above the spending limit (the
    treasurer): kind spending, the action approve_expense with this expense, a title and a body
    saying what and why, and the discussion and voting periods of the bylaws floors (at least
    a week of voting). It stays a draft for the treasurer to check and open; asking again while
    one is in progress gives that one."""
    from governance import services as governance  # payroll → governance: allowed, kept lazy
    from governance.models import Proposal

    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        expense = (
            Expense.objects.select_for_update().select_related("cooperative").get(pk=expense.pk)
        )
        cooperative = expense.cooperative
        if expense.status != Expense.Status.SUBMITTED:
            raise StateConflict(
                _("This expense is already %(status)s.") % {"status": expense.get_status_display()}
            )
        limit = spending_limit(cooperative)
        if expense.amount <= limit:
            raise StateConflict(
                _("This expense is within the spending limit: the treasurer approves it.")
            )
        in_progress = Proposal.objects.filter(
            cooperative=cooperative,
            action="approve_expense",
            action_payload__expense=expense.pk,
            state__in=("draft", "discussion", "voting"),
        ).first()
        if in_progress is not None:
            return in_progress
        amount = money.format_money(expense.amount, cooperative.currency)
        return governance.create_proposal(
            actor=actor,
            kind="spending",
            title=_("Approve the expense of %(amount)s to %(payee)s")
            % {"amount": amount, "payee": expense.payee},
            body=_(
                "%(payee)s, %(category)s, %(day)s: %(amount)s. It is above the spending limit of "
                "%(limit)s, so the members decide: if this proposal passes, the expense is "
                "approved.%(note)s"
            )
            % {
                "payee": expense.payee,
                "category": expense.category,
                "day": format_day(expense.date),
                "amount": amount,
                "limit": money.format_money(limit, cooperative.currency),
                "note": f"\n\n{expense.note}" if expense.note else "",
            },
            action="approve_expense",
            action_payload={"expense": expense.pk},
            **spending_vote_terms(cooperative),
        )


def spending_vote_terms(cooperative: Cooperative) -> dict[str, Any]:
    """The method and dates of a spending proposal drafted for the treasurer (an expense's or a
    claim's): majority where the bylaws floors allow it, the floors' discussion with an hour to
    spare (on the whole minute: the floors are checked again when it is opened), and their
    voting period, at least `VOTE_DAYS` days."""
    from governance.floors import allowed_methods, floors_for  # payroll → governance: lazy

    floors = floors_for(cooperative, "spending")
    methods = allowed_methods(floors)
    opens_at = (clock.now() + floors.discussion + datetime.timedelta(hours=1)).replace(
        second=0, microsecond=0
    )
    return {
        "method": "majority" if "majority" in methods else methods[0],
        "opens_at": opens_at,
        "closes_at": opens_at + max(floors.voting, datetime.timedelta(days=VOTE_DAYS)),
    }


def decide_expense(
    *,
    actor: Member | None,
    expense: Expense,
    approve: bool,
    proposal: Any = None,
    role: str = "expenses",
) -> Expense:
    """Approve or reject a submitted expense. Above the bylaws' spending limit only a passed
    `spending` proposal (through its `approve_expense` action) approves it."""
    if proposal is not None:
        # the same check the action makes: a passed spending proposal that met the floors
        require_decided("approve_expense", frozenset({"spending"}), expense.cooperative, proposal)
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        expense = (
            Expense.objects.select_for_update().select_related("cooperative").get(pk=expense.pk)
        )
        if expense.status != Expense.Status.SUBMITTED:
            raise StateConflict(
                _("This expense is already %(status)s.") % {"status": expense.get_status_display()}
            )
        hold_books(expense.cooperative)
        ensure_money_month_open(expense.cooperative, expense.date)
        limit = spending_limit(expense.cooperative)
        if approve and expense.amount > limit and proposal is None:
            raise StateConflict(
                _(
                    "This expense is above the spending limit of %(limit)s %(currency)s: it needs "
                    "a spending proposal that approves it, and passes."
                )
                % {"limit": limit, "currency": expense.cooperative.currency},
            )
        expense.status = Expense.Status.APPROVED if approve else Expense.Status.REJECTED
        expense.decided_by = actor
        expense.decided_at = clock.now()
        expense.proposal = proposal
        expense.save()
        record(
            expense.cooperative,
            actor,
            f"expense.{expense.status}",
            expense,
            {"proposal": getattr(proposal, "pk", None)},
        )
        if approve:
            bookkeeping.book_expense(expense, role=role, actor=actor)
        return expense

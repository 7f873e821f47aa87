"""Writes of payroll: money in, policies, the monthly distribution and capital accounts."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coop import clock, money
from coop.audit import record
from coop.dates import check_money_date
from coop.errors import (
    AmountTooLarge,
    InvalidInput,
    InvalidInputs,
    NotAllowed,
    PeriodLocked,
    StateConflict,
)
from coop.hours.services import hold_books
from coop.locale_formats import format_day
from coop.models import Client, Cooperative, Member, Project
from coop.models.cooperative import Role
from coop.months import month_bounds, month_label
from coop.services import require_role
from coop.text_translation import translate
from governance.actions.registry import require_decided
from payroll import allocation, bookkeeping, enqueue, legal
from payroll.models import (
    Distribution,
    DistributionPolicy,
    Expense,
    Revenue,
)
from payroll.receipts import checked_receipt
from payroll.selectors import spending_limit

POLICY_FIELDS = (
    "method", "commons_pct", "commons_recipients", "reserve_pct", "education_pct", "base_rate",
    "cash_pct", "max_pay_ratio", "carry_losses", "approval",
)  # fmt: skip
VOTE_DAYS = 7


def _distributed(cooperative: Cooperative, day: datetime.date) -> Distribution | None:
    return (
        Distribution.objects.filter(cooperative=cooperative, month=day.replace(day=1))
        .filter(status__in=[Distribution.Status.APPROVED, Distribution.Status.PAID])
        .first()
    )


def ensure_money_month_open(cooperative: Cooperative, day: datetime.date) -> None:
    """Revenue and expenses of an approved month are final (409). Inside a write's transaction,
    call `hold_books` first, so that the month cannot be approved between the check and the write.
    """
    if _distributed(cooperative, day):
        raise PeriodLocked(
            _(
                "%(month)s was distributed: its revenue and expenses cannot change. "
                "Record a correction in an open month."
            )
            % {"month": month_label(day)},
            field="date",
        )


def _money(cooperative: Cooperative, amount: Any, field: str = "amount") -> Decimal:
    exponent = allocation.minor_units(cooperative.currency)
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise InvalidInput(_("The amount must be positive."), field=field)
    if money.exceeds_max(amount):
        raise InvalidInput(
            _("An amount is at most %(max)s.") % {"max": money.format_max()}, field=field
        )
    if amount != amount.quantize(Decimal(1).scaleb(-exponent)):
        raise InvalidInput(
            ngettext(
                "%(currency)s amounts have %(decimals)s decimal at most.",
                "%(currency)s amounts have %(decimals)s decimals at most.",
                exponent,
            )
            % {"currency": cooperative.currency, "decimals": exponent},
            field=field,
        )
    return amount


def _ensure_month_total_fits(records: Any, day: datetime.date, amount: Decimal) -> None:
    """Refuse (409) an entry that would make the month's total more than the books can hold;
    `records` are the co-op's entries of that kind counted in the month's distribution."""
    first, last = month_bounds(day)
    total = records.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if money.exceeds_max(Decimal(total) + amount):
        raise AmountTooLarge(
            _(
                "With this amount the entries of %(month)s would add up to more than the books "
                "can hold (%(max)s): record it in another month or check the amount."
            )
            % {"month": month_label(first), "max": money.format_max()},
            field="amount",
        )


# Money in ------------------------------------------------------------------------------------


def record_revenue(
    *,
    actor: Member | None,
    cooperative: Cooperative,
    client: Client,
    amount: Decimal,
    received_on: datetime.date,
    project: Project | None = None,
    invoice_reference: str = "",
    note: str = "",
    book: bool = True,
    role: str = "other_revenue",
) -> Revenue:
    """Money received. Booked (Dr bank, Cr `role`: other revenue, or interest income) unless
    `book` is False: revenue a client's payment made is booked by billing, with the payment."""
    require_role(actor, Role.TREASURER)
    if client.cooperative_id != cooperative.pk:
        raise InvalidInput(_("This client does not belong to the co-op."), field="client")
    if project is not None and project.client_id != client.pk:
        raise InvalidInput(
            _("This project is not one of %(client)s's.") % {"client": client.name}, field="project"
        )
    check_money_date(cooperative, received_on, field="received_on")
    amount = _money(cooperative, amount)
    with transaction.atomic():
        hold_books(cooperative)
        ensure_money_month_open(cooperative, received_on)
        first, last = month_bounds(received_on)
        month_revenue = Revenue.objects.filter(
            cooperative=cooperative, received_on__range=(first, last)
        )
        _ensure_month_total_fits(month_revenue, received_on, amount)
        revenue = Revenue.objects.create(
            cooperative=cooperative,
            client=client,
            project=project,
            amount=amount,
            currency=cooperative.currency,
            received_on=received_on,
            invoice_reference=invoice_reference,
            note=note,
            recorded_by=actor,
        )
        record(
            cooperative,
            actor,
            "revenue.recorded",
            revenue,
            {"amount": str(amount), "client": client.name, "received_on": received_on},
        )
        if book:
            bookkeeping.book_revenue(revenue, role=role, actor=actor)
        return revenue


def _revenue_linked() -> StateConflict:
    return StateConflict(
        _(
            "This revenue came from a payment of an invoice or is a correction: remove the "
            "payment instead."
        ),
        code="revenue_linked",
    )


def delete_revenue(*, actor: Member | None, revenue: Revenue, book: bool = True) -> None:
    """Remove revenue of an open month; its entry is reversed on its own day (unless `book` is
    False: billing takes back what it booked for a payment)."""
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        hold_books(revenue.cooperative)
        ensure_money_month_open(revenue.cooperative, revenue.received_on)
        # A correction and what it corrects stay, as the record of a distributed month; revenue
        # a payment made goes with the payment (another app's row protects it: billing).
        linked = Revenue.objects.filter(pk=revenue.pk).filter(
            Q(corrects__isnull=False) | Q(correction__isnull=False)
        )
        data = {"amount": str(revenue.amount), "received_on": revenue.received_on}
        revenue_id = revenue.pk
        if linked.exists():
            raise _revenue_linked()
        if book:
            bookkeeping.take_back(
                revenue.cooperative,
                bookkeeping.REVENUE,
                revenue_id,
                date=revenue.received_on,
                actor=actor,
            )
        try:
            revenue.delete()
        except ProtectedError:
            raise _revenue_linked() from None
        record(
            revenue.cooperative,
            actor,
            "revenue.deleted",
            data=data,
            object_type="payroll.revenue",
            object_id=revenue_id,
        )


def correct_revenue(
    *,
    actor: Member | None,
    revenue: Revenue,
    received_on: datetime.date,
    note: str = "",
    book: bool = True,
) -> Revenue:
    """Take back revenue of a distributed month: a negative row on `received_on` (an open
    month), linked to it. The distributed month stays as it was approved; the correction lowers
    the surplus of the month it is counted in (`run_inputs.month_inputs`)."""
    require_role(actor, Role.TREASURER)
    cooperative = revenue.cooperative
    with transaction.atomic():
        hold_books(cooperative)
        ensure_money_month_open(cooperative, received_on)
        if revenue.amount <= 0 or Revenue.objects.filter(corrects=revenue).exists():
            raise StateConflict(
                _("This revenue is a correction or was corrected already."),
                code="already_corrected",
            )
        correction = Revenue.objects.create(
            cooperative=cooperative,
            client_id=revenue.client_id,
            project_id=revenue.project_id,
            amount=-revenue.amount,
            currency=revenue.currency,
            received_on=received_on,
            invoice_reference=revenue.invoice_reference,
            note=note,
            recorded_by=actor,
            corrects=revenue,
        )
        record(
            cooperative,
            actor,
            "revenue.corrected",
            correction,
            {
                "amount": str(correction.amount),
                "corrects": revenue.pk,
                "received_on": received_on,
            },
        )
        if book:
            bookkeeping.book_revenue(correction, actor=actor)
        return correction


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
    from governance.floors import allowed_methods, floors_for
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
        floors = floors_for(cooperative, "spending")
        methods = allowed_methods(floors)
        method = "majority" if "majority" in methods else methods[0]
        # An hour to spare (on the whole minute): the floors are checked again when it is opened.
        opens_at = (clock.now() + floors.discussion + datetime.timedelta(hours=1)).replace(
            second=0, microsecond=0
        )
        amount = money.format_money(expense.amount, cooperative.currency)
        return governance.create_proposal(
            actor=actor,
            kind="spending",
            method=method,
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
            opens_at=opens_at,
            closes_at=opens_at + max(floors.voting, datetime.timedelta(days=7)),
            action="approve_expense",
            action_payload={"expense": expense.pk},
        )


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


# Policies ------------------------------------------------------------------------------------


def policy_terms(fields: dict[str, Any]) -> allocation.PolicyTerms:
    """Check policy fields with the computation's own rules; errors name the field."""
    missing = [name for name in ("method", "commons_pct") if fields.get(name) is None]
    if missing:
        raise InvalidInputs({name: [_("This field is required.")] for name in missing})
    fields = {
        "reserve_pct": Decimal("0"),
        "education_pct": Decimal("0"),
        "cash_pct": Decimal("1"),
        "max_pay_ratio": Decimal("3"),
        "carry_losses": False,
        "approval": "treasurer",
        **{key: value for key, value in fields.items() if value is not None or key == "base_rate"},
    }
    recipients = fields.get("commons_recipients") or []
    try:
        return allocation.PolicyTerms(
            method=fields["method"],
            commons_pct=fields["commons_pct"],
            reserve_pct=fields["reserve_pct"],
            education_pct=fields["education_pct"],
            cash_pct=fields["cash_pct"],
            max_pay_ratio=fields["max_pay_ratio"],
            carry_losses=fields["carry_losses"],
            approval=fields["approval"],
            base_rate=fields.get("base_rate"),
            commons_recipients=tuple(
                allocation.CommonsRecipient(
                    name=r.get("name"), weight=Decimal(str(r.get("weight"))), iban=r.get("iban")
                )
                for r in recipients
            ),
        )
    except allocation.PolicyError as error:
        raise InvalidInputs(
            {
                (key or "non_field_errors"): [translate(text) for text in texts]
                for key, texts in error.texts.items()
            }
        ) from None


def check_legal_minimums(
    cooperative: Cooperative, terms: allocation.PolicyTerms, *, field_prefix: str = ""
) -> None:
    """Refuse (BelowLegalMinimum, a 400) policy terms below the minimums of the co-op's legal
    profile, each message citing its rule (payroll/legal.py)."""
    legal.refuse_below_legal_minimum(
        profile=cooperative.law,
        bylaws=cooperative.settings,
        shares=legal.policy_shares(terms),
        field_prefix=field_prefix,
    )


def current_policy(cooperative: Cooperative) -> DistributionPolicy | None:
    return DistributionPolicy.objects.filter(cooperative=cooperative).order_by("-version").first()


def adopt_policy(
    *,
    actor: Member | None,
    cooperative: Cooperative,
    proposal: Any = None,
    note: str = "",
    **fields: Any,
) -> DistributionPolicy:
    """Adopt a new version of the distribution policy.

    By the treasurer, unless the bylaws say policies are adopted by vote: then only a passed
    `policy` proposal (its `adopt_distribution_policy` action) adopts one.
    """
    if proposal is not None:
        require_decided("adopt_distribution_policy", frozenset({"policy"}), cooperative, proposal)
    else:
        require_role(actor, Role.TREASURER)
        if cooperative.settings["policy_adoption"] == "vote":
            raise NotAllowed(
                _(
                    "The bylaws say distribution policies are adopted by vote: draft a policy "
                    "proposal that adopts the new policy."
                )
            )
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown policy field."), field=sorted(unknown)[0])
    terms = policy_terms(fields)
    with transaction.atomic():
        # Locked and read again: a change of legal profile or bylaws waits for this adoption.
        locked = Cooperative.objects.select_for_update().get(pk=cooperative.pk)
        check_legal_minimums(locked, terms)
        latest = current_policy(cooperative)
        policy = DistributionPolicy.objects.create(
            cooperative=cooperative,
            version=(latest.version + 1) if latest else 1,
            method=str(terms.method),
            commons_pct=terms.commons_pct,
            commons_recipients=[
                {"name": r.name, "weight": str(r.weight), **({"iban": r.iban} if r.iban else {})}
                for r in terms.commons_recipients
            ],
            reserve_pct=terms.reserve_pct,
            education_pct=terms.education_pct,
            base_rate=terms.base_rate,
            cash_pct=terms.cash_pct,
            max_pay_ratio=terms.max_pay_ratio,
            carry_losses=terms.carry_losses,
            approval=str(terms.approval),
            adopted_by=actor,
            adopted_by_proposal=proposal,
            note=note,
        )
        record(
            cooperative,
            actor,
            "policy.adopted",
            policy,
            {"version": policy.version, "proposal": getattr(proposal, "pk", None), **fields},
        )
        enqueue.policy_adopted(policy.pk)
        return policy


def terms_of(policy: DistributionPolicy) -> allocation.PolicyTerms:
    return policy_terms({name: getattr(policy, name) for name in POLICY_FIELDS})

"""Writes of reconciliation: the treasurer confirms, changes, splits, sets aside and undoes the
matches of bank transactions.

Confirming records what the money was: an invoice payment (billing.payments, which makes the
revenue), a distribution line paid (its distribution becomes paid with its last cash line), an
approved expense paid, or a bank fee (an approved expense) or interest (revenue). The match keeps
what it created, and undoing takes back exactly that; in a distributed month, revenue is taken
back by a correction in the open month (as billing.payments.remove_payment does).

Every write locks the transaction row (SELECT … FOR UPDATE) and checks, under that lock, that
its confirmed parts add up to no more than its amount: a transaction is never matched twice.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError
from django.db import transaction as db_transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from banking.match_effects import CONFIRM, UNDO, coop_of
from banking.models import BankMatch, BankTransaction, MatchKind, MatchStatus
from billing.models import Invoice
from coop import clock, money
from coop.audit import record
from coop.errors import InvalidInput, StateConflict
from coop.hours.services import hold_books
from coop.models import Member
from coop.models.cooperative import Role
from coop.services import require_role
from payroll.models import DistributionLine, Expense, LineKind, Revenue

Target = Invoice | DistributionLine | Expense | str


def _locked_transaction(bank_transaction: BankTransaction) -> BankTransaction:
    return (
        BankTransaction.objects.select_for_update()
        .select_related("account", "account__cooperative")
        .get(pk=bank_transaction.pk)
    )


def _locked_match(match: BankMatch) -> BankMatch:
    return BankMatch.objects.select_for_update().get(pk=match.pk)


def confirmed_total(bank_transaction: BankTransaction) -> Decimal:
    """What of the transaction is matched already (confirmed parts), positive."""
    total = BankMatch.objects.filter(
        transaction=bank_transaction, status=MatchStatus.CONFIRMED
    ).aggregate(total=Sum("amount"))["total"]
    return Decimal(total or 0)


def _ensure_fits(bank_transaction: BankTransaction, amount: Decimal) -> None:
    already = confirmed_total(bank_transaction)
    whole = abs(bank_transaction.amount)
    if already + amount > whole:
        currency = bank_transaction.account.currency
        raise StateConflict(
            _(
                "This transaction of %(whole)s is matched for %(already)s already: %(amount)s "
                "more would match it twice. Undo a match first."
            )
            % {
                "whole": money.format_money(whole, currency),
                "already": money.format_money(already, currency),
                "amount": money.format_money(amount, currency),
            },
            code="already_matched",
        )


def _ensure_not_set_aside(bank_transaction: BankTransaction) -> None:
    if BankMatch.objects.filter(transaction=bank_transaction, kind=MatchKind.NOTHING).exists():
        raise StateConflict(
            _("This transaction was set aside: take it back first."), code="set_aside"
        )


def _confirm(actor: Member | None, match: BankMatch, bank_tx: BankTransaction) -> BankMatch:
    """Inside the caller's transaction, with `bank_tx` locked."""
    if match.kind == MatchKind.NOTHING:
        raise StateConflict(_("Nothing to confirm here."), code="not_a_match")
    if match.status == MatchStatus.CONFIRMED:
        raise StateConflict(_("This match is confirmed already."), code="already_matched")
    _ensure_not_set_aside(bank_tx)
    _ensure_fits(bank_tx, match.amount)
    CONFIRM[MatchKind(match.kind)](actor, match, bank_tx)
    match.status = MatchStatus.CONFIRMED
    match.confirmed_by = actor
    match.confirmed_at = clock.now()
    try:
        with db_transaction.atomic():
            match.save()
    except IntegrityError:
        # a constraint saw what the checks above missed (a race on another transaction)
        raise StateConflict(
            _("This is matched already: reload and look again."), code="already_matched"
        ) from None
    record(
        coop_of(bank_tx),
        actor,
        "bank_match.confirmed",
        match,
        {
            "transaction": bank_tx.pk,
            "kind": match.kind,
            "amount": str(match.amount),
            "payment": match.payment_id,
            "expense": match.fee_expense_id,
            "revenue": match.interest_revenue_id,
            "paid_distribution": match.paid_distribution,
        },
    )
    return match


def confirm_match(*, actor: Member | None, match: BankMatch) -> BankMatch:
    """Confirm a suggestion: record what the money was."""
    require_role(actor, Role.TREASURER)
    with db_transaction.atomic():
        bank_tx = _locked_transaction(match.transaction)
        hold_books(coop_of(bank_tx))
        return _confirm(actor, _locked_match(match), bank_tx)


# Choosing and splitting ----------------------------------------------------------------------


def _kind_and_target(target: Target, bank_tx: BankTransaction) -> tuple[str, dict[str, Any]]:
    """The kind of a match and its target field, from what the treasurer chose."""
    cooperative = coop_of(bank_tx)
    fields: dict[str, Any]
    if isinstance(target, Invoice):
        owner = target.cooperative_id
        kind, fields = MatchKind.INVOICE, {"invoice": target}
    elif isinstance(target, DistributionLine):
        owner = target.distribution.cooperative_id
        kind = MatchKind.COMMONS if target.kind == LineKind.COMMONS else MatchKind.PAYOUT
        fields = {"distribution_line": target}
    elif isinstance(target, Expense):
        owner = target.cooperative_id
        kind, fields = MatchKind.EXPENSE, {"expense": target}
    elif target in (MatchKind.BANK_FEE, MatchKind.INTEREST):
        return str(target), {}
    else:
        raise InvalidInput(
            _("Choose an invoice, a line, an expense, a fee or interest."), field="target"
        )
    if owner != cooperative.pk:
        raise InvalidInput(_("This is not one of the co-op's."), field="target")
    return kind, fields


def _amount(value: Any, bank_tx: BankTransaction, field: str = "amount") -> Decimal:
    cents = Decimal(1).scaleb(-money.minor_units(bank_tx.account.currency))
    if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
        raise InvalidInput(_("Each part is a positive amount."), field=field)
    if value != value.quantize(cents):
        raise InvalidInput(_("Each part is an amount in cents."), field=field)
    return value


def split(
    *,
    actor: Member | None,
    transaction: BankTransaction,
    parts: Iterable[tuple[Target, Decimal]],
    note: str = "",
) -> list[BankMatch]:
    """Match a transaction with several targets at once (one transfer paying two invoices), or
    with one chosen by hand: the parts' amounts add up to the transaction's, and all are
    confirmed or none."""
    require_role(actor, Role.TREASURER)
    parts = list(parts)
    if not parts:
        raise InvalidInput(_("Give at least one part."), field="parts")
    with db_transaction.atomic():
        bank_tx = _locked_transaction(transaction)
        hold_books(coop_of(bank_tx))
        amounts = [
            _amount(amount, bank_tx, f"parts[{n}].amount") for n, (_t, amount) in enumerate(parts)
        ]
        total = sum(amounts, Decimal(0))
        if total + confirmed_total(bank_tx) != abs(bank_tx.amount):
            raise InvalidInput(
                _("The parts add up to %(parts)s: they must add up to %(whole)s.")
                % {
                    "parts": money.format_money(total, bank_tx.account.currency),
                    "whole": money.format_money(
                        abs(bank_tx.amount) - confirmed_total(bank_tx), bank_tx.account.currency
                    ),
                },
                field="parts",
            )
        made = []
        for (target, _part), amount in zip(parts, amounts, strict=True):
            kind, fields = _kind_and_target(target, bank_tx)
            match = BankMatch.objects.create(
                transaction=bank_tx,
                kind=kind,
                amount=amount,
                confidence=100,
                reasons=["chosen"],
                note=note,
                **fields,
            )
            made.append(_confirm(actor, match, bank_tx))
        return made


def change(
    *, actor: Member | None, match: BankMatch, target: Target, amount: Decimal | None = None
) -> BankMatch:
    """Point a suggestion (or a suggestion set aside) at another target, chosen by the
    treasurer; confirm it next. A confirmed match is undone first."""
    require_role(actor, Role.TREASURER)
    with db_transaction.atomic():
        bank_tx = _locked_transaction(match.transaction)
        match = _locked_match(match)
        if match.status == MatchStatus.CONFIRMED or match.kind == MatchKind.NOTHING:
            raise StateConflict(
                _("A confirmed match is undone before it is changed."), code="confirmed"
            )
        kind, fields = _kind_and_target(target, bank_tx)
        match.kind = kind
        match.invoice = fields.get("invoice")
        match.distribution_line = fields.get("distribution_line")
        match.expense = fields.get("expense")
        match.amount = _amount(amount if amount is not None else match.amount, bank_tx)
        match.confidence = 100
        match.reasons = ["chosen"]
        match.status = MatchStatus.SUGGESTED
        match.save()
        record(
            coop_of(bank_tx),
            actor,
            "bank_match.changed",
            match,
            {"transaction": bank_tx.pk, "kind": kind, "amount": str(match.amount)},
        )
        return match


def set_aside(*, actor: Member | None, match: BankMatch) -> BankMatch:
    """Set a suggestion aside: it is wrong, and matching will not suggest it again."""
    require_role(actor, Role.TREASURER)
    with db_transaction.atomic():
        bank_tx = _locked_transaction(match.transaction)
        match = _locked_match(match)
        if match.status != MatchStatus.SUGGESTED:
            raise StateConflict(_("Only a suggestion is set aside."), code="not_suggested")
        match.status = MatchStatus.SET_ASIDE
        match.save(update_fields=["status"])
        record(coop_of(bank_tx), actor, "bank_match.set_aside", match, {"transaction": bank_tx.pk})
        return match


def set_transaction_aside(
    *, actor: Member | None, transaction: BankTransaction, note: str = ""
) -> BankMatch:
    """Set a whole transaction aside: nothing in Cooperage matches it (a transfer between the
    co-op's own accounts). It leaves the unmatched queue."""
    require_role(actor, Role.TREASURER)
    with db_transaction.atomic():
        bank_tx = _locked_transaction(transaction)
        _ensure_not_set_aside(bank_tx)
        if confirmed_total(bank_tx):
            raise StateConflict(
                _("Part of this transaction is matched: undo that first."), code="matched"
            )
        match = BankMatch.objects.create(
            transaction=bank_tx,
            kind=MatchKind.NOTHING,
            amount=Decimal("0"),
            status=MatchStatus.SET_ASIDE,
            note=note,
        )
        record(coop_of(bank_tx), actor, "bank_transaction.set_aside", bank_tx, {"note": note})
        return match


def take_back(*, actor: Member | None, transaction: BankTransaction) -> None:
    """Bring a transaction set aside back to the unmatched queue."""
    require_role(actor, Role.TREASURER)
    with db_transaction.atomic():
        bank_tx = _locked_transaction(transaction)
        deleted, _rows = BankMatch.objects.filter(
            transaction=bank_tx, kind=MatchKind.NOTHING
        ).delete()
        if not deleted:
            raise StateConflict(_("This transaction is not set aside."), code="not_set_aside")
        record(coop_of(bank_tx), actor, "bank_transaction.taken_back", bank_tx, {})


# Undoing -------------------------------------------------------------------------------------


def undo_match(*, actor: Member | None, match: BankMatch) -> list[Revenue]:
    """Take back what confirming did; the match becomes a suggestion again. Revenue of a
    distributed month stays and is corrected in the open month; returns those corrections."""
    require_role(actor, Role.TREASURER)
    with db_transaction.atomic():
        bank_tx = _locked_transaction(match.transaction)
        hold_books(coop_of(bank_tx))
        match = _locked_match(match)
        if match.status != MatchStatus.CONFIRMED:
            raise StateConflict(_("Only a confirmed match is undone."), code="not_confirmed")
        corrections = UNDO[MatchKind(match.kind)](actor, match, bank_tx)
        match.status = MatchStatus.SUGGESTED
        match.confirmed_by = None
        match.confirmed_at = None
        match.save()
        record(
            coop_of(bank_tx),
            actor,
            "bank_match.undone",
            match,
            {
                "transaction": bank_tx.pk,
                "kind": match.kind,
                "amount": str(match.amount),
                "corrections": [row.pk for row in corrections],
            },
        )
        return corrections

"""What confirming a match records, and what undoing it takes back, for each kind of match.

banking.reconciling calls these inside its transaction, with the bank transaction locked:
CONFIRM[kind] records the payment, the line paid, the fee's expense or the interest's revenue
and keeps it on the match; UNDO[kind] takes back exactly that.
"""

import datetime
from typing import Any

from django.utils.translation import gettext as _

from banking.models import BankMatch, BankTransaction, MatchKind, MatchStatus
from billing import payments
from coop import clock, money
from coop.audit import record
from coop.errors import InvalidInput, PeriodLocked, StateConflict
from coop.models import Client, Member
from payroll import bookkeeping, distributing
from payroll.claim_models import ExpenseClaim
from payroll.models import Distribution, DistributionLine, Expense
from payroll.services import money_checks, money_in, spending

BANK_FEES_CATEGORY = "Bank fees"
INTEREST_NOTE = "Interest"


def coop_of(bank_transaction: BankTransaction) -> Any:
    return bank_transaction.account.cooperative


def _bank_client(bank_transaction: BankTransaction) -> Client:
    """Interest is revenue, and revenue comes from a client: the bank, as a client of the co-op
    named after the account (made the first time)."""
    account = bank_transaction.account
    client, _made = Client.objects.get_or_create(
        cooperative=account.cooperative, name=account.name[:200]
    )
    return client


# Confirming, by kind -------------------------------------------------------------------------


def _confirm_invoice(actor: Member | None, match: BankMatch, bank_tx: BankTransaction) -> None:
    invoice = match.invoice
    assert invoice is not None
    if bank_tx.amount <= 0:
        raise InvalidInput(_("Money paid out does not pay an invoice."), field="transaction")
    if invoice.currency != bank_tx.account.currency:
        raise InvalidInput(
            _(
                "The invoice is in %(invoice)s and the account in %(account)s: record this "
                "payment by hand with its exchange rate."
            )
            % {"invoice": invoice.currency, "account": bank_tx.account.currency},
            field="invoice",
        )
    # record_payment refuses more than is open: what is matched is what the invoice records.
    match.payment = payments.record_payment(
        actor=actor,
        invoice=invoice,
        received_on=bank_tx.booking_date,
        amount=match.amount,
        currency=invoice.currency,
        note=_("Bank transaction of %(day)s") % {"day": bank_tx.booking_date.isoformat()},
    )


def _target_id(pk: int | None) -> int:
    assert pk is not None  # the check constraint bank_match_target_of_kind
    return pk


def _cash_lines(distribution: Distribution) -> Any:
    return DistributionLine.objects.filter(distribution=distribution, cash__gt=0)


def _confirm_line(actor: Member | None, match: BankMatch, bank_tx: BankTransaction) -> None:
    line = DistributionLine.objects.select_for_update().get(
        pk=_target_id(match.distribution_line_id)
    )
    distribution = line.distribution
    if bank_tx.amount >= 0:
        raise InvalidInput(_("Money received does not pay out a line."), field="transaction")
    if distribution.status not in (Distribution.Status.APPROVED, Distribution.Status.PAID):
        raise StateConflict(
            _("Only the lines of an approved distribution are paid."), code="not_approved"
        )
    if match.amount != line.cash:
        raise InvalidInput(
            _("The line pays %(cash)s in cash: the matched amount must be the same.")
            % {"cash": money.format_money(line.cash, distribution.currency)},
            field="amount",
        )
    if BankMatch.objects.filter(distribution_line=line, status=MatchStatus.CONFIRMED).exists():
        raise StateConflict(_("This line is matched with a payment already."), code="line_paid")
    unpaid = (
        _cash_lines(distribution)
        .exclude(pk=line.pk)
        .exclude(bank_matches__status=MatchStatus.CONFIRMED)
    )
    bookkeeping.book_payout(line, date=bank_tx.booking_date, actor=actor)
    if distribution.status == Distribution.Status.APPROVED and not unpaid.exists():
        distributing.mark_paid(actor=actor, distribution=distribution)
        match.paid_distribution = True


def _confirm_expense(actor: Member | None, match: BankMatch, bank_tx: BankTransaction) -> None:
    expense = Expense.objects.select_for_update().get(pk=_target_id(match.expense_id))
    if bank_tx.amount >= 0:
        raise InvalidInput(_("Money received does not pay an expense."), field="transaction")
    if expense.status != Expense.Status.APPROVED:
        raise StateConflict(_("Only an approved expense is paid."), code="not_approved")
    if ExpenseClaim.objects.filter(expense=expense).exists():
        raise StateConflict(
            _(
                "This expense is a member's claim, paid back on a reimbursement line of a "
                "distribution: match the line."
            ),
            code="claim",
        )
    if match.amount != expense.amount:
        raise InvalidInput(
            _("The expense is %(amount)s: the matched amount must be the same.")
            % {"amount": money.format_money(expense.amount, expense.currency)},
            field="amount",
        )
    if BankMatch.objects.filter(expense=expense, status=MatchStatus.CONFIRMED).exists():
        raise StateConflict(_("This expense is matched with a payment already."), code="paid")


def _confirm_fee(actor: Member | None, match: BankMatch, bank_tx: BankTransaction) -> None:
    if bank_tx.amount >= 0:
        raise InvalidInput(_("A bank fee is money paid out."), field="transaction")
    expense = spending.record_expense(
        actor=actor,
        cooperative=coop_of(bank_tx),
        category=BANK_FEES_CATEGORY,
        amount=match.amount,
        date=bank_tx.booking_date,
        payee=(bank_tx.counterparty_name or bank_tx.account.name)[:200],
        note=bank_tx.remittance_information[:1000],
    )
    match.fee_expense = spending.decide_expense(
        actor=actor, expense=expense, approve=True, role="bank_fees"
    )


def _confirm_interest(actor: Member | None, match: BankMatch, bank_tx: BankTransaction) -> None:
    if bank_tx.amount <= 0:
        raise InvalidInput(_("Interest received is money coming in."), field="transaction")
    match.interest_revenue = money_in.record_revenue(
        actor=actor,
        cooperative=coop_of(bank_tx),
        client=_bank_client(bank_tx),
        amount=match.amount,
        received_on=bank_tx.booking_date,
        note=INTEREST_NOTE,
        role="interest_income",
    )


CONFIRM = {
    MatchKind.INVOICE: _confirm_invoice,
    MatchKind.PAYOUT: _confirm_line,
    MatchKind.COMMONS: _confirm_line,
    MatchKind.EXPENSE: _confirm_expense,
    MatchKind.BANK_FEE: _confirm_fee,
    MatchKind.INTEREST: _confirm_interest,
}


def _month_locked(cooperative: Any, day: datetime.date) -> bool:
    try:
        money_checks.ensure_money_month_open(cooperative, day)
    except PeriodLocked:
        return True
    return False


def _undo_fee(actor: Member | None, match: BankMatch, bank_tx: BankTransaction) -> list[Any]:
    """The fee's expense goes; in a distributed month it stays, and the open month gets the
    correction: revenue of the same amount, so that the surplus comes out right."""
    expense = match.fee_expense
    if expense is None:
        return []
    match.fee_expense = None
    match.save(update_fields=["fee_expense"])
    cooperative = expense.cooperative
    if _month_locked(cooperative, expense.date):
        return [
            money_in.record_revenue(
                actor=actor,
                cooperative=cooperative,
                client=_bank_client(bank_tx),
                amount=expense.amount,
                received_on=clock.today_in(cooperative),
                note=_(
                    "Correction: the bank fee of %(day)s, an expense of a distributed month, "
                    "was unmatched from the bank."
                )
                % {"day": expense.date.isoformat()},
            )
        ]
    data = {"amount": str(expense.amount), "date": expense.date}
    expense_id = expense.pk
    bookkeeping.take_back(
        cooperative, bookkeeping.EXPENSE, expense_id, date=expense.date, actor=actor
    )
    expense.delete()
    record(
        cooperative,
        actor,
        "expense.deleted",
        data=data,
        object_type="payroll.expense",
        object_id=expense_id,
    )
    return []


def _undo_interest(actor: Member | None, match: BankMatch, bank_tx: BankTransaction) -> list[Any]:
    revenue = match.interest_revenue
    if revenue is None:
        return []
    match.interest_revenue = None
    match.save(update_fields=["interest_revenue"])
    if _month_locked(revenue.cooperative, revenue.received_on):
        return [
            money_in.correct_revenue(
                actor=actor,
                revenue=revenue,
                received_on=clock.today_in(revenue.cooperative),
                note=_("Interest unmatched from the bank"),
            )
        ]
    money_in.delete_revenue(actor=actor, revenue=revenue)
    return []


def _undo_invoice(actor: Member | None, match: BankMatch, bank_tx: BankTransaction) -> list[Any]:
    payment = match.payment
    if payment is None:
        return []
    match.payment = None
    match.save(update_fields=["payment"])
    return payments.remove_payment(actor=actor, payment=payment)


def _undo_line(actor: Member | None, match: BankMatch, bank_tx: BankTransaction) -> list[Any]:
    """A line unmatched is a line unpaid: a distribution that matching made paid is approved
    again (one the treasurer marked paid by hand stays paid)."""
    line = DistributionLine.objects.select_related("distribution").get(
        pk=_target_id(match.distribution_line_id)
    )
    distribution = line.distribution
    made_paid = BankMatch.objects.filter(
        distribution_line__distribution=distribution,
        status=MatchStatus.CONFIRMED,
        paid_distribution=True,
    )
    if distribution.status == Distribution.Status.PAID and made_paid.exists():
        distributing.mark_unpaid(actor=actor, distribution=distribution)
        made_paid.exclude(pk=match.pk).update(paid_distribution=False)
    match.paid_distribution = False
    distribution.refresh_from_db(fields=["status", "paid_at"])
    bookkeeping.settle_payouts(distribution, actor=actor, unpaid=[line.pk])
    return []


UNDO = {
    MatchKind.INVOICE: _undo_invoice,
    MatchKind.PAYOUT: _undo_line,
    MatchKind.COMMONS: _undo_line,
    MatchKind.EXPENSE: lambda actor, match, bank_tx: [],
    MatchKind.BANK_FEE: _undo_fee,
    MatchKind.INTEREST: _undo_interest,
}

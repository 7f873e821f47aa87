"""The demo co-op's bank: its current account with two statements, last month's reconciled and
this month's with suggestions waiting. Loaded by `manage.py demo` after payroll's and billing's
demos (coop discovers `<app>.demo`), whose expenses, distribution and invoices the statements pay.

The statements are camt.053 files (banking.camt_writer) run through the real importer, so they
are stored as a bank's would be:
- last month: the approved distribution's payouts, each with the EndToEndId of the co-op's own
  pain.001 (payroll.documents.end_to_end_id), on the 5th, and the month's approved expenses
  paid on their days; every one of them is matched and confirmed;
- this month, up to today: the account's fee on the 1st, and today the clients' transfers for
  the invoices still open, with the invoice number in the remittance information; their
  suggestions wait for the treasurer.
"""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from banking import matching, reconciling
from banking.accounts import create_account
from banking.camt_writer import Entry, Statement, camt053_bytes, closing_balance
from banking.importing import import_statement
from banking.models import BankAccount, BankMatch, BankStatement, MatchStatus
from billing.models import Invoice
from coop import clock
from coop.models import Cooperative, Member
from payroll.documents import end_to_end_id
from payroll.models import Distribution, DistributionLine, Expense

ACCOUNT_NAME = "Caja Laboral current account"
OPENING_BALANCE = Decimal("48250.00")
MONTHLY_FEE = Decimal("-12.50")
PAYOUT_DAY = 5
# Made-up IBANs with valid check digits, the clients' accounts their transfers come from.
CLIENT_IBANS = {
    "Municipality of Rosario": "ES9000246912501234567891",
    "Food Co-op Network": "ES6621000418401234567891",
    "Free Culture Forum": "DE02100100109307118603",
}
OUT, IN = "PMNT/ICDT/ESCT", "PMNT/RCDT/ESCT"
FEE = "ACMT/MDOP/CHRG"


def load_demo(cooperative: Cooperative, today: datetime.date) -> None:
    """Idempotent: a co-op that already has a bank account keeps its bank as it is."""
    treasurer = Member.objects.filter(cooperative=cooperative, is_treasurer=True).first()
    if treasurer is None or not cooperative.iban:
        return
    if BankAccount.objects.filter(cooperative=cooperative).exists():
        return
    this_month = today.replace(day=1)
    last_month = this_month - relativedelta(months=1)
    account = create_account(
        cooperative=cooperative,
        actor=treasurer,
        name=ACCOUNT_NAME,
        iban=cooperative.iban,
        bic=cooperative.bic,
        currency=cooperative.currency,
        opening_balance=OPENING_BALANCE,
        opening_date=last_month - datetime.timedelta(days=1),
    )
    month_end = this_month - datetime.timedelta(days=1)
    last = _import(treasurer, account, last_month, month_end, _paid_out(account, last_month))
    _import(treasurer, account, this_month, today, _received(account, this_month, today))
    matching.suggest(cooperative=cooperative)
    for bank_tx in last.transactions.order_by("booking_date", "id"):
        best = bank_tx.matches.filter(status=MatchStatus.SUGGESTED).order_by("-confidence", "id")
        match = best.first()
        if match is not None:
            reconciling.confirm_match(actor=treasurer, match=match)
    # Suggestions of transactions now matched in full are dropped; this month's are made again.
    matching.suggest(cooperative=cooperative)


def _import(
    treasurer: Member,
    account: BankAccount,
    first: datetime.date,
    last: datetime.date,
    entries: list[Entry],
) -> BankStatement:
    opening = account.opening_balance + sum(
        (t.amount for t in account.transactions.all()), Decimal("0.00")
    )
    statement = Statement(
        statement_id=f"{first:%Y%m}-{account.pk:04d}",
        iban=account.iban,
        currency=account.currency,
        opening_balance=opening,
        opening_date=first,
        closing_balance=closing_balance(opening, entries),
        closing_date=last,
        created=clock.now(),
    )
    result = import_statement(
        actor=treasurer,
        cooperative=account.cooperative,
        data=camt053_bytes(statement, entries),
        file_name=f"camt053_{first:%Y-%m}.xml",
    )
    return result.statements[0]


def _reference(day: datetime.date, number: int) -> str:
    return f"{day:%Y%m%d}{number:06d}"


def _paid_out(account: BankAccount, last_month: datetime.date) -> list[Entry]:
    """Last month: the approved distribution's transfers and the approved expenses paid."""
    cooperative = account.cooperative
    entries: list[Entry] = []
    payday = last_month.replace(day=PAYOUT_DAY)
    lines = DistributionLine.objects.filter(
        distribution__cooperative=cooperative,
        distribution__status=Distribution.Status.APPROVED,
        cash__gt=0,
    ).exclude(iban="")
    for line in lines.select_related("distribution").order_by("distribution__month", "pk"):
        entries.append(
            Entry(
                -line.cash,
                payday,
                _reference(payday, len(entries) + 1),
                bank_code=OUT,
                end_to_end_id=end_to_end_id(line),
                counterparty_name=line.name,
                counterparty_iban=line.iban,
                remittance=f"{cooperative.name} {line.distribution.month:%Y-%m}",
            )
        )
    expenses = Expense.objects.filter(
        cooperative=cooperative,
        status=Expense.Status.APPROVED,
        date__gte=last_month,
        date__lt=last_month + relativedelta(months=1),
        claim__isnull=True,
    )
    for expense in expenses.order_by("date", "pk"):
        entries.append(
            Entry(
                -expense.amount,
                expense.date,
                _reference(expense.date, len(entries) + 1),
                bank_code=OUT,
                counterparty_name=expense.payee,
                remittance=expense.category,
            )
        )
    return sorted(entries, key=lambda entry: entry.booked)


def _received(account: BankAccount, first: datetime.date, today: datetime.date) -> list[Entry]:
    """This month: the account's fee, and the clients' transfers of the open invoices."""
    entries = [Entry(MONTHLY_FEE, first, _reference(first, 1), FEE, note="Comisión mantenimiento")]
    invoices = Invoice.objects.filter(
        cooperative=account.cooperative, status=Invoice.Status.ISSUED, kind=Invoice.Kind.INVOICE
    ).select_related("client")
    for invoice in invoices.order_by("number"):
        entries.append(
            Entry(
                invoice.gross_total,
                today,
                _reference(today, len(entries) + 1),
                bank_code=IN,
                counterparty_name=invoice.client.legal_name or invoice.client.name,
                counterparty_iban=CLIENT_IBANS.get(invoice.client.name, ""),
                remittance=f"Factura {invoice.number}",
            )
        )
    return entries


def summary(cooperative: Cooperative) -> str:
    statements = BankStatement.objects.filter(account__cooperative=cooperative).count()
    matches = BankMatch.objects.filter(transaction__account__cooperative=cooperative)
    confirmed = matches.filter(status=MatchStatus.CONFIRMED).count()
    waiting = matches.filter(status=MatchStatus.SUGGESTED).count()
    return (
        f"{statements} bank statements imported, {confirmed} transactions reconciled, "
        f"{waiting} suggestions waiting"
    )

"""Suggestions of reconciliation: which invoice, payout, expense, fee or interest each bank
transaction is, and how sure that is.

Money in is compared with the open invoices (their RF creditor reference or number in the
remittance information, the open amount, the payer's IBAN known from earlier matches of the
client); money out with the cash lines of approved distributions (by the EndToEndId Cooperage
wrote into its pain.001, or the payee's IBAN) and with approved expenses (amount, day within a
week, payee); bank fees and interest by the bank's transaction code. The points are in
banking.scoring. A few queries per run whatever the number of transactions: the targets are
read once and looked up by reference, number, amount and IBAN.
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction as db_transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from banking import scoring
from banking.match_selectors import unmatched_transactions
from banking.models import BankMatch, BankTransaction, MatchKind, MatchStatus
from billing.balances import open_invoices
from billing.models import Invoice
from coop.models import Cooperative
from payroll.documents import end_to_end_id
from payroll.models import Distribution, DistributionLine, Expense, LineKind

MIN_CONFIDENCE = 30
MOST_SUGGESTIONS = 3  # per transaction, surest first

REASONS = {
    "reference": _("the invoice's RF reference is in the transfer"),
    "number": _("the invoice number is in the remittance information"),
    "amount": _("the amount is the same"),
    "iban": _("the IBAN is known"),
    "end_to_end_id": _("the EndToEndId is the one Cooperage wrote into its SEPA file"),
    "date": _("booked within a week of the expense's date"),
    "payee": _("the payee's name is the same"),
    "bank_code": _("the bank's transaction code says so"),
    "split": _("the transfer names several invoices whose open amounts add up to it"),
    "chosen": _("chosen by the treasurer"),
}


def reasons_text(match: BankMatch) -> list[str]:
    """The reasons of a match in words, in the reader's language."""
    return [str(REASONS.get(code, code)) for code in match.reasons]


@dataclass
class Candidate:
    kind: str
    amount: Decimal
    score: scoring.Score
    target: dict[str, Any]

    @property
    def key(self) -> tuple[str, int | None]:
        target = next(iter(self.target.values()), None)
        return str(self.kind), getattr(target, "pk", None)


def _alternation(patterns: dict[str, str]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    alternatives = sorted(patterns.values(), key=len, reverse=True)
    return re.compile(
        r"(?<![0-9A-Za-z])(?:" + "|".join(alternatives) + r")(?![0-9A-Za-z])", re.IGNORECASE
    )


class Invoices:
    """The open invoices, looked up by reference, number, amount and the client's IBANs."""

    def __init__(self, cooperative: Cooperative):
        self.all: list[Invoice] = list(open_invoices(cooperative))
        self.by_compact: dict[str, list[Invoice]] = defaultdict(list)
        self.by_amount: dict[Decimal, list[Invoice]] = defaultdict(list)
        patterns = {}
        for invoice in self.all:
            for text in (invoice.number, invoice.payment_reference):
                if text:
                    self.by_compact[scoring.compact(text)].append(invoice)
                    parts = [re.escape(p) for p in re.split(r"[^0-9A-Za-z]+", text) if p]
                    patterns[text] = r"[\s\-/._]*".join(parts)
            self.by_amount[self.open(invoice)].append(invoice)
        self.pattern = _alternation(patterns)
        self.clients_of_iban: dict[str, set[int]] = defaultdict(set)
        confirmed = BankMatch.objects.filter(
            transaction__account__cooperative=cooperative,
            kind=MatchKind.INVOICE,
            status=MatchStatus.CONFIRMED,
        ).exclude(transaction__counterparty_iban="")
        for iban, client_id in confirmed.values_list(
            "transaction__counterparty_iban", "invoice__client_id"
        ):
            self.clients_of_iban[scoring.compact(iban)].add(client_id)

    @staticmethod
    def open(invoice: Invoice) -> Decimal:
        return Decimal(invoice.open_total).quantize(Decimal("0.01"))  # type: ignore[attr-defined]

    def named_in(self, bank_tx: BankTransaction) -> list[Invoice]:
        found: list[Invoice] = []
        texts = [bank_tx.creditor_reference] if bank_tx.creditor_reference else []
        if self.pattern is not None:
            texts += self.pattern.findall(bank_tx.remittance_information)
        for text in texts:
            for invoice in self.by_compact.get(scoring.compact(text), []):
                if invoice not in found:
                    found.append(invoice)
        return found

    def candidates(self, bank_tx: BankTransaction, remaining: Decimal) -> list[Candidate]:
        named = self.named_in(bank_tx)
        iban = scoring.compact(bank_tx.counterparty_iban)
        clients = self.clients_of_iban.get(iban, set()) if iban else set()
        by_amount = self.by_amount.get(remaining, [])
        pool = list(named)
        pool += [i for i in by_amount if i not in pool and (len(by_amount) == 1 or clients)]
        result = []
        for invoice in pool:
            score = scoring.score_invoice(
                remittance=bank_tx.remittance_information,
                creditor_reference=bank_tx.creditor_reference,
                amount=remaining,
                number=invoice.number,
                payment_reference=invoice.payment_reference,
                open_amount=self.open(invoice),
                iban_known=invoice.client_id in clients,
            )
            if score.reasons == ["amount"] and len(by_amount) > 1:
                continue  # an amount alone, that several invoices share, says nothing
            amount = min(remaining, self.open(invoice))
            result.append(Candidate(MatchKind.INVOICE, amount, score, {"invoice": invoice}))
        return _with_split(result, named, remaining, self)


def _with_split(
    result: list[Candidate], named: list[Invoice], remaining: Decimal, invoices: Invoices
) -> list[Candidate]:
    """Several invoices named in one transfer whose open amounts add up to it: a split, each
    part its invoice's open amount (the treasurer confirms them together: reconciling.split)."""
    if len(named) < 2 or sum(invoices.open(i) for i in named) != remaining:
        return result
    for candidate in result:
        if candidate.target["invoice"] in named:
            candidate.amount = invoices.open(candidate.target["invoice"])
            if "amount" not in candidate.score.reasons:
                candidate.score.add("split", scoring.AMOUNT)
    return result


class Lines:
    """The unpaid cash lines of approved distributions, by EndToEndId and IBAN."""

    def __init__(self, cooperative: Cooperative):
        lines = (
            DistributionLine.objects.filter(
                distribution__cooperative=cooperative,
                distribution__status__in=[Distribution.Status.APPROVED, Distribution.Status.PAID],
                cash__gt=0,
            )
            .exclude(bank_matches__status=MatchStatus.CONFIRMED)
            .select_related("distribution")
        )
        self.by_end_to_end: dict[str, DistributionLine] = {}
        self.by_iban: dict[str, list[DistributionLine]] = defaultdict(list)
        for line in lines:
            self.by_end_to_end[end_to_end_id(line)] = line
            if line.iban:
                self.by_iban[scoring.compact(line.iban)].append(line)

    def candidates(self, bank_tx: BankTransaction, remaining: Decimal) -> list[Candidate]:
        pool = []
        if bank_tx.end_to_end_id in self.by_end_to_end:
            pool.append(self.by_end_to_end[bank_tx.end_to_end_id])
        iban = scoring.compact(bank_tx.counterparty_iban)
        pool += [line for line in self.by_iban.get(iban, []) if line not in pool and iban]
        result = []
        for line in pool:
            if line.cash > remaining:
                continue
            score = scoring.score_line(
                end_to_end_id=bank_tx.end_to_end_id,
                counterparty_iban=bank_tx.counterparty_iban,
                amount=remaining,
                line_end_to_end_id=end_to_end_id(line),
                line_iban=line.iban,
                cash=line.cash,
            )
            if score.reasons == ["iban"]:
                continue  # the member's IBAN alone: another month's line, or something else
            kind = MatchKind.COMMONS if line.kind == LineKind.COMMONS else MatchKind.PAYOUT
            result.append(Candidate(kind, line.cash, score, {"distribution_line": line}))
        return result


class Expenses:
    """Approved expenses not matched yet, by amount."""

    def __init__(self, cooperative: Cooperative, transactions: list[BankTransaction]):
        self.by_amount: dict[Decimal, list[Expense]] = defaultdict(list)
        outgoing = [t.booking_date for t in transactions if t.amount < 0]
        if not outgoing:
            return
        days = scoring.EXPENSE_DAYS
        expenses = (
            Expense.objects.filter(
                cooperative=cooperative,
                status=Expense.Status.APPROVED,
                date__gte=min(outgoing) - datetime.timedelta(days=days),
                date__lte=max(outgoing) + datetime.timedelta(days=days),
                bank_fee_match__isnull=True,
                # a member's claim is paid back on a reimbursement line: matched as a payout
                claim__isnull=True,
            )
            .exclude(pk__in=_paid_expenses(cooperative))
            .only("pk", "amount", "date", "payee", "currency")
        )
        for expense in expenses:
            self.by_amount[expense.amount].append(expense)

    def candidates(self, bank_tx: BankTransaction, remaining: Decimal) -> list[Candidate]:
        result = []
        for expense in self.by_amount.get(remaining, []):
            score = scoring.score_expense(
                counterparty_name=bank_tx.counterparty_name,
                amount=remaining,
                booked=bank_tx.booking_date,
                payee=expense.payee,
                expense_amount=expense.amount,
                expense_date=expense.date,
            )
            if score.reasons:
                result.append(Candidate(MatchKind.EXPENSE, remaining, score, {"expense": expense}))
        return result


def _paid_expenses(cooperative: Cooperative) -> Any:
    return BankMatch.objects.filter(
        transaction__account__cooperative=cooperative,
        status=MatchStatus.CONFIRMED,
        expense__isnull=False,
    ).values("expense_id")


def _fee_or_interest(bank_tx: BankTransaction, remaining: Decimal) -> list[Candidate]:
    kind = scoring.fee_or_interest(bank_tx.bank_transaction_code, bank_tx.amount)
    if kind is None:
        return []
    score = scoring.Score()
    score.add("bank_code", scoring.BANK_CODE)
    return [Candidate(kind, remaining, score, {})]


def suggest(
    *,
    cooperative: Cooperative,
    transactions: QuerySet[BankTransaction] | Iterable[BankTransaction] | None = None,
) -> list[BankMatch]:
    """Suggest matches for the co-op's unmatched transactions (or those of them given, best as
    a queryset: a statement's `transactions`): the suggestions made before are replaced, the ones
    the treasurer set aside are not made again, and those the treasurer chose stay. A fixed
    number of queries, whatever the number of transactions."""
    scope = BankTransaction.objects.filter(account__cooperative=cooperative)
    if isinstance(transactions, QuerySet):
        scope = scope.filter(pk__in=transactions.values("pk"))
    elif transactions is not None:
        scope = scope.filter(pk__in=[t.pk for t in transactions])
    in_scope = scope.values("pk")
    pending = list(unmatched_transactions(cooperative).filter(pk__in=in_scope))
    invoices, lines = Invoices(cooperative), Lines(cooperative)
    expenses = Expenses(cooperative, pending)
    refused = {
        (m.transaction_id, m.kind, m.invoice_id or m.distribution_line_id or m.expense_id)
        for m in BankMatch.objects.filter(transaction__in=in_scope, status=MatchStatus.SET_ASIDE)
    }
    made = []
    for bank_tx in pending:
        remaining = abs(bank_tx.amount) - bank_tx.matched  # type: ignore[attr-defined]
        if bank_tx.amount > 0:
            found = invoices.candidates(bank_tx, remaining)
        else:
            found = lines.candidates(bank_tx, remaining) + expenses.candidates(bank_tx, remaining)
        found += _fee_or_interest(bank_tx, remaining)
        found = [
            c
            for c in found
            if c.score.confidence >= MIN_CONFIDENCE and (bank_tx.pk, *c.key) not in refused
        ]
        found.sort(key=lambda c: (-c.score.confidence, c.key[1] or 0))
        for candidate in found[:MOST_SUGGESTIONS]:
            made.append(
                BankMatch(
                    transaction=bank_tx,
                    kind=candidate.kind,
                    amount=candidate.amount,
                    confidence=candidate.score.confidence,
                    reasons=candidate.score.reasons,
                    **candidate.target,
                )
            )
    with db_transaction.atomic():
        BankMatch.objects.filter(transaction__in=in_scope, status=MatchStatus.SUGGESTED).exclude(
            reasons=["chosen"]
        ).delete()
        BankMatch.objects.bulk_create(made, batch_size=1000)
    return made

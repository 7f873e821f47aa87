"""Wording of the reconciliation pages: what a match points at, the suggestions grouped by
bank transaction, and the targets the treasurer may choose by hand, as (value, label) choices.

A chosen target is written as "invoice-12", "line-4", "expense-7", "bank_fee" or "interest";
`banking.reconciliation_forms` reads it back within the co-op.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from banking import match_selectors
from banking.matching import reasons_text
from banking.models import BankMatch, BankTransaction, MatchKind
from billing.balances import open_invoices
from billing.models import Invoice
from coop.locale_formats import format_medium_day, format_month
from coop.models import Cooperative
from coop.money import format_money
from payroll.documents import end_to_end_id
from payroll.models import DistributionLine, Expense


def invoice_label(invoice: Invoice, open_total: Any = None) -> str:
    text = _("Invoice %(number)s to %(client)s") % {
        "number": invoice.number,
        "client": invoice.client.name,
    }
    if open_total is not None:
        text += " · " + _("%(amount)s open") % {
            "amount": format_money(open_total, invoice.currency)
        }
    return text


def line_label(line: DistributionLine) -> str:
    return _("%(name)s, distribution of %(month)s: %(cash)s in cash (EndToEndId %(id)s)") % {
        "name": line.name,
        "month": format_month(line.distribution.month),
        "cash": format_money(line.cash, line.distribution.currency),
        "id": end_to_end_id(line),
    }


def expense_label(expense: Expense) -> str:
    return _("Expense to %(payee)s of %(day)s: %(amount)s (%(category)s)") % {
        "payee": expense.payee,
        "day": format_medium_day(expense.date),
        "amount": format_money(expense.amount, expense.currency),
        "category": expense.category,
    }


def target_label(match: BankMatch) -> str:
    """What the match says the money was, in words."""
    if match.invoice is not None:
        return invoice_label(match.invoice)
    if match.distribution_line is not None:
        return line_label(match.distribution_line)
    if match.expense is not None:
        return expense_label(match.expense)
    if match.kind == MatchKind.BANK_FEE:
        return _("A bank fee (an expense in the category Bank fees)")
    if match.kind == MatchKind.INTEREST:
        return _("Interest (revenue from the bank)")
    return str(MatchKind(match.kind).label)


def target_value(match: BankMatch) -> str:
    """The match's target as the forms' choices write it."""
    if match.invoice_id:
        return f"invoice-{match.invoice_id}"
    if match.distribution_line_id:
        return f"line-{match.distribution_line_id}"
    if match.expense_id:
        return f"expense-{match.expense_id}"
    return str(match.kind)


@dataclass
class Suggestion:
    match: BankMatch
    target: str
    reasons: list[str]


@dataclass
class TransactionGroup:
    transaction: BankTransaction
    suggestions: list[Suggestion] = field(default_factory=list)


def suggestion_groups(matches: Iterable[BankMatch]) -> list[TransactionGroup]:
    """The suggestions grouped by their transaction, in the order given (the selector's)."""
    groups: dict[int, TransactionGroup] = {}
    for match in matches:
        group = groups.setdefault(match.transaction_id, TransactionGroup(match.transaction))
        group.suggestions.append(Suggestion(match, target_label(match), reasons_text(match)))
    return list(groups.values())


def first_groups(matches: QuerySet[BankMatch], limit: int) -> tuple[list[TransactionGroup], bool]:
    """The suggestions of the first transactions (in the queryset's order), read `limit` rows at
    most, and whether more wait: a page stays small whatever the statement's size. A group the
    limit may have cut short is left for later."""
    fetched = list(matches[: limit + 1])
    groups = suggestion_groups(fetched)
    if len(fetched) <= limit:
        return groups, False
    return groups[:-1], True


def confirmed_rows(matches: Iterable[BankMatch]) -> list[Suggestion]:
    return [Suggestion(match, target_label(match), reasons_text(match)) for match in matches]


Choices = list[tuple[str, Any]]


def target_choices(cooperative: Cooperative, bank_tx: BankTransaction) -> Choices:
    """What money of this direction may be: open invoices and interest for money in; unpaid
    cash lines, approved expenses and a bank fee for money out. Grouped for a <select>."""
    if bank_tx.amount > 0:
        invoices = [
            (f"invoice-{i.pk}", invoice_label(i, i.open_total))  # type: ignore[attr-defined]
            for i in open_invoices(cooperative)
        ]
        return _grouped(
            [
                (_("Open invoices"), invoices),
                (_("Other"), [(MatchKind.INTEREST.value, _("Interest (revenue from the bank)"))]),
            ]
        )
    lines = [
        (f"line-{line.pk}", line_label(line))
        for line in match_selectors.unpaid_cash_lines(cooperative)
    ]
    expenses = [
        (f"expense-{expense.pk}", expense_label(expense))
        for expense in match_selectors.unpaid_expenses(cooperative)
    ]
    fee = _("A bank fee (an expense in the category Bank fees)")
    return _grouped(
        [
            (_("Cash lines of approved distributions"), lines),
            (_("Approved expenses"), expenses),
            (_("Other"), [(MatchKind.BANK_FEE.value, fee)]),
        ]
    )


def _grouped(groups: Choices) -> Choices:
    """The groups that have something, after an empty first choice."""
    return [("", _("Choose…")), *[(name, options) for name, options in groups if options]]

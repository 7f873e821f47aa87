"""Billing's records in the books' registry (`books.sources`): invoices and credit notes
(`billing.invoice`, order 10) and payments (`billing.payment`, order 20), each with its
backfill and its check; payments cover the revenue rows payroll keeps for them.

The backfill writes what the live path writes (`billing.bookkeeping`), dated as the events
were: an invoice on its issue date, a payment on the day it was received. Payments removed
before the books left no record, so nothing is booked for them.
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Sum

from billing import bookkeeping
from billing.bookkeeping import INVOICE, PAYMENT
from billing.models import Invoice, InvoiceKind, InvoiceStatus, Payment, PaymentRevenue
from books import sources
from books.charts import Role
from books.models import AccountMapping, JournalEntry, JournalLine
from books.periods import Period
from coop.models import AuditEvent, Cooperative
from coop.money import format_money
from payroll.models import Revenue

REVENUE = "payroll.revenue"


def _booked(cooperative: Cooperative, source_type: str) -> set[str]:
    """The ids of the records of `source_type` that have an entry of their own (reversed or
    not: a reversed payment entry was removed with its payment)."""
    return set(
        JournalEntry.objects.filter(
            cooperative=cooperative, source_type=source_type, reverses__isnull=True
        ).values_list("source_id", flat=True)
    )


def _issued(cooperative: Cooperative):
    return (
        Invoice.objects.filter(cooperative=cooperative)
        .exclude(status=InvoiceStatus.DRAFT)
        .select_related("cooperative", "client", "corrects")
    )


def backfill_invoices(cooperative: Cooperative) -> int:
    booked = _booked(cooperative, INVOICE)
    written = 0
    for invoice in _issued(cooperative).order_by("issue_date", "id"):
        if str(invoice.pk) in booked:
            continue
        try:
            entry = bookkeeping.book_invoice(invoice)
        except bookkeeping.TotalsMismatch:
            continue  # the check names it: its receivable is not in the journal
        if entry is not None:
            written += 1
    return written


def backfill_payments(cooperative: Cooperative) -> int:
    booked = _booked(cooperative, PAYMENT)
    written = 0
    payments = Payment.objects.filter(cooperative=cooperative).select_related(
        "cooperative", "invoice", "invoice__cooperative", "invoice__client"
    )
    for payment in payments.order_by("received_on", "id"):
        if str(payment.pk) not in booked:
            bookkeeping.book_payment(payment)
            written += 1
    return written


def _account(cooperative: Cooperative, role: Role) -> int | None:
    """The account that plays `role` now (the check reads the mapping as it is)."""
    return (
        AccountMapping.objects.filter(cooperative=cooperative, role=role)
        .values_list("account", flat=True)
        .first()
    )


def _role_sums(cooperative: Cooperative, source_type: str, role: Role) -> dict[str, Decimal]:
    """Per record of `source_type`: what its entries (with their reversals) put on the account
    of `role`, debit positive."""
    rows = (
        JournalLine.objects.filter(
            entry__cooperative=cooperative,
            entry__source_type=source_type,
            account=_account(cooperative, role),
        )
        .values_list("entry__source_id")
        .annotate(total=Sum("amount"))
    )
    return {source_id: total for source_id, total in rows}


def _month_sums(cooperative: Cooperative, source_type: str, role: Role) -> dict[str, Decimal]:
    """Per month: what the entries of `source_type` that stand put on `role`'s account."""
    rows = JournalLine.objects.filter(
        entry__cooperative=cooperative,
        entry__source_type=source_type,
        entry__reverses__isnull=True,
        entry__reversed_by__isnull=True,
        account=_account(cooperative, role),
    ).values_list("entry__date", "amount")
    months: dict[str, Decimal] = defaultdict(Decimal)
    for day, amount in rows:
        months[f"{day:%Y-%m}"] += amount
    return months


def _money(cooperative: Cooperative, amount: Decimal) -> str:
    return format_money(amount, cooperative.currency)


def _compare_months(
    cooperative: Cooperative, what: str, records: dict[str, Decimal], books: dict[str, Decimal]
) -> list[str]:
    return [
        f"{what} of {month}: the records say {_money(cooperative, records.get(month, Decimal(0)))}"
        f", the journal {_money(cooperative, books.get(month, Decimal(0)))}"
        for month in sorted(set(records) | set(books))
        if records.get(month, Decimal(0)) != books.get(month, Decimal(0))
    ]


def check_invoices(cooperative: Cooperative) -> list[str]:
    """Per issued invoice or credit note in the co-op's currency, its entries' receivable equals
    its gross (a credit note's, credited); one in another currency has none. And per month."""
    journal = _role_sums(cooperative, INVOICE, Role.RECEIVABLES)
    problems: list[str] = []
    months: dict[str, Decimal] = defaultdict(Decimal)
    seen = set()
    for invoice in _issued(cooperative).order_by("issue_date", "id"):
        seen.add(str(invoice.pk))
        expected = Decimal(0)
        if not bookkeeping.is_foreign(invoice):
            sign = -1 if invoice.kind == InvoiceKind.CREDIT_NOTE else 1
            expected = sign * invoice.gross_total
            months[f"{invoice.issue_date:%Y-%m}"] += expected
        found = journal.get(str(invoice.pk), Decimal(0))
        if found != expected:
            problems.append(
                f"{invoice.get_kind_display()} {invoice.number}: receivable "
                f"{_money(cooperative, expected)}, the journal {_money(cooperative, found)}"
            )
    for source_id, found in journal.items():
        if source_id not in seen and found:
            problems.append(f"invoice #{source_id} is not issued, the journal books {found}")
    booked = _month_sums(cooperative, INVOICE, Role.RECEIVABLES)
    return problems + _compare_months(cooperative, "Receivables invoiced", months, booked)


def check_payments(cooperative: Cooperative) -> list[str]:
    """Per payment, its entry's bank debit equals its amount in the co-op's currency; a removed
    payment's entries add up to nothing on the bank. And per month of receipt."""
    journal = _role_sums(cooperative, PAYMENT, Role.BANK)
    problems: list[str] = []
    months: dict[str, Decimal] = defaultdict(Decimal)
    seen = set()
    for payment in Payment.objects.filter(cooperative=cooperative).select_related("invoice"):
        seen.add(str(payment.pk))
        months[f"{payment.received_on:%Y-%m}"] += payment.amount_in_coop_currency
        found = journal.get(str(payment.pk), Decimal(0))
        if found != payment.amount_in_coop_currency:
            problems.append(
                f"payment #{payment.pk} of {payment.invoice.number}: bank "
                f"{_money(cooperative, payment.amount_in_coop_currency)}, the journal "
                f"{_money(cooperative, found)}"
            )
    for source_id, found in journal.items():
        if source_id not in seen and found:
            problems.append(
                f"payment #{source_id} was removed, the journal still books "
                f"{_money(cooperative, found)} on the bank"
            )
    booked = _month_sums(cooperative, PAYMENT, Role.BANK)
    return problems + _compare_months(cooperative, "Payments received", months, booked)


def covers_revenue(cooperative: Cooperative) -> Iterable[tuple[str, str]]:
    """The revenue rows payments made (booked with the payment) and, for payments removed in a
    distributed month, those rows and the corrections that took them back."""
    for revenue_id in PaymentRevenue.objects.filter(payment__cooperative=cooperative).values_list(
        "revenue_id", flat=True
    ):
        yield REVENUE, str(revenue_id)
    corrections = [
        correction
        for data in AuditEvent.objects.filter(
            cooperative=cooperative, verb="payment.removed"
        ).values_list("data", flat=True)
        for correction in (data or {}).get("corrections", [])
    ]
    for row_id, corrects_id in Revenue.objects.filter(
        cooperative=cooperative, pk__in=corrections
    ).values_list("pk", "corrects_id"):
        yield REVENUE, str(row_id)
        yield REVENUE, str(corrects_id)


def payment_figures(cooperative: Cooperative, period: Period) -> sources.Figures:
    """No page figure of its own (the revenue a payment makes is payroll's): which invoice
    each payment entry of the period settles, so that the books count the revenue it brings
    (`books.ties`). A payment removed left its invoice's number in its audit event."""
    settles = {
        str(payment_id): (INVOICE, str(invoice_id))
        for payment_id, invoice_id in Payment.objects.filter(
            cooperative=cooperative, received_on__range=(period.first, period.last)
        ).values_list("pk", "invoice_id")
    }
    removed = dict(
        AuditEvent.objects.filter(
            cooperative=cooperative, verb="payment.removed", object_type=PAYMENT
        ).values_list("object_id", "data__invoice")
    )
    if removed:
        invoices = dict(
            Invoice.objects.filter(
                cooperative=cooperative, number__in=set(removed.values())
            ).values_list("number", "pk")
        )
        for payment_id, number in removed.items():
            if number in invoices:
                settles[str(payment_id)] = (INVOICE, str(invoices[number]))
    return sources.Figures(settles=settles)


def register() -> None:
    sources.register(INVOICE, backfill=backfill_invoices, check=check_invoices, order=10)
    sources.register(
        PAYMENT,
        backfill=backfill_payments,
        check=check_payments,
        order=20,
        covers=covers_revenue,
        figures=payment_figures,
    )

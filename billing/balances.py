"""Reads of what clients owe: an invoice's open amount, open balances, the aging report.

An invoice's open amount is its total (gross) less the credit notes issued against it and the
payments received for it; it is below zero after a confirmed overpayment. Every list here costs
a fixed number of queries (the sums are subqueries of one statement).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Abs, Coalesce

from billing.models import Invoice, InvoiceKind, InvoiceStatus, Payment
from coop.models import Client, Cooperative

ZERO = Decimal("0.00")
MONEY: DecimalField = DecimalField(max_digits=14, decimal_places=2)
# Issued invoices that may still be owed (a paid one owes nothing, a credited one is cancelled).
OPEN_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.SENT)


def with_open_amounts(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Annotate `paid_total`, `credited_total` and `open_total` (in the invoice's currency)."""
    paid = (
        Payment.objects.filter(invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    # A credit note's total is taken as a positive amount, whichever sign it is written with.
    credited = (
        Invoice.objects.filter(corrects=OuterRef("pk"), kind=InvoiceKind.CREDIT_NOTE)
        .exclude(status=InvoiceStatus.DRAFT)
        .order_by()
        .values("corrects")
        .annotate(total=Sum(Abs("gross_total")))
        .values("total")
    )
    return invoices.annotate(
        paid_total=Coalesce(Subquery(paid, output_field=MONEY), Value(ZERO), output_field=MONEY),
        credited_total=Coalesce(
            Subquery(credited, output_field=MONEY), Value(ZERO), output_field=MONEY
        ),
    ).annotate(
        open_total=F("gross_total") - F("paid_total") - F("credited_total"),
    )


def open_total(invoice: Invoice) -> Decimal:
    """The open amount of an invoice read through `with_open_amounts`."""
    return Decimal(getattr(invoice, "open_total"))  # noqa: B009 -- an annotation, not a field


def open_amount(invoice: Invoice) -> Decimal:
    """What is still owed on one invoice, in its currency."""
    value = with_open_amounts(Invoice.objects.filter(pk=invoice.pk)).get()
    return open_total(value).quantize(Decimal("0.01"))


def open_invoices(cooperative: Cooperative) -> QuerySet[Invoice]:
    """The co-op's issued invoices not paid in full, with their open amounts, oldest due first."""
    return (
        with_open_amounts(
            Invoice.objects.filter(
                cooperative=cooperative, kind=InvoiceKind.INVOICE, status__in=OPEN_STATUSES
            )
        )
        .filter(open_total__gt=0)  # type: ignore[misc]  # an annotation
        .select_related("client")
        .order_by("due_date", "sequence", "pk")
    )


@dataclass
class Balance:
    """What one client owes in one currency."""

    client: Client
    currency: str
    open_total: Decimal = ZERO
    invoices: int = 0


def balances(cooperative: Cooperative, client: Client | None = None) -> list[Balance]:
    """Open balances per client and currency (clients with nothing open are left out)."""
    invoices = open_invoices(cooperative)
    if client is not None:
        invoices = invoices.filter(client=client)
    by_key: dict[tuple[int, str], Balance] = {}
    for invoice in invoices:
        key = (invoice.client_id, invoice.currency)
        balance = by_key.setdefault(key, Balance(invoice.client, invoice.currency))
        balance.open_total += open_total(invoice)
        balance.invoices += 1
    return sorted(by_key.values(), key=lambda b: (b.client.name.lower(), b.client.pk, b.currency))


BUCKETS = ("not_due", "days_0_30", "days_31_60", "days_61_90", "days_over_90")


def bucket_of(due_date: datetime.date, on_day: datetime.date) -> str:
    """Not due yet before the due date; from the due date on, by days past it: 0–30, 31–60,
    61–90, over 90."""
    days = (on_day - due_date).days
    if days < 0:
        return "not_due"
    if days <= 30:
        return "days_0_30"
    if days <= 60:
        return "days_31_60"
    if days <= 90:
        return "days_61_90"
    return "days_over_90"


@dataclass
class AgingRow:
    client: Client
    buckets: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(BUCKETS, ZERO))

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), ZERO)


@dataclass
class AgingReport:
    """The open amounts of one currency by client and bucket, with the buckets' totals."""

    currency: str
    rows: list[AgingRow]

    @property
    def totals(self) -> dict[str, Decimal]:
        return {bucket: sum((row.buckets[bucket] for row in self.rows), ZERO) for bucket in BUCKETS}

    @property
    def total(self) -> Decimal:
        return sum(self.totals.values(), ZERO)


def aging(cooperative: Cooperative, on_day: datetime.date) -> list[AgingReport]:
    """Open amounts of issued invoices on `on_day`, by client and days past due, per currency
    (the co-op's currency first). Payments received after `on_day` still count as received:
    the report is of what is open now, aged as of that day."""
    by_currency: dict[str, dict[int, AgingRow]] = defaultdict(dict)
    for invoice in open_invoices(cooperative).filter(issue_date__lte=on_day):
        rows = by_currency[invoice.currency]
        row = rows.setdefault(invoice.client_id, AgingRow(invoice.client))
        due = invoice.due_date or invoice.issue_date or on_day
        row.buckets[bucket_of(due, on_day)] += open_total(invoice)
    reports = [
        AgingReport(
            currency,
            sorted(rows.values(), key=lambda r: (r.client.name.lower(), r.client.pk)),
        )
        for currency, rows in by_currency.items()
    ]
    return sorted(reports, key=lambda r: (r.currency != cooperative.currency, r.currency))

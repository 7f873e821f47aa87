"""Reads of billing: the rates that apply to a client's hours, invoices as a co-op may list them."""

import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from billing import rates
from billing.models import BillingRate, Invoice, InvoiceKind, InvoiceStatus
from coop.models import Client, Cooperative, Member, Project

LEVELS = {"coop": rates.COOP, "client": rates.CLIENT, "project": rates.PROJECT}


def _as_rate(row: BillingRate) -> rates.Rate:
    level = rates.MEMBER if row.scope.startswith("member:") else LEVELS[row.scope.split(":")[0]]
    return rates.Rate(
        level=level,
        rate=row.rate,
        currency=row.currency,
        valid_from=row.valid_from,
        project_id=row.project_id,
        member_id=row.member_id,
        id=row.pk,
    )


def rate_table(cooperative: Cooperative, client: Client) -> rates.RateTable:
    """Every rate that may bill the client's hours, in ONE query: the co-op's defaults, the
    client's, and those of its projects and of members on them."""
    rows = BillingRate.objects.filter(cooperative=cooperative).filter(
        Q(scope="coop") | Q(scope=f"client:{client.pk}") | Q(project__client=client)
    )
    return rates.RateTable([_as_rate(row) for row in rows])


def rate_for(project: Project, member: Member, day: datetime.date) -> rates.Rate | None:
    """The rate that bills `member`'s hours on `project` on `day`, or None."""
    table = rate_table(project.cooperative, project.client)
    return table.rate_for(project.pk, member.pk, day)


def invoices_of(
    cooperative: Cooperative,
    *,
    status: str | None = None,
    client: int | None = None,
    kind: str | None = None,
) -> QuerySet[Invoice]:
    """A co-op's invoices and credit notes, newest first; every member may read them."""
    invoices = Invoice.objects.filter(cooperative=cooperative).select_related("client", "corrects")
    if status:
        invoices = invoices.filter(status=status)
    if client:
        invoices = invoices.filter(client_id=client)
    if kind:
        invoices = invoices.filter(kind=kind)
    return invoices


def invoice_with_lines(cooperative: Cooperative, pk: int) -> Invoice | None:
    return (
        Invoice.objects.filter(cooperative=cooperative, pk=pk)
        .select_related("client", "corrects")
        .prefetch_related("lines__project", "lines__member__user", "credit_notes")
        .first()
    )


def credited_gross(invoice: Invoice) -> Decimal:
    """What the credit notes issued against `invoice` add up to, VAT included."""
    total = (
        Invoice.objects.filter(corrects=invoice, kind=InvoiceKind.CREDIT_NOTE)
        .exclude(status=InvoiceStatus.DRAFT)
        .aggregate(total=Sum("gross_total"))["total"]
    )
    return total or Decimal("0")

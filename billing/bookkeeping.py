"""The journal entries of billing's money events, written in each event's own transaction.

`billing.issuing` and `billing.payments` call these; `billing.book_sources` calls the same
functions to backfill the records from before the books, so that a backfilled entry is the
entry the live path writes. docs/books.md, "What billing books", shows the entries.

- An invoice issued in the co-op's currency: Dr receivables (its gross), Cr revenue by VAT
  category (its net), Cr output VAT by rate (its VAT), on its issue date. A credit note is the
  mirror. The amounts are the invoice's EN 16931 totals (`billing.totals`), to the cent.
- A payment: Dr bank, Cr receivables, its amount in the co-op's currency, on the day received.
  An overpayment is credited to receivables whole: the client's account shows a credit.
- An invoice in another currency is booked when paid (cash basis): it has no rate at issue,
  and the books are kept in the co-op's currency. The payment credits its revenue and VAT
  accounts in the invoice's proportions instead of receivables; its credit notes book nothing.
- A payment removed: its entry is reversed, on its own day when its month is open, else today.
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from billing.configuration import settings_of
from billing.models import BillingSettings, Invoice, InvoiceKind, Payment, VatCategory
from billing.totals import Line as TotalsLine
from billing.totals import totals
from books.charts import Role
from books.journal import Line, post, reverse
from books.models import EntryKind, JournalEntry
from coop.models import Cooperative, Member
from payroll.allocation import largest_remainder

INVOICE = "billing.invoice"
PAYMENT = "billing.payment"
CENTS = 2  # the journal's amounts have two decimals

TAX_FREE = (VatCategory.ZERO, VatCategory.EXEMPT, VatCategory.EXPORT)


class TotalsMismatch(AssertionError):
    """An issued invoice's lines do not add up to its frozen total (never on the live path,
    which freezes the totals from the lines; the backfill skips it and the check names it)."""


def is_foreign(invoice: Invoice) -> bool:
    """An invoice in another currency than the co-op's: booked when paid."""
    return invoice.currency != invoice.cooperative.currency


def is_reduced(rate: Decimal, settings: BillingSettings) -> bool:
    """Whether a standard-category rate is the reduced one: below the co-op's standard rate, or
    (no standard rate set) the reduced rate of its settings. Billing writes the reduced rate as
    category S at the reduced rate (`billing.vat`)."""
    if settings.standard_vat_rate is not None:
        return rate < Decimal(settings.standard_vat_rate)
    return settings.reduced_vat_rate is not None and rate == Decimal(settings.reduced_vat_rate)


def revenue_role(category: str, rate: Decimal, settings: BillingSettings) -> Role:
    if category == VatCategory.REVERSE_CHARGE:
        return Role.REVENUE_REVERSE_CHARGE
    if category in TAX_FREE:
        return Role.REVENUE_TAX_FREE
    return Role.REVENUE_REDUCED if is_reduced(rate, settings) else Role.REVENUE_STANDARD


def vat_role(rate: Decimal, settings: BillingSettings) -> Role:
    return Role.VAT_REDUCED if is_reduced(rate, settings) else Role.VAT_STANDARD


def invoice_credits(invoice: Invoice) -> dict[Role, Decimal]:
    """What an invoice credits, by role (in its own currency): each VAT group's taxable amount
    on its revenue role and its VAT on its VAT role. They add up to the invoice's gross."""
    settings = settings_of(invoice.cooperative)
    lines = [
        TotalsLine(net=net, vat_category=category, vat_rate=rate)
        for net, category, rate in invoice.lines.values_list("net", "vat_category", "vat_rate")
    ]
    amounts: dict[Role, Decimal] = defaultdict(Decimal)
    for group in totals(lines).breakdown:
        amounts[revenue_role(group.category, group.rate, settings)] += group.taxable
        if group.vat:
            amounts[vat_role(group.rate, settings)] += group.vat
    return {role: amount for role, amount in amounts.items() if amount}


def _lines(debits: dict[Role, Decimal], credits: dict[Role, Decimal]) -> list[Line]:
    lines = [Line(role, amount) for role, amount in debits.items() if amount]
    lines += [Line(role, -amount) for role, amount in credits.items() if amount]
    return lines


def book_invoice(invoice: Invoice, *, actor: Member | None = None) -> JournalEntry | None:
    """The entry of an invoice or a credit note issued in the co-op's currency (none for one in
    another currency, or one whose lines add up to nothing)."""
    if is_foreign(invoice):
        return None
    credits = invoice_credits(invoice)
    gross = sum(credits.values(), Decimal(0))
    if gross != invoice.gross_total:  # the totals are frozen from the same lines
        raise TotalsMismatch(f"invoice {invoice.pk}: lines add up to {gross}, not its total")
    receivable = {Role.RECEIVABLES: gross}
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        lines = _lines(credits, receivable)
        kind = EntryKind.CREDIT_NOTE
        description = _("Credit note %(number)s for invoice %(invoice)s, %(client)s") % {
            "number": invoice.number,
            "invoice": invoice.corrects.number if invoice.corrects else "",
            "client": invoice.buyer.get("name") or invoice.client.name,
        }
    else:
        lines = _lines(receivable, credits)
        kind = EntryKind.INVOICE_ISSUED
        description = _("Invoice %(number)s to %(client)s") % {
            "number": invoice.number,
            "client": invoice.buyer.get("name") or invoice.client.name,
        }
    if len(lines) < 2:
        return None
    return post(
        cooperative=invoice.cooperative,
        date=invoice.issue_date,
        kind=kind,
        description=description,
        lines=lines,
        source=(INVOICE, invoice.pk),
        actor=actor,
    )


def split(total: Decimal, weights: dict[Role, Decimal]) -> dict[Role, Decimal]:
    """`total` split in proportion to `weights` (largest remainder, in cents): the parts add up
    to `total` exactly. A negative weight (a discount group) counts as nothing."""
    roles = list(weights)
    shares = [Fraction(max(weights[role], Decimal(0))) for role in roles]
    if not any(shares):
        return {}
    parts = largest_remainder(int(total.scaleb(CENTS)), shares)
    return {role: Decimal(part).scaleb(-CENTS) for role, part in zip(roles, parts, strict=True)}


def payment_credits(payment: Payment) -> dict[Role, Decimal]:
    """What a payment credits, in the co-op's currency: receivables, or for an invoice in
    another currency its revenue and VAT roles in the invoice's proportions."""
    amount = payment.amount_in_coop_currency
    if not is_foreign(payment.invoice):
        return {Role.RECEIVABLES: amount}
    credits = split(amount, invoice_credits(payment.invoice))
    return credits or {Role.REVENUE_TAX_FREE: amount}


def vat_part(invoice: Invoice, amount: Decimal) -> Decimal | None:
    """The VAT a payment of `amount` (in the co-op's currency) of an invoice in another currency
    is booked with (`payment_credits`); None when its split has no VAT group to go by."""
    credits = split(amount, invoice_credits(invoice))
    if not credits:
        return None
    return sum(
        (part for role, part in credits.items() if role in (Role.VAT_STANDARD, Role.VAT_REDUCED)),
        Decimal(0),
    )


def book_payment(payment: Payment, *, actor: Member | None = None) -> JournalEntry:
    """Dr bank, Cr receivables (or revenue and VAT), on the day the payment was received."""
    invoice = payment.invoice
    return post(
        cooperative=payment.cooperative,
        date=payment.received_on,
        kind=EntryKind.PAYMENT_RECEIVED,
        description=_("Payment of invoice %(number)s by %(client)s")
        % {
            "number": invoice.number,
            "client": invoice.buyer.get("name") or invoice.client.name,
        },
        lines=_lines({Role.BANK: payment.amount_in_coop_currency}, payment_credits(payment)),
        source=(PAYMENT, payment.pk),
        actor=actor,
    )


def live_entry(
    cooperative: Cooperative, source_type: str, source_id: object
) -> JournalEntry | None:
    """The record's own entry that stands (not a reversal, not reversed), if any."""
    return (
        JournalEntry.objects.filter(
            cooperative=cooperative,
            source_type=source_type,
            source_id=str(source_id),
            reverses__isnull=True,
            reversed_by__isnull=True,
        )
        .order_by("id")
        .first()
    )


def unbook_payment(
    payment: Payment, *, date: datetime.date, actor: Member | None = None
) -> JournalEntry | None:
    """Reverse a payment's entry on `date` (nothing when it has none: from before the books)."""
    entry = live_entry(payment.cooperative, PAYMENT, payment.pk)
    if entry is None:
        return None
    return reverse(
        entry,
        date=date,
        actor=actor,
        description=_("Payment of invoice %(number)s removed") % {"number": payment.invoice.number},
    )

"""Writes of payments: money received for an issued invoice, which becomes the month's revenue.

A payment is in the invoice's currency; when that is not the co-op's, the amount in the co-op's
currency and the exchange rate are recorded both (one given, the other derived). In the same
transaction the payment becomes payroll's `Revenue` of the month it was received, split over
the invoice's projects in proportion to its lines' nets (largest remainder, in minor units),
through payroll's own service, so that a distributed month refuses it as it refuses any revenue.
"""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from billing import bookkeeping
from billing.balances import open_amount
from billing.models import Invoice, InvoiceStatus, Payment, PaymentRevenue
from coop import clock, money
from coop.audit import record
from coop.errors import InvalidInput, PeriodLocked, StateConflict
from coop.hours.services import hold_books
from coop.locale_formats import format_day
from coop.models import Member, Project
from coop.models.cooperative import Role
from coop.services import require_role
from payroll.allocation import largest_remainder
from payroll.models import Revenue
from payroll.services import money_checks, money_in

PAYABLE = (InvoiceStatus.ISSUED, InvoiceStatus.SENT, InvoiceStatus.PAID)
RATE_PLACES = Decimal("0.00000001")  # Payment.exchange_rate holds 8 decimals


def _cents(currency: str) -> Decimal:
    return Decimal(1).scaleb(-money.minor_units(currency))


def _amount(value: Any, currency: str, field: str) -> Decimal:
    """A positive amount with at most the currency's decimals, that the books can hold."""
    if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
        raise InvalidInput(_("The amount must be positive."), field=field)
    if money.exceeds_max(value):
        raise InvalidInput(
            _("An amount is at most %(max)s.") % {"max": money.format_max()}, field=field
        )
    if value != value.quantize(_cents(currency)):
        raise InvalidInput(
            _("%(currency)s amounts have %(decimals)s decimals at most.")
            % {"currency": currency, "decimals": money.minor_units(currency)},
            field=field,
        )
    return value


def _in_coop_currency(
    invoice: Invoice,
    amount: Decimal,
    amount_in_coop_currency: Any,
    exchange_rate: Any,
) -> tuple[Decimal, Decimal | None]:
    """The amount in the co-op's currency and the rate: one given, the other derived."""
    coop_currency = invoice.cooperative.currency
    if invoice.currency == coop_currency:
        if amount_in_coop_currency is not None and amount_in_coop_currency != amount:
            raise InvalidInput(
                _("The invoice is in the co-op's currency: leave this empty."),
                field="amount_in_coop_currency",
            )
        return amount, None
    if amount_in_coop_currency is None and exchange_rate is None:
        raise InvalidInput(
            _(
                "The invoice is in %(currency)s: give the amount in %(coop_currency)s or the "
                "exchange rate."
            )
            % {"currency": invoice.currency, "coop_currency": coop_currency},
            field="amount_in_coop_currency",
        )
    if exchange_rate is not None:
        try:
            valid = exchange_rate.is_finite() and exchange_rate > 0
            rate = exchange_rate.quantize(RATE_PLACES) if valid else None
        except (AttributeError, InvalidOperation):
            valid, rate = False, None
        if not valid or rate != exchange_rate:
            raise InvalidInput(
                _("The exchange rate must be positive, with 8 decimals at most."),
                field="exchange_rate",
            )
        derived = (amount * exchange_rate).quantize(_cents(coop_currency), ROUND_HALF_UP)
        if amount_in_coop_currency is not None and amount_in_coop_currency != derived:
            raise InvalidInput(
                _("At this rate the amount is %(amount)s: give one of the two.")
                % {"amount": money.format_money(derived, coop_currency)},
                field="amount_in_coop_currency",
            )
        return _amount(derived, coop_currency, "exchange_rate"), exchange_rate
    converted = _amount(amount_in_coop_currency, coop_currency, "amount_in_coop_currency")
    return converted, (converted / amount).quantize(RATE_PLACES, ROUND_HALF_UP)


def _check_day(invoice: Invoice, received_on: Any) -> datetime.date:
    if not isinstance(received_on, datetime.date):
        raise InvalidInput(_("Give the day the money was received."), field="received_on")
    if received_on > clock.today_in(invoice.cooperative):
        raise InvalidInput(_("A payment cannot be received in the future."), field="received_on")
    if invoice.issue_date and received_on < invoice.issue_date:
        raise InvalidInput(
            _("The invoice was issued on %(day)s: a payment for it cannot be earlier.")
            % {"day": format_day(invoice.issue_date)},
            field="received_on",
        )
    return received_on


def _check_payable(invoice: Invoice) -> None:
    if invoice.kind != Invoice.Kind.INVOICE:
        raise StateConflict(_("A credit note is not paid."), code="not_payable")
    if invoice.status == InvoiceStatus.DRAFT:
        raise StateConflict(_("A draft cannot be paid: issue it first."), code="not_issued")
    if invoice.status == InvoiceStatus.CREDITED:
        raise StateConflict(
            _("This invoice was cancelled by a credit note: it cannot be paid."),
            code="credited",
        )


def split_by_nets(
    nets: dict[int | None, Decimal], total: Decimal, places: int
) -> list[tuple[int | None, Decimal]]:
    """`total` split by `nets` (project id → sum of its lines' nets), exactly, in minor units
    of `places` decimals (largest remainder, ties to the lower project id; no project last).

    A project whose lines add up to nothing or less (a discount line) gets no part; when no
    project has a positive net, the whole goes to no project. The parts add up to `total`.
    """
    keys = sorted(nets, key=lambda key: (key is None, key or 0))
    weights = [Fraction(max(nets[key], Decimal(0))) for key in keys]
    if not any(weights):
        return [(None, total)]
    parts = largest_remainder(int(total.scaleb(places)), weights)
    return [
        (key, Decimal(part).scaleb(-places)) for key, part in zip(keys, parts, strict=True) if part
    ]


def revenue_parts(
    invoice: Invoice, total: Decimal, currency: str
) -> list[tuple[int | None, Decimal]]:
    """`total` (in `currency`) split over the invoice's projects by their lines' nets."""
    nets: dict[int | None, Decimal] = defaultdict(Decimal)
    for project_id, net in invoice.lines.values_list("project_id", "net"):
        nets[project_id] += net
    return split_by_nets(nets, total, money.minor_units(currency))


def revenue_of(invoice: Invoice, received: Decimal, currency: str) -> Decimal:
    """The co-op's revenue in a payment: what was received without the VAT it carries, in the
    invoice's proportion of net to total (rounded half up to the cent). The VAT is collected for
    the tax authority: distributing it to members would pay out money the co-op owes.

    A payment of an invoice in another currency is booked split over the invoice's revenue and
    VAT groups (`bookkeeping.payment_credits`, largest remainder): its revenue is what that
    split leaves without the VAT, so that the money pages and the journal agree to the cent
    (rounding the net share half up could give a cent more or less, books.ties showed)."""
    if invoice.vat_total == 0 or invoice.gross_total <= 0:
        return received
    if bookkeeping.is_foreign(invoice):
        vat = bookkeeping.vat_part(invoice, received)
        if vat is not None:
            return received - vat
    share = received * invoice.net_total / invoice.gross_total
    return share.quantize(Decimal(1).scaleb(-money.minor_units(currency)), ROUND_HALF_UP)


def _settle_status(invoice: Invoice) -> None:
    """Paid when nothing is open; else back to sent or issued (as it was before a payment)."""
    status = invoice.status
    if open_amount(invoice) <= 0:
        status = InvoiceStatus.PAID
    elif status == InvoiceStatus.PAID:
        status = InvoiceStatus.SENT if invoice.sent_at else InvoiceStatus.ISSUED
    if invoice.status != status:
        invoice.status = status
        invoice.save(update_fields=["status", "updated_at"])


def _locked_invoice(invoice: Invoice) -> Invoice:
    return (
        Invoice.objects.select_for_update()
        .select_related("cooperative", "client")
        .get(pk=invoice.pk)
    )


def record_payment(
    *,
    actor: Member | None,
    invoice: Invoice,
    received_on: datetime.date,
    amount: Decimal,
    currency: str,
    amount_in_coop_currency: Decimal | None = None,
    exchange_rate: Decimal | None = None,
    confirm_overpayment: bool = False,
    note: str = "",
) -> Payment:
    """Record money received for an issued invoice and the month's revenue it makes."""
    require_role(actor, Role.TREASURER)
    cooperative = invoice.cooperative
    with transaction.atomic():
        hold_books(cooperative)
        invoice = _locked_invoice(invoice)
        _check_payable(invoice)
        if currency != invoice.currency:
            raise InvalidInput(
                _("The invoice is in %(currency)s: the payment must be too.")
                % {"currency": invoice.currency},
                field="currency",
            )
        amount = _amount(amount, invoice.currency, "amount")
        received_on = _check_day(invoice, received_on)
        still_open = open_amount(invoice)
        if amount > still_open and not confirm_overpayment:
            raise InvalidInput(
                _(
                    "The open amount is %(open)s: confirm that the client paid more, or record "
                    "what is open."
                )
                % {"open": money.format_money(max(still_open, Decimal(0)), invoice.currency)},
                field="amount",
            )
        in_coop, rate = _in_coop_currency(invoice, amount, amount_in_coop_currency, exchange_rate)
        payment = Payment.objects.create(
            cooperative=cooperative,
            invoice=invoice,
            received_on=received_on,
            amount=amount,
            currency=invoice.currency,
            amount_in_coop_currency=in_coop,
            exchange_rate=rate,
            overpayment_confirmed=amount > still_open,
            note=note,
            recorded_by=actor,
        )
        bookkeeping.book_payment(payment, actor=actor)
        earned = revenue_of(invoice, in_coop, cooperative.currency)
        parts = revenue_parts(invoice, earned, cooperative.currency) if earned > 0 else []
        projects = Project.objects.in_bulk([key for key, _part in parts if key is not None])
        for project_id, part in parts:
            revenue = money_in.record_revenue(
                actor=actor,
                cooperative=cooperative,
                client=invoice.client,
                project=projects[project_id] if project_id is not None else None,
                amount=part,
                received_on=received_on,
                invoice_reference=invoice.number,
                note=note,
                book=False,  # booked with the payment: Dr bank, Cr receivables
            )
            PaymentRevenue.objects.create(payment=payment, revenue=revenue)
        _settle_status(invoice)
        record(
            cooperative,
            actor,
            "payment.recorded",
            payment,
            {
                "invoice": invoice.number,
                "amount": str(amount),
                "currency": invoice.currency,
                "amount_in_coop_currency": str(in_coop),
                "exchange_rate": str(rate) if rate is not None else None,
                "received_on": received_on,
                "overpayment": payment.overpayment_confirmed,
            },
        )
        return payment


def _month_locked(payment: Payment) -> bool:
    try:
        money_checks.ensure_money_month_open(payment.cooperative, payment.received_on)
    except PeriodLocked:
        return True
    return False


def remove_payment(*, actor: Member | None, payment: Payment) -> list[Revenue]:
    """Delete a payment and its revenue; when its month was distributed, the revenue stays and
    a correction takes it back today (an open month). Returns the corrections made."""
    require_role(actor, Role.TREASURER)
    cooperative = payment.cooperative
    with transaction.atomic():
        hold_books(cooperative)
        invoice = _locked_invoice(payment.invoice)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        links = list(payment.revenue_links.select_related("revenue", "revenue__cooperative"))
        revenue = [link.revenue for link in links]
        locked = _month_locked(payment)
        PaymentRevenue.objects.filter(payment=payment).delete()
        corrections = []
        today = clock.today_in(cooperative)
        for row in revenue:
            if locked:
                corrections.append(
                    money_in.correct_revenue(
                        actor=actor,
                        revenue=row,
                        received_on=today,
                        note=_("Payment of %(invoice)s removed") % {"invoice": invoice.number},
                        book=False,
                    )
                )
            else:
                money_in.delete_revenue(actor=actor, revenue=row, book=False)
        data = {
            "invoice": invoice.number,
            "amount": str(payment.amount),
            "currency": payment.currency,
            "received_on": payment.received_on,
            "corrections": [row.pk for row in corrections],
        }
        # Its entry is taken back on its own day while its month is open, else today.
        bookkeeping.unbook_payment(
            payment, date=today if locked else payment.received_on, actor=actor
        )
        payment_id = payment.pk
        payment.delete()
        _settle_status(invoice)
        record(
            cooperative,
            actor,
            "payment.removed",
            data=data,
            object_type="billing.payment",
            object_id=payment_id,
        )
        return corrections

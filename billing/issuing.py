"""Issuing invoices and credit notes: the gapless number, the dates, the payment reference and
the seller and buyer frozen as they are on the issue day; credit notes that correct or cancel
an issued invoice."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext
from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

from billing import bookkeeping, enqueue
from billing.configuration import settings_of
from billing.invoicing import apply_totals
from billing.models import (
    BilledEntry,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceSequence,
    InvoiceStatus,
)
from billing.selectors import credited_gross
from coop.audit import record
from coop.clock import today_in
from coop.errors import InvalidInput, StateConflict
from coop.models import Client, Cooperative, Member
from coop.models.cooperative import Role
from coop.money import format_money
from coop.services.checks import require_role

ISSUED = (InvoiceStatus.ISSUED, InvoiceStatus.SENT, InvoiceStatus.PAID)


def payment_reference(number: str) -> str:
    """The ISO 11649 structured creditor reference ("RF" + 2 check digits + up to 21 letters
    and digits) made of the invoice number's letters and digits: "2026-0007" → "RF…20260007"."""
    reference = "".join(ch for ch in number.upper() if ch.isascii() and ch.isalnum())[-21:]
    reference = reference or "0"
    check = mod_97_10.calc_check_digits(reference + "RF")
    return iso11649.validate(f"RF{check}{reference}")


def format_number(pattern: str, year: int, number: int) -> str:
    try:
        text = pattern.format(year=year, number=number)
    except (KeyError, IndexError, ValueError):
        text = ""
    if "{number" not in pattern or not text or len(text) > 40:
        raise InvalidInput(
            gettext(
                "The invoice number pattern “%(pattern)s” cannot number invoices: it needs "
                "{number} (e.g. {year}-{number:04d})."
            )
            % {"pattern": pattern},
            field="number_pattern",
        )
    return text


def _missing(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, field=field)


def check_parties(cooperative: Cooperative, client: Client) -> None:
    """What an EU invoice must name (Art. 226 of the VAT Directive; EN 16931 BG-4, BG-7)."""
    if not (client.legal_name or client.name).strip():
        raise _missing("legal_name", gettext("The client needs its legal name on an invoice."))
    if not client.address.strip():
        raise _missing(
            "address",
            gettext("Client %(client)s has no address: an invoice must name the buyer's address.")
            % {"client": client.name},
        )
    if not client.country:
        raise _missing(
            "country",
            gettext("Client %(client)s has no country: an invoice must name the buyer's country.")
            % {"client": client.name},
        )
    if not cooperative.address.strip():
        raise _missing(
            "address",
            gettext("The co-op has no address: an invoice must name the seller's address."),
        )
    if not cooperative.country:
        raise _missing(
            "country",
            gettext("The co-op has no country: an invoice must name the seller's country."),
        )
    if not (cooperative.vat_id or cooperative.tax_number):
        raise _missing(
            "vat_id",
            gettext(
                "The co-op has neither a VAT ID nor a tax number: an invoice must carry one of "
                "them."
            ),
        )


def _seller(cooperative: Cooperative) -> dict[str, str]:
    return {
        "name": cooperative.name,
        "legal_name": cooperative.legal_name or cooperative.name,
        "address": cooperative.address,
        "country": cooperative.country,
        "vat_id": cooperative.vat_id,
        "tax_number": cooperative.tax_number,
        "email": cooperative.email,
        "iban": cooperative.iban,
        "bic": cooperative.bic,
    }


def _buyer(client: Client) -> dict[str, str]:
    return {
        "name": client.name,
        "legal_name": client.legal_name or client.name,
        "address": client.address,
        "country": client.country,
        "vat_id": client.vat_id,
        "email": client.invoice_email,
    }


def _next_number(cooperative: Cooperative, year: int) -> int:
    """Lock the co-op's sequence of the year and take its next number. The lock is held until
    the issuing transaction ends; if it rolls back, so does the number: no gap."""
    InvoiceSequence.objects.get_or_create(cooperative=cooperative, year=year)
    sequence = InvoiceSequence.objects.select_for_update().get(cooperative=cooperative, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


def _already_issued(invoice: Invoice) -> StateConflict:
    return StateConflict(
        gettext("This invoice was already issued as %(number)s.") % {"number": invoice.number},
        code="already_issued",
    )


def _issue_locked(actor: Member | None, invoice: Invoice) -> Invoice:
    """Issue a draft already locked by the caller's transaction."""
    cooperative = invoice.cooperative
    if not invoice.is_draft:
        raise _already_issued(invoice)
    lines = list(invoice.lines.all())
    if not lines:
        raise InvalidInput(
            gettext("An invoice needs at least one line before it is issued."), field="lines"
        )
    check_parties(cooperative, invoice.client)
    apply_totals(invoice, lines)
    if invoice.gross_total < 0:
        raise InvalidInput(
            gettext(
                "The invoice's total is negative: correct an issued invoice with a credit note."
            ),
            field="lines",
        )
    settings = settings_of(cooperative)
    today = today_in(cooperative)
    number = _next_number(cooperative, today.year)
    invoice.number = format_number(settings.number_pattern, today.year, number)
    invoice.year, invoice.sequence = today.year, number
    invoice.issue_date = today
    invoice.due_date = today + datetime.timedelta(days=invoice.client.payment_terms_days)
    invoice.payment_reference = payment_reference(invoice.number)
    invoice.seller, invoice.buyer = _seller(cooperative), _buyer(invoice.client)
    invoice.buyer["buyer_reference"] = invoice.buyer_reference
    invoice.status = InvoiceStatus.ISSUED
    invoice.issued_by = actor
    invoice.save()
    # Its entry, in this transaction: a chart without an account for a role refuses the issue.
    bookkeeping.book_invoice(invoice, actor=actor)
    record(
        cooperative,
        actor,
        "invoice.issued" if invoice.kind == InvoiceKind.INVOICE else "credit_note.issued",
        invoice,
        {
            "number": invoice.number,
            "kind": invoice.kind,
            "corrects": invoice.corrects_id,
            "net": str(invoice.net_total),
            "vat": str(invoice.vat_total),
            "gross": str(invoice.gross_total),
            "currency": invoice.currency,
        },
    )
    enqueue.invoice_documents(invoice)  # the PDF and the e-invoice, made by the worker
    return invoice


def _locked(invoice: Invoice) -> Invoice:
    return (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("cooperative", "client")
        .get(pk=invoice.pk)
    )


def issue_invoice(*, actor: Member | None, invoice: Invoice) -> Invoice:
    """Issue a draft: number it (gapless per co-op and year, inside this transaction), date it,
    freeze the seller, the buyer and the totals. It never changes again."""
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        return _issue_locked(actor, _locked(invoice))


def _credit_lines(
    invoice: Invoice, lines: list[tuple[InvoiceLine, Any]] | None
) -> list[InvoiceLine]:
    if lines is None:
        return [
            InvoiceLine(
                position=line.position,
                description=line.description,
                project_id=line.project_id,
                member_id=line.member_id,
                minutes=line.minutes,
                quantity=line.quantity,
                unit=line.unit,
                unit_price=line.unit_price,
                base_quantity=line.base_quantity,
                net=line.net,
                vat_category=line.vat_category,
                vat_rate=line.vat_rate,
                credited_line=line,
            )
            for line in invoice.lines.all()
        ]
    if not lines:
        raise InvalidInput(gettext("Choose the lines to credit."), field="lines")
    credited = []
    for position, (line, amount) in enumerate(lines, start=1):
        if line.invoice_id != invoice.pk:
            raise InvalidInput(
                gettext("Line %(id)s is not a line of this invoice.") % {"id": line.pk},
                field="lines",
            )
        try:
            amount = Decimal(str(amount))
        except ArithmeticError:
            amount = Decimal("NaN")
        if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            raise InvalidInput(
                gettext("Enter an amount above 0 to credit, in cents at most."), field="amount"
            )
        if amount > abs(line.net):
            raise InvalidInput(
                gettext("Line %(position)s bills %(net)s: you cannot credit more than that.")
                % {"position": line.position, "net": format_money(line.net, invoice.currency)},
                field="amount",
            )
        credited.append(
            InvoiceLine(
                position=position,
                description=line.description,
                project_id=line.project_id,
                member_id=line.member_id,
                quantity=Decimal(1),
                unit="C62",
                unit_price=amount,
                net=amount,
                vat_category=line.vat_category,
                vat_rate=line.vat_rate,
                credited_line=line,
            )
        )
    return credited


def credit_invoice(
    *,
    actor: Member | None,
    invoice: Invoice,
    lines: list[tuple[InvoiceLine, Any]] | None = None,
    reason: str = "",
    release_hours: bool = False,
) -> Invoice:
    """Issue a credit note against an issued invoice: all of it (`lines` None, a cancellation)
    or amounts of some lines (`[(line, net amount)]`). Amounts on a credit note are positive.

    All credit notes together may not credit more than the invoice's total. A full cancellation
    marks the invoice `credited`; with `release_hours`, its entries are unbilled again (its own
    lines keep their minutes and nets, as an issued invoice never changes).
    """
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        invoice = _locked(invoice)
        if invoice.kind != InvoiceKind.INVOICE:
            raise StateConflict(gettext("A credit note cannot be credited."), code="not_an_invoice")
        if invoice.status == InvoiceStatus.DRAFT:
            raise StateConflict(
                gettext("This invoice is a draft: change or delete it instead of crediting it."),
                code="draft",
            )
        if invoice.status == InvoiceStatus.CREDITED:
            raise StateConflict(
                gettext("Invoice %(number)s is already fully credited.")
                % {"number": invoice.number},
                code="already_credited",
            )
        note = Invoice(
            cooperative=invoice.cooperative,
            client=invoice.client,
            kind=InvoiceKind.CREDIT_NOTE,
            corrects=invoice,
            grouping=invoice.grouping,
            period_start=invoice.period_start,
            period_end=invoice.period_end,
            currency=invoice.currency,
            language=invoice.language,
            buyer_reference=invoice.buyer_reference,
            note=reason.strip(),
            vat_notes=invoice.vat_notes,
            created_by=actor,
        )
        credit_lines = _credit_lines(invoice, lines)
        apply_totals(note, credit_lines)
        already = credited_gross(invoice)
        if already + note.gross_total > invoice.gross_total:
            raise InvalidInput(
                gettext(
                    "Invoice %(number)s totals %(total)s and %(credited)s of it is already "
                    "credited: this credit note of %(amount)s would credit more than the invoice."
                )
                % {
                    "number": invoice.number,
                    "total": format_money(invoice.gross_total, invoice.currency),
                    "credited": format_money(already, invoice.currency),
                    "amount": format_money(note.gross_total, invoice.currency),
                },
                field="amount",
            )
        note.save()
        for line in credit_lines:
            line.invoice = note
        InvoiceLine.objects.bulk_create(credit_lines)
        note = _issue_locked(actor, _locked(note))
        full = already + note.gross_total == invoice.gross_total
        released = 0
        if full:
            invoice.status = InvoiceStatus.CREDITED
            invoice.save(update_fields=["status", "updated_at"])
            if release_hours:
                released = BilledEntry.objects.filter(line__invoice=invoice).delete()[0]
        record(
            invoice.cooperative,
            actor,
            "invoice.credited",
            invoice,
            {
                "credit_note": note.number,
                "amount": str(note.gross_total),
                "full": full,
                "released_entries": released,
                "reason": reason,
            },
        )
        return note

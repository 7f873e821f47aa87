"""Writes of sending: an issued invoice e-mailed to the client, and reminders of overdue ones.

`send_invoice` asks for the e-mail; `billing.tasks.send_invoice_email` sends it once its PDF is
made (`deliver_invoice`), and the sweep asks again for what a lost message or a missing PDF left
unsent. An invoice is e-mailed once: `sent_at` is set in the transaction that sends, under the
invoice's row lock, and the e-mail's Message-ID is the invoice's own, so that the one resend a
killed worker can cause is the same message to mail servers and clients.

Reminders: the treasurers (not the client) are told when an unpaid invoice reaches the next
dunning level (days past its due date, `BillingSettings.dunning_days`); the level and the day
are stored with the same update that selects the invoice, so a second sweep sends nothing twice.
"""

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from billing import enqueue
from billing.balances import open_invoices, open_total
from billing.configuration import settings_of
from billing.models import Invoice, InvoiceStatus
from coop import clock
from coop.audit import record
from coop.errors import InvalidInput, StateConflict
from coop.locale_formats import format_day
from coop.models import Cooperative, Member
from coop.models.cooperative import Role
from coop.money import format_money
from coop.services import require_role

DEFAULT_DUNNING_DAYS = (7, 30, 60)
SENDABLE = (InvoiceStatus.ISSUED, InvoiceStatus.SENT, InvoiceStatus.PAID)


def dunning_days(cooperative: Cooperative) -> tuple[int, ...]:
    """The days past due at which each dunning level is reached, ascending."""
    days = sorted({int(day) for day in settings_of(cooperative).dunning_days if int(day) > 0})
    return tuple(days) or DEFAULT_DUNNING_DAYS


def invoice_email(invoice: Invoice) -> str:
    """Where the client wants invoices: the address on the issued invoice, else the client's."""
    return (invoice.buyer or {}).get("email") or invoice.client.invoice_email


def _host() -> str:
    return urlsplit(settings.SITE_URL or "http://cooperage.invalid").hostname or "cooperage.invalid"


def _site(path: str) -> str:
    return (settings.SITE_URL or "").rstrip("/") + path


def send_invoice(*, actor: Member | None, invoice: Invoice) -> Invoice:
    """Ask for the invoice to be e-mailed to the client (sent once its PDF is made)."""
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        invoice = (
            Invoice.objects.select_for_update()
            .select_related("client", "cooperative")
            .get(pk=invoice.pk)
        )
        if invoice.status not in SENDABLE:
            raise StateConflict(
                _("Only an issued invoice can be sent: issue it first."), code="not_issued"
            )
        if invoice.sent_at is not None:
            raise StateConflict(
                _("This invoice was sent on %(day)s.")
                % {
                    "day": format_day(
                        invoice.sent_at.astimezone(clock.zone_of(invoice.cooperative)).date()
                    )
                },
                code="already_sent",
            )
        if not invoice_email(invoice):
            raise InvalidInput(
                _("%(client)s has no invoice e-mail: add one to the client first.")
                % {"client": invoice.client.name},
                field="invoice_email",
            )
        if invoice.send_requested_at is None:
            invoice.send_requested_at = clock.now()
            invoice.save(update_fields=["send_requested_at", "updated_at"])
        record(
            invoice.cooperative,
            actor,
            "invoice.send_requested",
            invoice,
            {"number": invoice.number, "to": invoice_email(invoice)},
        )
        enqueue.invoice_email(invoice.pk)
        return invoice


SENT, ALREADY_SENT, PDF_MISSING = "sent", "already_sent", "pdf_missing"


def _invoice_message(invoice: Invoice) -> EmailMessage:
    cooperative = invoice.cooperative
    with translation.override(invoice.language or settings.LANGUAGE_CODE):
        language = translation.get_language()
        values = {
            "coop": cooperative.name,
            "number": invoice.number,
            "day": format_day(invoice.issue_date or clock.today_in(cooperative)),
            "amount": format_money(invoice.gross_total, invoice.currency, language),
            "due": format_day(invoice.due_date or invoice.issue_date or clock.today()),
            "reference": invoice.payment_reference or invoice.number,
        }
        subject = _("Invoice %(number)s from %(coop)s") % values
        body = (
            _(
                "Dear client,\n\nplease find attached our invoice %(number)s of %(day)s for "
                "%(amount)s, due on %(due)s. Please quote the payment reference %(reference)s.\n\n"
                "Kind regards,\n%(coop)s"
            )
            % values
        )
    message = EmailMessage(
        subject,
        body + "\n",
        settings.DEFAULT_FROM_EMAIL,
        [invoice_email(invoice)],
        headers={"Message-ID": f"<invoice-{invoice.pk}@{_host()}>"},
    )
    with invoice.pdf.open("rb") as pdf:
        message.attach(f"{invoice.number}.pdf", pdf.read(), "application/pdf")
    if invoice.xml:
        with invoice.xml.open("rb") as xml:
            message.attach(f"{invoice.number}.xml", xml.read(), "application/xml")
    return message


def deliver_invoice(invoice_id: int) -> str:
    """E-mail the invoice to the client unless done; `sent`, `already_sent` or `pdf_missing`
    (the task retries later, and so does the sweep)."""
    with transaction.atomic():
        invoice = (
            Invoice.objects.select_for_update()
            .select_related("client", "cooperative")
            .filter(pk=invoice_id)
            .first()
        )
        if invoice is None or invoice.sent_at is not None:
            return ALREADY_SENT
        if not invoice.pdf:
            return PDF_MISSING
        _invoice_message(invoice).send(fail_silently=False)
        invoice.sent_at = clock.now()
        if invoice.status == InvoiceStatus.ISSUED:
            invoice.status = InvoiceStatus.SENT
        invoice.save(update_fields=["sent_at", "status", "updated_at"])
        record(
            invoice.cooperative,
            None,
            "invoice.sent",
            invoice,
            {"number": invoice.number, "to": invoice_email(invoice)},
        )
        return SENT


def unsent_invoices() -> list[int]:
    """Invoices asked to be sent, not sent yet, whose PDF is made (for the sweep)."""
    return list(
        Invoice.objects.filter(send_requested_at__isnull=False, sent_at__isnull=True)
        .exclude(pdf="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# Reminders -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    invoice: Invoice
    days_overdue: int
    level: int


def level_for(days_overdue: int, days: tuple[int, ...]) -> int:
    """The dunning level an invoice this many days past due has reached (0: none yet)."""
    return sum(1 for threshold in days if days_overdue >= threshold)


def raise_dunning_levels(cooperative: Cooperative) -> list[Reminder]:
    """Raise the level of each overdue invoice that reached a new one today, and return them.

    The update is conditional (`dunning_level` below the new level), so that two sweeps at once
    raise an invoice once and only the one that raised it reminds.
    """
    today = clock.today_in(cooperative)
    days = dunning_days(cooperative)
    reminders = []
    for invoice in open_invoices(cooperative).filter(due_date__lt=today):
        overdue = (today - (invoice.due_date or today)).days
        level = level_for(overdue, days)
        if level <= invoice.dunning_level:
            continue
        raised = Invoice.objects.filter(pk=invoice.pk, dunning_level__lt=level).update(
            dunning_level=level, last_reminded_on=today
        )
        if raised:
            invoice.dunning_level, invoice.last_reminded_on = level, today
            record(
                cooperative,
                None,
                "invoice.dunning_raised",
                invoice,
                {"number": invoice.number, "level": level, "days_overdue": overdue},
            )
            reminders.append(Reminder(invoice, overdue, level))
    return reminders


def _reminder_messages(cooperative: Cooperative, reminders: list[Reminder]) -> list[EmailMessage]:
    treasurers = (
        Member.objects.filter(cooperative=cooperative, is_treasurer=True)
        .exclude(status="departed")
        .select_related("user")
        .order_by("pk")
    )
    link = _site(reverse("billing-aging", args=[cooperative.slug]))
    key = ",".join(f"{r.invoice.pk}:{r.level}" for r in reminders)
    messages = []
    for treasurer in treasurers:
        with translation.override(treasurer.reading_language):
            language = translation.get_language()
            subject = translation.ngettext(
                "[%(coop)s] %(count)s invoice is overdue",
                "[%(coop)s] %(count)s invoices are overdue",
                len(reminders),
            ) % {"coop": cooperative.name, "count": len(reminders)}
            lines = [
                _(
                    "%(number)s, %(client)s: %(open)s open, %(days)s days overdue, reminder "
                    "level %(level)s"
                )
                % {
                    "number": r.invoice.number,
                    "client": r.invoice.client.name,
                    "open": format_money(open_total(r.invoice), r.invoice.currency, language),
                    "days": r.days_overdue,
                    "level": r.level,
                }
                for r in reminders
            ]
            body = "\n".join(
                [_("These invoices are past due and not paid in full:"), "", *lines, "", link]
            )
        digest = hashlib.sha256(f"{key}:{treasurer.pk}".encode()).hexdigest()[:24]
        messages.append(
            EmailMessage(
                subject,
                body + "\n",
                settings.DEFAULT_FROM_EMAIL,
                [treasurer.user.email],
                headers={"Message-ID": f"<dunning-{digest}@{_host()}>"},
            )
        )
    return messages


def remind_treasurers(cooperative: Cooperative) -> int:
    """One sweep for one co-op: raise the levels reached and e-mail the treasurers about them,
    in one transaction (a failed send leaves the levels as they were, for the next sweep)."""
    with transaction.atomic():
        reminders = raise_dunning_levels(cooperative)
        if reminders:
            get_connection().send_messages(_reminder_messages(cooperative, reminders))
    return len(reminders)

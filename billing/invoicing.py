"""Drafts of invoices: made of unbilled hours or empty, changed or deleted, totals kept current."""

import datetime
from typing import Any

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext, override

from billing import totals as en16931
from billing.configuration import settings_of
from billing.hour_lines import _grouped, hour_line_figures
from billing.models import (
    BilledEntry,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    LineGrouping,
    VatCategory,
)
from billing.selectors import rate_table
from billing.unbilled import unbilled_hours
from billing.vat import VatTerms, export_note, reverse_charge_note, vat_terms
from coop.audit import record
from coop.errors import InvalidInput, StateConflict
from coop.locale_formats import format_day
from coop.models import Client, Member, Project
from coop.models.cooperative import Role
from coop.money import minor_units
from coop.services.checks import require_role

DRAFT_FIELDS = ("note", "buyer_reference", "language", "period_start", "period_end")


def invoice_language(client: Client) -> str:
    return client.invoice_language or django_settings.LANGUAGE_CODE


def invoice_currency(client: Client) -> str:
    return client.currency or client.cooperative.currency


def _check_period(start: Any, end: Any) -> None:
    if not isinstance(start, datetime.date):
        raise InvalidInput(gettext("Choose the first day of the period."), field="period_start")
    if not isinstance(end, datetime.date):
        raise InvalidInput(gettext("Choose the last day of the period."), field="period_end")
    if end < start:
        raise InvalidInput(gettext("The period ends before it starts."), field="period_end")


def _check_grouping(grouping: str) -> None:
    if grouping not in LineGrouping.values:
        raise InvalidInput(
            gettext("Choose one line per project, per member or per entry."), field="grouping"
        )


def _vat_notes(vats: list[VatTerms]) -> dict[str, str]:
    return {vat.category: vat.note for vat in vats if vat.note}


def apply_totals(invoice: Invoice, lines: list[InvoiceLine]) -> en16931.Totals:
    """Set the invoice's stored totals from its lines (EN 16931 BR-CO-10, -14, -15)."""
    result = en16931.totals(
        (en16931.Line(line.net, line.vat_category, line.vat_rate) for line in lines),
        minor_units(invoice.currency),
    )
    invoice.net_total, invoice.vat_total, invoice.gross_total = (
        result.net,
        result.vat,
        result.gross,
    )
    return result


def draft_invoice(
    *,
    actor: Member | None,
    client: Client,
    start: Any,
    end: Any,
    grouping: str = LineGrouping.PROJECT,
) -> Invoice:
    """A draft invoice for the client's unbilled hours of the period, one line per project, per
    member on a project or per entry, each entry linked to its line (billed at most once).

    A fixed number of queries whatever the number of entries. Two drafts racing for the same
    entries: the second is refused with 409 and writes nothing.
    """
    require_role(actor, Role.TREASURER)
    _check_period(start, end)
    _check_grouping(grouping)
    cooperative = client.cooperative
    currency, language = invoice_currency(client), invoice_language(client)
    places = minor_units(currency)
    with transaction.atomic():
        entries = unbilled_hours(cooperative, client, start, end)
        if not entries:
            raise InvalidInput(
                gettext("%(client)s has no unbilled hours from %(start)s to %(end)s.")
                % {"client": client.name, "start": format_day(start), "end": format_day(end)},
                field="period_start",
            )
        settings = settings_of(cooperative)
        projects = {p.pk: p for p in Project.objects.filter(client=client)}
        vat_of_project = {
            pk: vat_terms(project=p, client=client, settings=settings, language=language)
            for pk, p in projects.items()
            if pk in {entry.project_id for entry in entries}
        }
        with override(language):
            groups = _grouped(
                entries, grouping, rate_table(cooperative, client), vat_of_project, currency
            )
        invoice = Invoice(
            cooperative=cooperative,
            client=client,
            kind=InvoiceKind.INVOICE,
            grouping=grouping,
            period_start=start,
            period_end=end,
            currency=currency,
            language=language,
            buyer_reference=client.buyer_reference,
            vat_notes=_vat_notes([group.vat for group in groups]),
            created_by=actor,
        )
        lines = [
            InvoiceLine(
                position=position,
                description=group.description[:500],
                project_id=group.project_id,
                member_id=group.member_id,
                minutes=group.minutes,
                unit_price=group.rate,
                vat_category=group.vat.category,
                vat_rate=group.vat.rate,
                **hour_line_figures(group.minutes, group.rate, places),
            )
            for position, group in enumerate(groups, start=1)
        ]
        apply_totals(invoice, lines)
        invoice.save()
        for line in lines:
            line.invoice = invoice
        InvoiceLine.objects.bulk_create(lines)
        links = [
            BilledEntry(entry_id=entry_id, line_id=line.pk)
            for line, group in zip(lines, groups, strict=True)
            for entry_id in group.entry_ids or ()
        ]
        try:
            with transaction.atomic():
                BilledEntry.objects.bulk_create(links)
        except IntegrityError:
            raise StateConflict(
                gettext(
                    "Some of these hours were put on another invoice meanwhile: reload the "
                    "unbilled hours and try again."
                ),
                code="already_billed",
            ) from None
        record(
            cooperative,
            actor,
            "invoice.drafted",
            invoice,
            {
                "client": client.pk,
                "period": [start.isoformat(), end.isoformat()],
                "grouping": grouping,
                "entries": len(links),
                "net": str(invoice.net_total),
            },
        )
        return invoice


def draft_empty_invoice(*, actor: Member | None, client: Client) -> Invoice:
    """An empty draft for the client, to be filled with manual lines."""
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        invoice = Invoice.objects.create(
            cooperative=client.cooperative,
            client=client,
            currency=invoice_currency(client),
            language=invoice_language(client),
            buyer_reference=client.buyer_reference,
            created_by=actor,
        )
        record(client.cooperative, actor, "invoice.drafted", invoice, {"client": client.pk})
        return invoice


def locked_draft(invoice: Invoice) -> Invoice:
    locked = Invoice.objects.select_for_update().select_related("client").get(pk=invoice.pk)
    if not locked.is_draft:
        raise StateConflict(
            gettext("Invoice %(number)s is issued: it can no longer change.")
            % {"number": locked.number or locked.pk},
            code="not_draft",
        )
    return locked


def recompute(invoice: Invoice) -> Invoice:
    """Store the draft's totals again from its lines (after any change to them)."""
    lines = list(invoice.lines.all())
    apply_totals(invoice, lines)
    notes = {key: value for key, value in invoice.vat_notes.items()}
    with override(invoice.language):
        for category, note in (
            (VatCategory.REVERSE_CHARGE, reverse_charge_note()),
            (VatCategory.EXPORT, export_note()),
        ):
            notes.pop(category, None)
            if any(line.vat_category == category for line in lines):
                notes[category] = note
    invoice.vat_notes = notes
    invoice.save(update_fields=["net_total", "vat_total", "gross_total", "vat_notes", "updated_at"])
    return invoice


def update_draft(*, actor: Member | None, invoice: Invoice, **changes: Any) -> Invoice:
    """Change a draft's note, buyer reference, language or period."""
    require_role(actor, Role.TREASURER)
    unknown = set(changes) - set(DRAFT_FIELDS)
    if unknown:
        raise InvalidInput(gettext("This field cannot be changed."), field=sorted(unknown)[0])
    if "language" in changes and changes["language"] not in dict(django_settings.LANGUAGES):
        raise InvalidInput(gettext("Choose English, Spanish or German."), field="language")
    with transaction.atomic():
        invoice = locked_draft(invoice)
        for name, value in changes.items():
            setattr(invoice, name, value.strip() if isinstance(value, str) else value)
        if invoice.period_start and invoice.period_end:
            _check_period(invoice.period_start, invoice.period_end)
        invoice.save()
        recompute(invoice)
        record(
            invoice.cooperative,
            actor,
            "invoice.updated",
            invoice,
            {key: str(value) for key, value in changes.items()},
        )
        return invoice


def delete_draft(*, actor: Member | None, invoice: Invoice) -> None:
    """Delete a draft; its hours are unbilled again."""
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        invoice = locked_draft(invoice)
        pk, cooperative = invoice.pk, invoice.cooperative
        released = BilledEntry.objects.filter(line__invoice=invoice).delete()[0]
        invoice.delete()
        record(
            cooperative,
            actor,
            "invoice.draft_deleted",
            data={"id": pk, "released_entries": released},
            object_type="billing.invoice",
            object_id=pk,
        )

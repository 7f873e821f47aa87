"""Drafts of invoices: the hours a client has not been billed for, a draft made of them in a
fixed number of queries, manual lines, and the totals recomputed on every change (EN 16931)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum
from django.utils.translation import gettext, override

from billing import totals as en16931
from billing.configuration import settings_of
from billing.models import (
    BilledEntry,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    LineGrouping,
    VatCategory,
)
from billing.rates import Rate, RateTable
from billing.selectors import rate_table
from billing.vat import VatTerms, export_note, reverse_charge_note, vat_terms
from coop.audit import record
from coop.errors import InvalidInput, StateConflict
from coop.locale_formats import format_day
from coop.models import Client, Cooperative, Member, Project, TimeEntry
from coop.models.cooperative import Role
from coop.money import minor_units
from coop.services.checks import require_role

FOUR_PLACES = Decimal("0.0001")
MINUTES_PER_HOUR = Decimal(60)
DRAFT_FIELDS = ("note", "buyer_reference", "language", "period_start", "period_end")


# --- unbilled hours ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UnbilledEntry:
    id: int
    project_id: int
    project_name: str
    member_id: int
    member_name: str
    date: datetime.date
    rate_day: datetime.date  # an adjustment is priced on the day of the entry it corrects
    minutes: int
    description: str


@dataclass(frozen=True)
class UnbilledRow:
    """A client's unbilled minutes on a project by one member, for the unbilled-hours page."""

    client_id: int
    client_name: str
    project_id: int
    project_name: str
    member_id: int
    member_name: str
    minutes: int
    entries: int


def _unbilled(
    cooperative: Cooperative, start: datetime.date, end: datetime.date, client: Client | None
) -> QuerySet[TimeEntry]:
    """Billable entries of the period not yet on an invoice, adjustments (negative minutes)
    included, so that what is billed matches the hours as corrected."""
    entries = TimeEntry.objects.filter(
        cooperative=cooperative,
        billable=True,
        date__gte=start,
        date__lte=end,
        billing__isnull=True,
    )
    if client is not None:
        entries = entries.filter(project__client=client)
    return entries


def _name(full_name: str | None, email: str) -> str:
    return full_name or email


def unbilled_hours(
    cooperative: Cooperative, client: Client, start: datetime.date, end: datetime.date
) -> list[UnbilledEntry]:
    """The client's unbilled entries of the period, in one query."""
    rows = (
        _unbilled(cooperative, start, end, client)
        .order_by("project__name", "member_id", "date", "id")
        .values_list(
            "id",
            "project_id",
            "project__name",
            "member_id",
            "member__user__full_name",
            "member__user__email",
            "date",
            "adjusts__date",
            "minutes",
            "description",
        )
    )
    return [
        UnbilledEntry(
            id=pk,
            project_id=project_id,
            project_name=project_name,
            member_id=member_id,
            member_name=_name(full_name, email),
            date=day,
            rate_day=adjusted_day or day,
            minutes=minutes,
            description=description,
        )
        for (
            pk,
            project_id,
            project_name,
            member_id,
            full_name,
            email,
            day,
            adjusted_day,
            minutes,
            description,
        ) in rows
    ]


def unbilled_summary(
    cooperative: Cooperative,
    start: datetime.date,
    end: datetime.date,
    client: Client | None = None,
) -> list[UnbilledRow]:
    """Unbilled minutes per client, project and member of the period, in one query."""
    rows = (
        _unbilled(cooperative, start, end, client)
        .values(
            "project__client_id",
            "project__client__name",
            "project_id",
            "project__name",
            "member_id",
            "member__user__full_name",
            "member__user__email",
        )
        .annotate(total=Sum("minutes"), count=Sum(1))
        .order_by("project__client__name", "project__name", "member__user__full_name", "member_id")
    )
    return [
        UnbilledRow(
            client_id=row["project__client_id"],
            client_name=row["project__client__name"],
            project_id=row["project_id"],
            project_name=row["project__name"],
            member_id=row["member_id"],
            member_name=_name(row["member__user__full_name"], row["member__user__email"]),
            minutes=row["total"],
            entries=row["count"],
        )
        for row in rows
    ]


# --- hour lines -------------------------------------------------------------------------------


def hours_of(minutes: int) -> Decimal:
    """Minutes as hours, to the 4 places an invoice line's quantity has."""
    return (Decimal(minutes) / MINUTES_PER_HOUR).quantize(FOUR_PLACES)


def hour_line_figures(minutes: int, rate: Decimal, places: int) -> dict[str, Any]:
    """Quantity, unit, price, base quantity and net of an hour line, with net = quantity × price
    ÷ base quantity exactly (EN 16931 BR-LIN-04) and the net computed from the minutes.

    In hours (HUR) when the hours rounded to 4 places give the same cent as the minutes; else in
    minutes (MIN) at the hourly price per 60 minutes (base quantity 60), which is always exact.
    """
    net = en16931.hours_net(minutes, rate, places)
    hours = hours_of(minutes)
    if en16931.line_net(hours, rate, places) == net:
        return {"quantity": hours, "unit": "HUR", "base_quantity": Decimal(1), "net": net}
    return {
        "quantity": Decimal(minutes),
        "unit": "MIN",
        "base_quantity": MINUTES_PER_HOUR,
        "net": net,
    }


def _line_key(entry: UnbilledEntry, grouping: str, rate: Rate) -> tuple:
    if grouping == LineGrouping.ENTRY:
        return (entry.project_name, entry.project_id, entry.member_name, entry.date, entry.id)
    member = (entry.member_name, entry.member_id) if grouping == LineGrouping.MEMBER else ()
    # A rate changed mid-period, or a member with a rate of their own, gets a line of its own:
    # one price per line, so that the line's net is its quantity × its price.
    return (entry.project_name, entry.project_id, *member, rate.valid_from, rate.level, rate.id)


def _describe(entry: UnbilledEntry, grouping: str) -> str:
    if grouping == LineGrouping.PROJECT:
        return entry.project_name
    if grouping == LineGrouping.MEMBER:
        return f"{entry.project_name} – {entry.member_name}"
    text = f"{entry.project_name} – {entry.member_name}, {format_day(entry.date)}"
    return f"{text}: {entry.description}" if entry.description else text


def _missing_rate(entry: UnbilledEntry) -> InvalidInput:
    return InvalidInput(
        gettext(
            "No rate bills the hours of %(member)s on “%(project)s” on %(day)s: add a rate for "
            "the co-op, the client, the project or the member on the project, valid from that "
            "day or earlier."
        )
        % {
            "member": entry.member_name,
            "project": entry.project_name,
            "day": format_day(entry.rate_day),
        },
        field="rate",
    )


def _rate_of(table: RateTable, entry: UnbilledEntry, currency: str) -> Rate:
    rate = table.rate_for(entry.project_id, entry.member_id, entry.rate_day)
    if rate is None:
        raise _missing_rate(entry)
    if rate.currency != currency:
        raise InvalidInput(
            gettext(
                "The rate for “%(project)s” is in %(rate_currency)s, but this client is invoiced "
                "in %(currency)s: add a rate in %(currency)s."
            )
            % {"project": entry.project_name, "rate_currency": rate.currency, "currency": currency},
            field="currency",
        )
    return rate


@dataclass
class _Group:
    description: str
    project_id: int
    member_id: int | None
    rate: Decimal
    vat: VatTerms
    minutes: int = 0
    entry_ids: list[int] | None = None


def _grouped(
    entries: list[UnbilledEntry],
    grouping: str,
    table: RateTable,
    vat_of_project: dict[int, VatTerms],
    currency: str,
) -> list[_Group]:
    groups: dict[tuple, _Group] = {}
    for entry in entries:
        rate = _rate_of(table, entry, currency)
        key = _line_key(entry, grouping, rate)
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(
                description=_describe(entry, grouping),
                project_id=entry.project_id,
                member_id=entry.member_id if grouping != LineGrouping.PROJECT else None,
                rate=rate.rate,
                vat=vat_of_project[entry.project_id],
                entry_ids=[],
            )
        group.minutes += entry.minutes
        assert group.entry_ids is not None
        group.entry_ids.append(entry.id)
    return [groups[key] for key in sorted(groups)]


# --- drafts -----------------------------------------------------------------------------------


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

"""Manual lines of a draft invoice (fixed-price work, rebilled expenses) and the changes an
hour line allows (its wording and VAT); every change recomputes the draft's totals."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from billing import totals as en16931
from billing.configuration import settings_of
from billing.hour_lines import FOUR_PLACES
from billing.invoicing import locked_draft, recompute
from billing.models import BilledEntry, BillingSettings, Invoice, InvoiceLine, VatCategory
from billing.vat import vat_terms
from coop.audit import record
from coop.errors import InvalidInput
from coop.models import Member
from coop.models.cooperative import Role
from coop.money import minor_units
from coop.services.checks import require_role

LINE_FIELDS = ("description", "quantity", "unit", "unit_price", "vat_category", "vat_rate")
UNITS = ("HUR", "MIN", "DAY", "C62")  # UN/ECE Rec. 20: hour, minute, day, one (a piece)


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (ArithmeticError, ValueError, TypeError):
        number = None
    if number is None or not number.is_finite():
        raise InvalidInput(gettext("Enter a number."), field=field)
    return number


def _line_vat(invoice: Invoice, category: str | None, rate: Any) -> tuple[str, Decimal]:
    if category is None:
        settings: BillingSettings = settings_of(invoice.cooperative)
        terms = vat_terms(
            project=None, client=invoice.client, settings=settings, language=invoice.language
        )
        if terms.category == VatCategory.EXEMPT:
            invoice.vat_notes = {**invoice.vat_notes, VatCategory.EXEMPT.value: terms.note}
        return terms.category, terms.rate
    if category not in VatCategory.values:
        raise InvalidInput(gettext("Choose a VAT category."), field="vat_category")
    vat_rate = _decimal(rate if rate is not None else 0, "vat_rate")
    if category == VatCategory.STANDARD and not (Decimal(0) < vat_rate < Decimal(100)):
        raise InvalidInput(
            gettext("A line at a standard or reduced rate needs a VAT rate above 0 %."),
            field="vat_rate",
        )
    if category != VatCategory.STANDARD and vat_rate != 0:
        raise InvalidInput(
            gettext(
                "A line without VAT (zero rate, exempt, reverse charge, export) has a rate of 0 %."
            ),
            field="vat_rate",
        )
    if category == VatCategory.EXEMPT and not invoice.vat_notes.get(VatCategory.EXEMPT):
        note = settings_of(invoice.cooperative).exemption_note or invoice.client.vat_note
        if not note:
            raise InvalidInput(
                gettext(
                    "An exempt invoice must say why it carries no VAT: write the exemption note "
                    "in the billing settings, or on the client or project."
                ),
                field="vat_category",
            )
        invoice.vat_notes = {**invoice.vat_notes, VatCategory.EXEMPT.value: note}
    return category, vat_rate


def _check_line(line: InvoiceLine, places: int) -> None:
    if not line.description.strip():
        raise InvalidInput(gettext("Describe what the line bills."), field="description")
    if line.unit not in UNITS:
        raise InvalidInput(gettext("Choose a unit: hours, minutes, days or pieces."), field="unit")
    if line.quantity == 0 or abs(line.quantity) >= Decimal("1e10"):
        raise InvalidInput(gettext("Enter a quantity other than 0."), field="quantity")
    if line.unit_price < 0 or line.unit_price >= Decimal("1e10"):
        raise InvalidInput(
            gettext("Enter a price of 0 or more (a discount is a negative quantity)."),
            field="unit_price",
        )
    line.quantity = line.quantity.quantize(FOUR_PLACES)
    line.unit_price = line.unit_price.quantize(FOUR_PLACES)
    line.net = en16931.line_net(line.quantity, line.unit_price / line.base_quantity, places)


def add_line(
    *,
    actor: Member | None,
    invoice: Invoice,
    description: str,
    quantity: Any,
    unit_price: Any,
    unit: str = "C62",
    vat_category: str | None = None,
    vat_rate: Any = None,
) -> InvoiceLine:
    """A manual line on a draft (fixed-price work, a rebilled expense); VAT may be overridden."""
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        invoice = locked_draft(invoice)
        category, rate = _line_vat(invoice, vat_category, vat_rate)
        last = invoice.lines.order_by("-position").values_list("position", flat=True).first()
        line = InvoiceLine(
            invoice=invoice,
            position=(last or 0) + 1,
            description=str(description).strip(),
            quantity=_decimal(quantity, "quantity"),
            unit=unit,
            unit_price=_decimal(unit_price, "unit_price"),
            vat_category=category,
            vat_rate=rate,
        )
        _check_line(line, minor_units(invoice.currency))
        line.save()
        recompute(invoice)
        record(invoice.cooperative, actor, "invoice.line_added", line, _line_data(line))
        return line


def update_line(*, actor: Member | None, line: InvoiceLine, **changes: Any) -> InvoiceLine:
    """Change a line of a draft. An hour line keeps its minutes and price: only its wording and
    VAT may change (its hours are the entries'), else remove it and delete the draft's hours."""
    require_role(actor, Role.TREASURER)
    unknown = set(changes) - set(LINE_FIELDS)
    if unknown:
        raise InvalidInput(gettext("This field cannot be changed."), field=sorted(unknown)[0])
    with transaction.atomic():
        invoice = locked_draft(line.invoice)
        line = InvoiceLine.objects.select_for_update().get(pk=line.pk)
        if line.minutes is not None:
            fixed = {"quantity", "unit", "unit_price"} & set(changes)
            if fixed:
                raise InvalidInput(
                    gettext(
                        "An hour line bills the logged minutes at their rate: its quantity and "
                        "price follow the hours."
                    ),
                    field=sorted(fixed)[0],
                )
        if "vat_category" in changes or "vat_rate" in changes:
            category = changes.get("vat_category", line.vat_category)
            kept_rate = line.vat_rate if category == VatCategory.STANDARD else None
            category, rate = _line_vat(invoice, category, changes.get("vat_rate", kept_rate))
            line.vat_category, line.vat_rate = category, rate
        if "description" in changes:
            line.description = str(changes["description"]).strip()
        for name in ("quantity", "unit_price"):
            if name in changes:
                setattr(line, name, _decimal(changes[name], name))
        if "unit" in changes:
            line.unit = changes["unit"]
        if line.minutes is None:
            _check_line(line, minor_units(invoice.currency))
        elif not line.description:
            raise InvalidInput(gettext("Describe what the line bills."), field="description")
        line.save()
        recompute(invoice)
        record(invoice.cooperative, actor, "invoice.line_changed", line, _line_data(line))
        return line


def remove_line(*, actor: Member | None, line: InvoiceLine) -> None:
    """Remove a line of a draft; an hour line's entries are unbilled again."""
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        invoice = locked_draft(line.invoice)
        data = _line_data(line)
        pk = line.pk
        BilledEntry.objects.filter(line=line).delete()
        line.delete()
        _renumber(invoice)  # positions stay 1..n with no hole
        recompute(invoice)
        record(
            invoice.cooperative,
            actor,
            "invoice.line_removed",
            data=data,
            object_type="billing.invoiceline",
            object_id=pk,
        )


def _renumber(invoice: Invoice) -> None:
    lines = list(invoice.lines.order_by("position"))
    changed = [line for index, line in enumerate(lines, start=1) if line.position != index]
    if not changed:
        return
    # Two steps, so that the unique (invoice, position) never sees two lines on one position.
    for line in changed:
        line.position += 100000
    InvoiceLine.objects.bulk_update(changed, ["position"])
    for index, line in enumerate(lines, start=1):
        line.position = index
    InvoiceLine.objects.bulk_update(changed, ["position"])


def _line_data(line: InvoiceLine) -> dict[str, Any]:
    return {
        "invoice": line.invoice_id,
        "position": line.position,
        "description": line.description,
        "quantity": str(line.quantity),
        "unit": line.unit,
        "unit_price": str(line.unit_price),
        "net": str(line.net),
        "vat_category": line.vat_category,
        "vat_rate": str(line.vat_rate),
    }

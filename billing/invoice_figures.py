"""What an issued invoice's PDF and its e-invoice both say, read from the stored invoice alone:
its totals and VAT breakdown (EN 16931, `billing.totals`), its VAT notes, and its parties'
postal addresses as lines.

The invoice's seller and buyer are the JSON snapshots written at issue ("name", "legal_name",
"address", "country", "vat_id", …), never the co-op's or the client's current details, so that
the files made a year later say what was issued.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from billing import totals
from billing.models import Invoice, InvoiceLine, VatCategory
from coop.money import minor_units

# EN 16931 asks for an exemption reason (BT-120 text or BT-121 code) on every VAT breakdown of
# these categories (BR-E-10, BR-AE-10, BR-G-10); the codes are the CEF VATEX list's.
NOTED_CATEGORIES = (VatCategory.EXEMPT, VatCategory.REVERSE_CHARGE, VatCategory.EXPORT)
EXEMPTION_CODES = {VatCategory.REVERSE_CHARGE: "VATEX-EU-AE", VatCategory.EXPORT: "VATEX-EU-G"}


def places(invoice: Invoice) -> int:
    """The invoice currency's decimals (2 for EUR, 0 for JPY)."""
    return minor_units(invoice.currency)


def invoice_totals(invoice: Invoice, lines: Sequence[InvoiceLine]) -> totals.Totals:
    """Net, VAT, total and the VAT breakdown of the stored lines, as EN 16931 computes them."""
    return totals.totals(
        (totals.Line(net=line.net, vat_category=line.vat_category, vat_rate=line.vat_rate)
         for line in lines),
        places(invoice),
    )  # fmt: skip


def default_vat_note(invoice: Invoice, category: str) -> str:
    """The note a category needs when the invoice carries none, in the active language."""
    if category == VatCategory.REVERSE_CHARGE:
        return _(
            "Reverse charge: the recipient is liable for the VAT (Article 196 of Council "
            "Directive 2006/112/EC)."
        )
    if category == VatCategory.EXPORT:
        return _(
            "Export of services outside the EU: not subject to VAT in the EU (Article 146 of "
            "Council Directive 2006/112/EC)."
        )
    if category == VatCategory.EXEMPT:
        settings_row = getattr(invoice.cooperative, "billing_settings", None)
        return (settings_row.exemption_note if settings_row else "") or _("Exempt from VAT.")
    return ""


def vat_note(invoice: Invoice, category: str) -> str:
    """The invoice's VAT note for a category (written at issue), else the default one."""
    notes = invoice.vat_notes if isinstance(invoice.vat_notes, dict) else {}
    return str(notes.get(category) or "").strip() or default_vat_note(invoice, category)


def vat_notes(invoice: Invoice, breakdown: Sequence[totals.VatBreakdown]) -> list[str]:
    """The notes the PDF prints: one per noted category of the breakdown, each once."""
    seen: list[str] = []
    for group in breakdown:
        if group.category in NOTED_CATEGORIES:
            note = vat_note(invoice, group.category)
            if note and note not in seen:
                seen.append(note)
    return seen


@dataclass(frozen=True)
class PostalAddress:
    """An address as EN 16931 splits it (BG-5/BG-8): lines, postcode, city, country."""

    lines: tuple[str, ...]
    postcode: str
    city: str
    country: str


_POSTCODE_CITY = re.compile(r"^(?:[A-Z]{1,2}-)?(?P<postcode>[A-Z0-9]*\d[A-Z0-9 -]{0,8}?)\s+"
                            r"(?P<city>\D.*)$")  # fmt: skip


def address_lines(text: str) -> list[str]:
    """A stored address ("Calle Mayor 1\\n28013 Madrid", or on one line with commas) as lines."""
    parts = [part.strip() for part in re.split(r"[\r\n]+", text or "") if part.strip()]
    if len(parts) == 1 and "," in parts[0]:
        parts = [part.strip() for part in parts[0].split(",") if part.strip()]
    return parts


def postal_address(party: dict) -> PostalAddress:
    """A party snapshot's address: the last line that starts with a postcode gives the postcode
    and the city; the other lines are the street lines (at most three, BT-35 to BT-162)."""
    lines = address_lines(str(party.get("address") or ""))
    postcode = city = ""
    for index in range(len(lines) - 1, -1, -1):
        match = _POSTCODE_CITY.match(lines[index])
        if match:
            postcode, city = match["postcode"].strip(), match["city"].strip()
            lines = lines[:index] + lines[index + 1 :]
            break
    street = lines[:2] + ([", ".join(lines[2:])] if len(lines) > 2 else [])
    return PostalAddress(
        lines=tuple(street),
        postcode=postcode,
        city=city,
        country=str(party.get("country") or "").upper(),
    )


def party_name(party: dict) -> str:
    """The legal name of a party snapshot, else its name."""
    return str(party.get("legal_name") or party.get("name") or "")

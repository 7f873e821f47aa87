"""The rules a VAT treatment sets on a client's details (pure: no database).

- Reverse charge (Council Directive 2006/112/EC, art. 196: the EU business customer accounts
  for the VAT) needs the customer's VAT ID and a customer in another EU member state than the
  seller.
- Export (art. 146) is for a customer outside the EU.
- An exempt supply must say why on the invoice (art. 226 (11)): the client's or the project's
  VAT note, or the co-op's default exemption note.
"""

from dataclasses import dataclass

from django.utils.translation import gettext

from coop.validators import EU_COUNTRIES


@dataclass(frozen=True)
class VatRuleBroken:
    field: str
    message: str


def vat_treatment_problem(
    treatment: str,
    *,
    vat_id: str,
    country: str,
    coop_country: str,
    notes: tuple[str, ...],
    fields: dict[str, str] | None = None,
) -> VatRuleBroken | None:
    """What a treatment lacks, naming the field to fix, or None. `fields` renames the fields
    where the page or endpoint that asks has other names (a project has no `vat_id`)."""
    names = {"vat_id": "vat_id", "country": "country", "vat_note": "vat_note"}
    names.update(fields or {})
    if treatment == "reverse_charge":
        if coop_country not in EU_COUNTRIES:
            return VatRuleBroken(
                "vat_treatment",
                gettext(
                    "Reverse charge is for a seller in the EU: set the co-op's country in its "
                    "invoicing details first."
                ),
            )
        if not vat_id:
            return VatRuleBroken(
                names["vat_id"],
                gettext("Reverse charge needs the client's VAT ID: invoices must print it."),
            )
        if country not in EU_COUNTRIES or country == coop_country:
            return VatRuleBroken(
                names["country"],
                gettext(
                    "Reverse charge is for a business customer in another EU country than the "
                    "co-op's (%(coop_country)s)."
                )
                % {"coop_country": coop_country},
            )
    if treatment == "export" and (not country or country in EU_COUNTRIES):
        return VatRuleBroken(
            names["country"],
            gettext("Export is for a client outside the EU: set a country outside the EU."),
        )
    if treatment == "exempt" and not any(note.strip() for note in notes):
        return VatRuleBroken(
            names["vat_note"],
            gettext(
                "An exempt invoice must say why: write the VAT note (the legal reason), or set "
                "the co-op's exemption note in its billing settings."
            ),
        )
    return None

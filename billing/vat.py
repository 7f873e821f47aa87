"""The VAT an invoice line carries: a project's or its client's VAT treatment, as the EN 16931
VAT category (UNTDID 5305), the rate in percent, and the legal note an invoice without VAT
must print (BT-120, the exemption reason)."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext, override

from billing.models import BillingSettings, VatCategory
from coop.errors import InvalidInput
from coop.models import Client, Project
from coop.models.work import VatTreatment

ZERO = Decimal("0")


@dataclass(frozen=True)
class VatTerms:
    category: str
    rate: Decimal
    note: str = ""


def treatment_of(project: Project | None, client: Client) -> str:
    """The project's treatment where it has one, else its client's."""
    if project is not None and project.vat_treatment:
        return project.vat_treatment
    return client.vat_treatment


def _rate(settings: BillingSettings, field: str) -> Decimal:
    rate = getattr(settings, field)
    if rate is None:
        label = (
            gettext("standard VAT rate")
            if field == "standard_vat_rate"
            else gettext("reduced VAT rate")
        )
        raise InvalidInput(
            gettext(
                "The co-op has no %(label)s in its billing settings: set it before invoicing "
                "this client."
            )
            % {"label": label},
            field=field,
        )
    return Decimal(rate)


def vat_terms(
    *,
    project: Project | None,
    client: Client,
    settings: BillingSettings,
    language: str,
) -> VatTerms:
    """The VAT of what `client` is invoiced for `project`; notes in the invoice's language."""
    treatment = treatment_of(project, client)
    if treatment == VatTreatment.STANDARD:
        return VatTerms(VatCategory.STANDARD, _rate(settings, "standard_vat_rate"))
    if treatment == VatTreatment.REDUCED:
        return VatTerms(VatCategory.STANDARD, _rate(settings, "reduced_vat_rate"))
    if treatment == VatTreatment.ZERO:
        return VatTerms(VatCategory.ZERO, ZERO)
    if treatment == VatTreatment.EXEMPT:
        note = (
            (project.vat_note if project is not None else "")
            or client.vat_note
            or settings.exemption_note
        )
        if not note:
            raise InvalidInput(
                gettext(
                    "An exempt invoice must say why it carries no VAT: write the exemption note "
                    "in the billing settings, or on the client or project."
                ),
                field="exemption_note",
            )
        return VatTerms(VatCategory.EXEMPT, ZERO, note)
    with override(language):
        if treatment == VatTreatment.REVERSE_CHARGE:
            return VatTerms(VatCategory.REVERSE_CHARGE, ZERO, reverse_charge_note())
        return VatTerms(VatCategory.EXPORT, ZERO, export_note())


def reverse_charge_note() -> str:
    """The mandatory note of a reverse-charge invoice (Art. 226(11a) of the VAT Directive)."""
    return gettext(
        "Reverse charge: VAT to be accounted for by the recipient (Art. 196 Directive 2006/112/EC)"
    )


def export_note() -> str:
    return gettext("Export outside the EU: exempt from VAT (Art. 146 Directive 2006/112/EC)")

"""Reads of a co-op's invoicing settings: what its invoices are numbered and taxed by."""

from billing.models import BillingSettings
from coop.models import Cooperative


def settings_of(cooperative: Cooperative) -> BillingSettings:
    """The co-op's billing settings; an unsaved row with the defaults when it has none yet
    (pattern `{year}-{number:04d}`, no VAT rates, no exemption note, no dunning levels)."""
    found = BillingSettings.objects.filter(cooperative=cooperative).first()
    if found is not None:
        return found
    return BillingSettings(cooperative=cooperative)


def exemption_note_of(cooperative: Cooperative) -> str:
    """The note exempt invoices print when neither the client nor the project gives one."""
    return settings_of(cooperative).exemption_note


def sample_number(pattern: str, year: int, number: int = 1) -> str:
    """An invoice number as `pattern` writes it ("{year}-{number:04d}" → "2026-0001")."""
    return pattern.format(year=year, number=number)

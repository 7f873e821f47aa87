"""Writes of a co-op's invoicing settings: the number pattern, VAT rates, the exemption note and
the dunning levels (the treasurer and admins)."""

import datetime
import string
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from billing.configuration import sample_number, settings_of
from billing.models import BillingSettings
from coop.audit import record
from coop.errors import InvalidInput
from coop.models import Cooperative, Member
from coop.models.cooperative import Role
from coop.services import require_role
from coop.services.checks import validated

SETTING_FIELDS = (
    "number_pattern",
    "standard_vat_rate",
    "reduced_vat_rate",
    "exemption_note",
    "dunning_days",
)
MAX_PATTERN_LENGTH = 40
# An issued number is at most 40 characters (Invoice.number); the sample uses a long sequence.
_LONGEST_SEQUENCE = 999_999


def number_pattern_problem(pattern: str) -> str | None:
    """Why `pattern` cannot number invoices, or None: it must contain {number}, take only
    {year} and {number}, format without error and give a number that fits (40 characters)."""
    if not pattern.strip():
        return gettext("Write a pattern, for example {year}-{number:04d}.")
    if len(pattern) > MAX_PATTERN_LENGTH:
        return gettext("A pattern has at most %(count)d characters.") % {
            "count": MAX_PATTERN_LENGTH
        }
    try:
        names = {name for _text, name, _spec, _conv in string.Formatter().parse(pattern) if name}
    except ValueError:
        return gettext("The braces of this pattern do not match: write {year} and {number}.")
    if "number" not in names:
        return gettext("The pattern must contain {number}, where the invoice's number goes.")
    unknown = names - {"year", "number"}
    if unknown:
        return gettext("Only {year} and {number} can be replaced, not {%(name)s}.") % {
            "name": sorted(unknown)[0]
        }
    try:
        longest = sample_number(pattern, 9999, _LONGEST_SEQUENCE)
        sample_number(pattern, datetime.MINYEAR, 1)
    except (ValueError, TypeError, IndexError, KeyError, AttributeError):
        return gettext(
            "This pattern cannot be filled in: {number} takes a width such as {number:04d}."
        )
    if len(longest) > MAX_PATTERN_LENGTH:
        return gettext(
            "The numbers this pattern makes would be longer than %(count)d characters."
        ) % {"count": MAX_PATTERN_LENGTH}
    return None


def _vat_rate(value: Any, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        rate = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(gettext("Write a percentage, such as 19 or 7.5."), field=field) from None
    if not rate.is_finite() or rate < 0 or rate > 100:
        raise InvalidInput(gettext("A VAT rate is a percentage between 0 and 100."), field=field)
    if rate != rate.quantize(Decimal("0.01")):
        raise InvalidInput(gettext("A VAT rate has at most two decimals."), field=field)
    return rate.quantize(Decimal("0.01"))


def _dunning_days(value: Any) -> list[int]:
    message = gettext(
        "Dunning levels are days after the due date, whole and positive, each later than the "
        "one before: for example 7, 30, 60."
    )
    if not isinstance(value, list | tuple):
        raise InvalidInput(message, field="dunning_days")
    days = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int) or item < 1 or item > 3650:
            raise InvalidInput(message, field="dunning_days")
        if days and item <= days[-1]:
            raise InvalidInput(message, field="dunning_days")
        days.append(item)
    return days


def update_billing_settings(
    *, cooperative: Cooperative, actor: Member | None, **changes: Any
) -> BillingSettings:
    """Change the co-op's billing settings (`SETTING_FIELDS`); the row is made on first change.

    A new number pattern applies to invoices issued from then on: issued numbers never change."""
    require_role(actor, Role.ADMIN, Role.TREASURER)
    unknown = set(changes) - set(SETTING_FIELDS)
    if unknown:
        raise InvalidInput(
            gettext("This setting cannot be changed here."), field=sorted(unknown)[0]
        )
    cleaned: dict[str, Any] = {}
    if "number_pattern" in changes:
        pattern = (changes["number_pattern"] or "").strip()
        problem = number_pattern_problem(pattern)
        if problem:
            raise InvalidInput(problem, field="number_pattern")
        cleaned["number_pattern"] = pattern
    for field in ("standard_vat_rate", "reduced_vat_rate"):
        if field in changes:
            cleaned[field] = _vat_rate(changes[field], field)
    if "exemption_note" in changes:
        cleaned["exemption_note"] = (changes["exemption_note"] or "").strip()
    if "dunning_days" in changes:
        cleaned["dunning_days"] = _dunning_days(changes["dunning_days"])
    with transaction.atomic():
        Cooperative.objects.select_for_update().only("pk").get(pk=cooperative.pk)
        billing_settings = settings_of(cooperative)
        changed = {}
        for field, value in cleaned.items():
            old = getattr(billing_settings, field)
            if old != value:
                changed[field] = [_plain(old), _plain(value)]
                setattr(billing_settings, field, value)
        if not changed and billing_settings.pk is not None:
            return billing_settings
        # dunning_days is checked above; an empty list is "no reminders", not a blank field.
        validated(billing_settings, exclude=["cooperative", "dunning_days"])
        billing_settings.save()
        record(
            cooperative, actor, "billing.settings_updated", billing_settings, {"changed": changed}
        )
        return billing_settings


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value

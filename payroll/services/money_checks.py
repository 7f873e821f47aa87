"""The checks every entry of a month's money passes: revenue, expenses and claims."""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coop import money
from coop.errors import AmountTooLarge, InvalidInput, PeriodLocked
from coop.models import Cooperative
from coop.months import month_bounds, month_label
from payroll import allocation
from payroll.models import Distribution


def _distributed(cooperative: Cooperative, day: datetime.date) -> Distribution | None:
    return (
        Distribution.objects.filter(cooperative=cooperative, month=day.replace(day=1))
        .filter(status__in=[Distribution.Status.APPROVED, Distribution.Status.PAID])
        .first()
    )


def ensure_money_month_open(cooperative: Cooperative, day: datetime.date) -> None:
    """Revenue and expenses of an approved month are final (409). Inside a write's transaction,
    call `hold_books` first, so that the month cannot be approved between the check and the write.
    """
    if _distributed(cooperative, day):
        raise PeriodLocked(
            _(
                "%(month)s was distributed: its revenue and expenses cannot change. "
                "Record a correction in an open month."
            )
            % {"month": month_label(day)},
            field="date",
        )


def _money(cooperative: Cooperative, amount: Any, field: str = "amount") -> Decimal:
    exponent = allocation.minor_units(cooperative.currency)
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise InvalidInput(_("The amount must be positive."), field=field)
    if money.exceeds_max(amount):
        raise InvalidInput(
            _("An amount is at most %(max)s.") % {"max": money.format_max()}, field=field
        )
    if amount != amount.quantize(Decimal(1).scaleb(-exponent)):
        raise InvalidInput(
            ngettext(
                "%(currency)s amounts have %(decimals)s decimal at most.",
                "%(currency)s amounts have %(decimals)s decimals at most.",
                exponent,
            )
            % {"currency": cooperative.currency, "decimals": exponent},
            field=field,
        )
    return amount


def _ensure_month_total_fits(records: Any, day: datetime.date, amount: Decimal) -> None:
    """Refuse (409) an entry that would make the month's total more than the books can hold;
    `records` are the co-op's entries of that kind counted in the month's distribution."""
    first, last = month_bounds(day)
    total = records.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if money.exceeds_max(Decimal(total) + amount):
        raise AmountTooLarge(
            _(
                "With this amount the entries of %(month)s would add up to more than the books "
                "can hold (%(max)s): record it in another month or check the amount."
            )
            % {"month": month_label(first), "max": money.format_max()},
            field="amount",
        )

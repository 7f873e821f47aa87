"""An invoice's totals as EN 16931 computes them, with no database.

- Each line's net (BT-131) is its quantity × price, rounded to the cent (half up, as the
  standard's examples and the German and French validators do).
- Lines are grouped by VAT category and rate (BG-23); each group's taxable amount (BT-116) is
  the sum of its lines' nets, and its VAT (BT-117) is that sum × rate, rounded to the cent: VAT
  is computed per category on the sum of its lines, not per line (BR-CO-17).
- The document's net (BT-106) is the sum of line nets (BR-CO-10), its VAT (BT-110) the sum of the
  groups' VAT (BR-CO-14), its total with VAT (BT-112) their sum (BR-CO-15).

Amounts are in the invoice's currency; `places` is that currency's minor unit (2 for EUR, 0 for
JPY), so that a yen invoice has no cents.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


def to_minor(amount: Decimal, places: int = 2) -> Decimal:
    """Round half up to the currency's minor unit."""
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def line_net(quantity: Decimal, unit_price: Decimal, places: int = 2) -> Decimal:
    return to_minor(quantity * unit_price, places)


def hours_net(minutes: int, hourly_rate: Decimal, places: int = 2) -> Decimal:
    """The net of `minutes` at `hourly_rate`, exactly: minutes × rate / 60, rounded once."""
    return to_minor(Decimal(minutes) * hourly_rate / 60, places)


@dataclass(frozen=True)
class Line:
    net: Decimal
    vat_category: str
    vat_rate: Decimal  # in percent: Decimal("19")


@dataclass(frozen=True)
class VatBreakdown:
    """One BG-23 group: a VAT category and rate, its taxable amount and its VAT."""

    category: str
    rate: Decimal
    taxable: Decimal
    vat: Decimal


@dataclass(frozen=True)
class Totals:
    net: Decimal
    vat: Decimal
    gross: Decimal
    breakdown: tuple[VatBreakdown, ...]


def totals(lines: Iterable[Line], places: int = 2) -> Totals:
    groups: dict[tuple[str, Decimal], Decimal] = {}
    for line in lines:
        key = (line.vat_category, Decimal(line.vat_rate).normalize())
        groups[key] = groups.get(key, Decimal(0)) + line.net
    breakdown = tuple(
        VatBreakdown(
            category=category,
            rate=rate,
            taxable=taxable,
            vat=to_minor(taxable * rate / 100, places),
        )
        for (category, rate), taxable in sorted(groups.items())
    )
    net = sum((group.taxable for group in breakdown), Decimal(0))
    vat = sum((group.vat for group in breakdown), Decimal(0))
    return Totals(net=net, vat=vat, gross=net + vat, breakdown=breakdown)

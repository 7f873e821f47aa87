"""Hour lines of a draft invoice: unbilled entries priced by rate and grouped, with exact nets."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext

from billing import totals as en16931
from billing.models import LineGrouping
from billing.rates import Rate, RateTable
from billing.unbilled import UnbilledEntry
from billing.vat import VatTerms
from coop.errors import InvalidInput
from coop.locale_formats import format_day

FOUR_PLACES = Decimal("0.0001")
MINUTES_PER_HOUR = Decimal(60)


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

"""Invoice totals as EN 16931 computes them: hand-checked examples, and the property that an
invoice's lines bill exactly the minutes logged at their rates, in each currency's minor unit."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing import invoicing
from billing.hour_lines import hour_line_figures
from billing.totals import Line, hours_net, to_minor, totals
from tests.billing.invoicing_factories import OCTOBER, World

D = datetime.date


def test_three_lines_of_a_third_of_100():
    """20 minutes at 100/h, three times: each line is 33.333… rounded to 33.33 (BT-131)."""
    nets = [hours_net(20, Decimal("100")) for _ in range(3)]
    assert nets == [Decimal("33.33")] * 3
    result = totals([Line(net, "S", Decimal("20")) for net in nets])
    assert result.net == Decimal("99.99")  # BR-CO-10: the sum of the rounded line nets


def test_vat_is_computed_on_the_sum_of_a_category_not_per_line():
    """BR-CO-17: 20 % of 99.99 is 19.998 → 20.00; per line it would be 3 × 6.67 = 20.01."""
    lines = [Line(Decimal("33.33"), "S", Decimal("20")) for _ in range(3)]
    result = totals(lines)
    assert result.vat == Decimal("20.00")
    assert sum(to_minor(line.net * line.vat_rate / 100) for line in lines) == Decimal("20.01")
    assert result.gross == Decimal("119.99")


def test_one_group_per_category_and_rate():
    result = totals(
        [
            Line(Decimal("100.00"), "S", Decimal("20")),
            Line(Decimal("50.00"), "S", Decimal("10")),
            Line(Decimal("70.00"), "AE", Decimal("0")),
            Line(Decimal("0.05"), "S", Decimal("10")),
        ]
    )
    assert [(g.category, g.rate, g.taxable, g.vat) for g in result.breakdown] == [
        ("AE", Decimal("0"), Decimal("70.00"), Decimal("0.00")),
        ("S", Decimal("10"), Decimal("50.05"), Decimal("5.01")),  # 5.005 → 5.01, half up
        ("S", Decimal("20"), Decimal("100.00"), Decimal("20.00")),
    ]
    assert (result.net, result.vat, result.gross) == (
        Decimal("220.05"),
        Decimal("25.01"),
        Decimal("245.06"),
    )


def test_yen_has_no_decimals():
    assert hours_net(20, Decimal("5000"), places=0) == Decimal("1667")
    figures = hour_line_figures(20, Decimal("5000"), 0)
    assert figures["net"] == Decimal("1667")


RATES = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("2000"), places=2)
MINUTES = st.integers(min_value=-600, max_value=1440).filter(bool)


@settings(max_examples=300)
@given(
    lines=st.lists(st.tuples(MINUTES, RATES), min_size=1, max_size=20),
    places=st.sampled_from([0, 2]),
)
def test_each_hour_line_bills_its_minutes_at_its_rate_exactly(lines, places):
    """Σ line nets = Σ round(minutes × rate / 60) per line, and quantity × price ÷ base
    quantity gives the same net (BR-LIN-04), whether the line is in hours or in minutes."""
    figures = [hour_line_figures(minutes, rate, places) for minutes, rate in lines]
    expected = sum(
        (to_minor(Decimal(minutes) * rate / 60, places) for minutes, rate in lines), Decimal(0)
    )
    assert sum((f["net"] for f in figures), Decimal(0)) == expected
    for (minutes, rate), f in zip(lines, figures, strict=True):
        assert to_minor(f["quantity"] * rate / f["base_quantity"], places) == f["net"]
        assert f["net"] == f["net"].quantize(Decimal(1).scaleb(-places))
        if f["unit"] == "MIN":
            assert f["quantity"] == minutes and f["base_quantity"] == 60


@pytest.mark.django_db
@settings(max_examples=15)
@given(
    entries=st.lists(
        st.tuples(st.integers(min_value=1, max_value=600), st.sampled_from([0, 1])),
        min_size=1,
        max_size=12,
    ),
    currency=st.sampled_from(["EUR", "JPY", "CHF"]),
    rate=RATES,
)
def test_a_drafted_invoice_bills_the_minutes_exactly(entries, currency, rate):
    """Through the service, per currency: the invoice's net is the sum of its lines, and each
    line bills exactly its entries' minutes at the rate (one line per member here)."""
    world = World()
    world.client.currency = currency
    world.client.save()
    world.coop_rate.currency = currency
    world.coop_rate.rate = rate
    world.coop_rate.save()
    members = [world.ana, world.bo]
    for minutes, who in entries:
        world.entry(member=members[who], minutes=minutes)
    invoice = invoicing.draft_invoice(
        actor=None, client=world.client, start=OCTOBER[0], end=OCTOBER[1], grouping="member"
    )
    places = 0 if currency == "JPY" else 2
    per_member = {0: 0, 1: 0}
    for minutes, who in entries:
        per_member[who] += minutes
    expected = sum(
        (hours_net(minutes, rate, places) for minutes in per_member.values() if minutes),
        Decimal(0),
    )
    lines = list(invoice.lines.all())
    assert sum(line.minutes for line in lines) == sum(minutes for minutes, _ in entries)
    assert invoice.net_total == sum((line.net for line in lines), Decimal(0)) == expected

"""Integers over a common denominator give what one Fraction per member gave, byte for byte.

`payroll.allocation.compute_distribution` computes each member's weight as an integer numerator
over one denominator (issue 21); tests/payroll/allocation_reference.py keeps the computation
as it was, with a Fraction per member. Every figure a draft stores must come out the same: the
amounts (as text, so that a Decimal's exponent counts too), the weight, the explanation's
steps as the JSON the line keeps, and the simulator's output.
"""

import gc
import json
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payroll.allocation import (
    CommonsRecipient,
    DistributionError,
    DistributionInputs,
    MemberWork,
    Method,
    PolicyTerms,
    compute_distribution,
    minor_units,
)
from payroll.simulation import parse, render
from tests.payroll import allocation_reference as reference

SAMPLES = Path(__file__).resolve().parent / "samples"
CURRENCIES = ["JPY", "EUR", "BHD"]  # 0, 2 and 3 decimals
# Rate weights a co-op writes, and odd ones whose products and sums have awkward denominators.
RATES = ["1", "1.25", "1.5", "2", "0.333", "1.7", "2.999", "0.001", "3.1415", "4.8"]


@st.composite
def months(draw, method=None):
    currency = draw(st.sampled_from(CURRENCIES))
    exponent = minor_units(currency)

    def amount(max_minor):
        return st.integers(0, max_minor).map(lambda m: Decimal(f"{m}E-{exponent}"))

    def share_of_one(max_value="0.33"):
        return st.decimals(min_value=0, max_value=Decimal(max_value), places=4)

    count = draw(st.integers(1, 9))
    rate = st.sampled_from(RATES).map(Decimal) | st.decimals("0.001", "5", places=3)
    projects = draw(st.lists(st.sampled_from(["p1", "p2", "p3"]), unique=True, max_size=3))
    members = []
    for index in range(count):
        if members and draw(st.integers(0, 3)) == 0:  # a tie: the same work as another member
            twin = draw(st.sampled_from(members))
            members.append(MemberWork(index, twin.minutes, twin.rate_weight, twin[3]))
            continue
        minutes = draw(st.sampled_from([0, 0, 1, 59, 60, 7 * 60]) | st.integers(0, 12000))
        by_project = {}
        left = minutes
        for project in projects:
            logged = draw(st.integers(0, left))
            by_project[project] = logged
            left -= logged
        members.append(MemberWork(index, minutes, draw(rate), by_project))
    revenue = draw(amount(5_000_000))
    revenue_by_project = {}
    left = revenue
    for project in projects:
        value = draw(amount(int(left * 10**exponent)))
        revenue_by_project[project] = value
        left -= value
    commons_pct = draw(share_of_one())
    recipients = draw(
        st.lists(st.decimals(min_value="0.01", max_value="10", places=2),
                 min_size=1 if commons_pct > 0 else 0, max_size=3)
    )  # fmt: skip
    rates = [m.rate_weight for m in members]
    ratio = max(rates) / min(rates)
    terms = PolicyTerms(
        method=method or draw(st.sampled_from(list(Method))),
        commons_pct=commons_pct,
        commons_recipients=tuple(
            CommonsRecipient(f"r{i}", weight) for i, weight in enumerate(recipients)
        ),
        reserve_pct=draw(share_of_one()),
        education_pct=draw(share_of_one()),
        cash_pct=draw(
            st.sampled_from([Decimal("0.8"), Decimal("1"), Decimal("0")]) | share_of_one("1")
        ),
        max_pay_ratio=max(Decimal(1), ratio.quantize(Decimal("0.001"), ROUND_CEILING))
        + draw(st.sampled_from([0, 1])),
        carry_losses=draw(st.booleans()),
        approval="treasurer",
        base_rate=draw(amount(10_000)),
    )
    return DistributionInputs(
        currency=currency,
        revenue=revenue,
        expenses=draw(amount(int(revenue * 10**exponent) + 100)),
        losses_carried=draw(amount(200_000)),
        revenue_by_project=revenue_by_project,
        policy=terms,
        members=members,
    )


def assert_same(inputs):
    """The computation and the reference agree on every figure, or both refuse."""
    try:
        expected = reference.compute_distribution(inputs)
    except reference.Refused:
        with pytest.raises(DistributionError):
            compute_distribution(inputs)
        return
    result = compute_distribution(inputs)
    figures = ("surplus", "loss", "commons", "reserve", "education", "member_pool")
    assert [str(getattr(result, name)) for name in figures] == [
        str(getattr(expected, name)) for name in figures
    ]
    assert [str(line.amount) for line in result.commons_lines] == [
        str(amount) for amount in expected.commons_amounts
    ]
    assert len(result.lines) == len(expected.lines)
    for line, old in zip(result.lines, expected.lines, strict=True):
        assert (line.id, line.minutes) == (old.id, old.minutes)
        assert line.weight == old.weight
        # What the draft's line stores in `weight`, and what its explanation says.
        assert line.weight_fraction == str(old.weight)
        assert [str(line.share), str(line.cash), str(line.retained)] == [
            str(old.share), str(old.cash), str(old.retained)
        ]  # fmt: skip
        explanation = line.explanation
        assert (explanation.method, explanation.weight, explanation.fraction_of_pool) == (
            old.method,
            old.weight_text,
            old.fraction_of_pool,
        )
        assert json.dumps(list(explanation.steps)) == json.dumps(list(old.steps))


PROPERTIES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("method", list(Method))
@PROPERTIES
@given(data=st.data())
def test_integers_give_the_fractions_results(method, data):
    assert_same(data.draw(months(method)))


def month(members, method, **figures):
    terms = {
        "method": method,
        "commons_pct": Decimal("0.15"),
        "commons_recipients": (CommonsRecipient("a", Decimal("1")),),
        "reserve_pct": Decimal("0.05"),
        "education_pct": Decimal("0.02"),
        "cash_pct": Decimal("0.8"),
        "max_pay_ratio": Decimal("5"),
        "carry_losses": False,
        "approval": "treasurer",
        "base_rate": Decimal(figures.pop("base_rate", "12.50")),
    }
    return DistributionInputs(
        currency=figures.get("currency", "EUR"),
        revenue=Decimal(figures.get("revenue", "10000.00")),
        expenses=Decimal("0"),
        losses_carried=Decimal("0"),
        revenue_by_project={k: Decimal(v) for k, v in figures.get("projects", {}).items()},
        policy=PolicyTerms(**terms),
        members=members,
    )


@pytest.mark.parametrize("currency", CURRENCIES)
@pytest.mark.parametrize("method", list(Method))
def test_a_large_run_with_ties_and_idle_members(method, currency):
    """Three hundred members, many with the same work, some idle: the largest remainders tie."""
    members = [
        MemberWork(n, (n % 7) * 450, Decimal(RATES[n % 4]), {"p1": (n % 7) * 150})
        for n in range(300)
    ]
    revenue = "98765" if currency == "JPY" else "98765.432" if currency == "BHD" else "98765.43"
    projects = {"p1": "5000" if currency == "JPY" else "5000.00", "p2": "1"}
    base_rate = "13" if currency == "JPY" else "12.50"
    assert_same(
        month(
            members,
            method,
            currency=currency,
            revenue=revenue,
            projects=projects,
            base_rate=base_rate,
        )
    )


def test_wages_that_reach_the_pool_are_paid_pro_rata():
    members = [MemberWork(n, 9600, Decimal(RATES[n % 5]), {}) for n in range(5)]
    assert_same(month(members, Method.WAGES_THEN_PATRONAGE, revenue="100.00"))


SIMULATED = ["worked-example.json", "jpy-project-hours.json", "loss-month.json"]


@pytest.mark.parametrize("name", SIMULATED)
def test_the_simulators_output_is_byte_for_byte_the_same(name):
    inputs = parse(json.loads((SAMPLES / name).read_text()))
    old = reference.compute_distribution(inputs)

    def text(amount):
        return format(amount, "f")

    expected = {
        **{
            name: text(getattr(old, name))
            for name in ("surplus", "loss", "commons", "reserve", "education", "member_pool")
        },
        "commons_lines": [
            {"name": recipient.name, "amount": text(amount)}
            for recipient, amount in zip(
                inputs.policy.commons_recipients, old.commons_amounts, strict=True
            )
        ],
        "lines": [
            {"id": line.id, "share": text(line.share), "cash": text(line.cash),
             "retained": text(line.retained)}
            for line in old.lines
        ],
    }  # fmt: skip
    output = render(compute_distribution(inputs))
    assert json.dumps(output, sort_keys=True) == json.dumps(expected, sort_keys=True)
    assert_same(inputs)


def test_the_cycle_collector_is_left_as_it_was():
    """The computation pauses Python's cycle collector for its own objects, and only then."""
    inputs = month([MemberWork(1, 60, Decimal("1"))], Method.HOURS)
    compute_distribution(inputs)
    assert gc.isenabled()
    gc.disable()
    try:
        compute_distribution(inputs)
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(DistributionError):
        compute_distribution(month([MemberWork(1, 0, Decimal("1"))], Method.HOURS))
    assert gc.isenabled()

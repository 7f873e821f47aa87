"""The split of a payment over an invoice's projects (no database): exact, proportional."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from billing.payments import split_by_nets

cents = st.integers(min_value=1, max_value=10**11).map(lambda n: Decimal(n).scaleb(-2))
nets = st.dictionaries(
    st.one_of(st.none(), st.integers(min_value=1, max_value=50)),
    st.integers(min_value=-(10**6), max_value=10**9).map(lambda n: Decimal(n).scaleb(-2)),
    min_size=1,
    max_size=8,
)


def test_the_worked_example():
    """docs/billing.md: 100.01 over nets 600, 300 and 100 (no project)."""
    split = split_by_nets(
        {2: Decimal("300.00"), 1: Decimal("600.00"), None: Decimal("100.00")},
        Decimal("100.01"),
        2,
    )
    assert split == [(1, Decimal("60.01")), (2, Decimal("30.00")), (None, Decimal("10.00"))]


def test_a_tie_goes_to_the_lower_project():
    assert split_by_nets({7: Decimal("1"), 3: Decimal("1")}, Decimal("0.01"), 2) == [
        (3, Decimal("0.01"))
    ]


def test_nothing_positive_goes_to_no_project():
    assert split_by_nets({4: Decimal("-5.00")}, Decimal("9.99"), 2) == [(None, Decimal("9.99"))]


def test_yen_have_no_decimals():
    assert split_by_nets({1: Decimal("2"), 2: Decimal("1")}, Decimal("1000"), 0) == [
        (1, Decimal("667")), (2, Decimal("333")),
    ]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(nets=nets, total=cents)
def test_the_parts_add_up_and_follow_the_nets(nets, total):
    split = split_by_nets(nets, total, 2)
    assert sum(part for _, part in split) == total
    assert all(part > 0 and part == part.quantize(Decimal("0.01")) for _, part in split)
    positive = {key: net for key, net in nets.items() if net > 0}
    if not positive:
        assert split == [(None, total)]
        return
    weight = sum(positive.values())
    for key, part in split:
        assert key in positive
        # Each part is its exact quota rounded down or up by less than one cent.
        assert abs(part - total * positive[key] / weight) < Decimal("0.01")

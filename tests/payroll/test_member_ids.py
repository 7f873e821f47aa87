"""Member ids keep their type through the pure computation: the database's ints stay ints."""

from decimal import Decimal as D

import pytest

from payroll.allocation import (
    DistributionInputs,
    MemberWork,
    PayRatioExceeded,
    PolicyTerms,
    compute_distribution,
)


def month(members, **terms):
    return DistributionInputs(
        currency="EUR",
        revenue=D("100.00"),
        expenses=D("0"),
        losses_carried=D("0"),
        revenue_by_project={},
        policy=PolicyTerms(
            method="weighted_hours",
            commons_pct=D("0"),
            reserve_pct=D("0"),
            education_pct=D("0"),
            cash_pct=D("1"),
            max_pay_ratio=terms.get("ratio", D("3")),
            base_rate=None,
            commons_recipients=(),
            carry_losses=False,
            approval="treasurer",
        ),
        members=members,
    )


def test_int_ids_come_back_as_ints():
    result = compute_distribution(month([MemberWork(7, 60, D("1")), MemberWork(12, 30, D("1"))]))
    assert [line.id for line in result.lines] == [7, 12]


def test_the_pay_ratio_error_carries_the_ids_and_figures():
    with pytest.raises(PayRatioExceeded) as error:
        compute_distribution(month([MemberWork(7, 60, D("4")), MemberWork(12, 30, D("1"))]))
    assert (error.value.highest, error.value.lowest) == (7, 12)
    assert (error.value.highest_weight, error.value.lowest_weight) == (D("4"), D("1"))
    assert (error.value.ratio_text, error.value.max_pay_ratio_text) == ("4", "3")


@pytest.mark.parametrize("bad", [True, "", None, 1.0])
def test_a_member_id_is_a_whole_number_or_a_name(bad):
    with pytest.raises(Exception, match="whole number or a non-empty string"):
        month([MemberWork(bad, 60, D("1"))])

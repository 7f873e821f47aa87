"""The members' input checks: the fast path (column by column, each distinct rate weight once)
lets nothing through that the member-by-member rules refuse, and names every problem."""

from decimal import Decimal

import pytest

from payroll import allocation
from payroll.allocation.inputs import _members_plainly_valid

ONE = Decimal("1.000")


def problems(members: list[allocation.MemberWork]) -> dict[str, list[str]]:
    return allocation.input_problems(
        currency="EUR",
        revenue=Decimal("100.00"),
        expenses=Decimal("0"),
        losses_carried=Decimal("0"),
        revenue_by_project={},
        members=members,
    )


def work(*rows: tuple) -> list[allocation.MemberWork]:
    return [allocation.MemberWork(*row) for row in rows]


VALID = {
    "no members": [],
    "one weight shared by every member": work(*[(pk, 60 * pk, ONE) for pk in range(1, 50)]),
    "equal weights written differently": work((1, 60, Decimal("1")), (2, 0, Decimal("1.00"))),
    "string ids": work(("a", 60, ONE), ("b", 0, Decimal("0.333"))),
}

INVALID = {
    "a signalling NaN weight": (work((1, 60, ONE), (2, 60, Decimal("sNaN"))), "members[1]"),
    "a NaN weight": (work((1, 60, ONE), (2, 60, Decimal("NaN"))), "members[1]"),
    "an infinite weight": (work((1, 60, Decimal("Infinity")), (2, 60, ONE)), "members[0]"),
    "a zero weight": (work((1, 60, ONE), (2, 60, Decimal("0"))), "members[1]"),
    "a negative weight": (work((1, 60, Decimal("-1")), (2, 60, ONE)), "members[0]"),
    "a float weight": (work((1, 60, ONE), (2, 60, 1.0)), "members[1]"),
    "an id twice": (work((1, 60, ONE), (1, 30, ONE)), "members[1]"),
    "an empty string id": (work(("a", 60, ONE), ("", 30, ONE)), "members[1]"),
    "ints and strings mixed": (work((1, 60, ONE), ("1", 30, ONE)), None),
    "negative minutes": (work((1, -1, ONE), (2, 60, ONE)), "members[0]"),
    "boolean minutes": (work((1, True, ONE), (2, 60, ONE)), "members[0]"),
}


@pytest.mark.parametrize("members", VALID.values(), ids=VALID.keys())
def test_valid_members_pass_the_fast_path(members):
    assert _members_plainly_valid(members)
    assert problems(members) == {}


@pytest.mark.parametrize(("members", "path"), INVALID.values(), ids=INVALID.keys())
def test_each_problem_is_checked_member_by_member_and_named(members, path):
    assert not _members_plainly_valid(members)
    errors = problems(members)
    if path is None:  # ints and strings mixed are each a valid id: the one by one rules agree
        assert errors == {}
    else:
        assert any(key.startswith(path) for key in errors), errors

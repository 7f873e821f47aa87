"""How an entry is split into DATEV bookings (books.datev_pairs): every account moves by
exactly its line, whatever the lines, and an entry gives fewer rows than lines."""

from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from books.datev_pairs import Booking, bookings

D = Decimal


def moves(rows):
    total = defaultdict(Decimal)
    for row in rows:
        sign = 1 if row.side == "S" else -1
        total[row.account] += sign * row.amount
        total[row.counter] -= sign * row.amount
    return {account: amount for account, amount in total.items() if amount}


def test_two_lines_are_one_booking():
    assert bookings([("1200", D("10.00")), ("1400", D("-10.00"))]) == [
        Booking("1200", "1400", D("10.00"), "S")
    ]


def test_an_invoice_books_the_vat_against_the_receivable():
    rows = bookings([("1400", D("119.00")), ("8400", D("-100.00")), ("1776", D("-19.00"))])
    assert rows == [
        Booking("1776", "1400", D("19.00"), "H"),
        Booking("1400", "8400", D("100.00"), "S"),
    ]


def test_the_rest_may_change_sides():
    lines = [("a", D("34")), ("b", D("33")), ("c", D("33")),
             ("x", D("-40")), ("y", D("-30")), ("z", D("-30"))]  # fmt: skip
    rows = bookings(lines)
    assert rows[-1] == Booking("a", "x", D("26"), "H")
    assert moves(rows) == {account: amount for account, amount in lines}


def test_unbalanced_lines_are_refused():
    with pytest.raises(ValueError):
        bookings([("a", D("1")), ("b", D("-2"))])


cents = st.integers(min_value=1, max_value=10**9).map(lambda n: Decimal(n) / 100)


@given(st.lists(cents, min_size=1, max_size=8), st.lists(cents, min_size=1, max_size=8))
def test_every_account_moves_by_its_line(debits, credits):
    # make the two sides equal by adding the difference to the smaller one
    difference = sum(debits) - sum(credits)
    if difference > 0:
        credits = [*credits, difference]
    elif difference < 0:
        debits = [*debits, -difference]
    lines = [(f"d{i}", amount) for i, amount in enumerate(debits)]
    lines += [(f"c{i}", -amount) for i, amount in enumerate(credits)]
    rows = bookings(lines)
    assert moves(rows) == dict(lines)
    assert len(rows) < len(lines)
    assert all(row.amount > 0 and row.side in "SH" for row in rows)

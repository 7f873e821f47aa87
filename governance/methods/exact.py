"""Exact fractions for quorums, thresholds and ballot weights: "2/3" and "0.75", never floats."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from fractions import Fraction
from operator import attrgetter


def parse_fraction(value: object, *, name: str = "value", at_most_one: bool = True) -> Fraction:
    """Read `"2/3"`, `"0.75"`, an int or a Fraction; refuse floats, negatives and (by default) > 1.

    Floats are refused because 0.1 + 0.2 != 0.3: a threshold must mean exactly what was voted.
    """
    if isinstance(value, bool | float):
        raise ValueError(f'{name}: write it as a string such as "2/3" or "0.75", not a float')
    if isinstance(value, Fraction | int):
        share = Fraction(value)
    elif isinstance(value, str):
        try:
            share = Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise ValueError(
                f'{name}: "{value}" is not a fraction such as "2/3" or "0.75"'
            ) from None
    else:
        raise ValueError(f'{name}: write it as a string such as "2/3" or "0.75"')
    if share < 0:
        raise ValueError(f"{name}: cannot be negative")
    if at_most_one and share > 1:
        raise ValueError(f"{name}: must be between 0 and 1")
    return share


def format_fraction(value: Fraction | int) -> str:
    """`Fraction(2, 3)` → `"2/3"`, `Fraction(3)` → `"3"`."""
    value = Fraction(value)
    return (
        str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    )


def fraction_sum(values: Iterable[Fraction | int]) -> Fraction:
    """The exact sum, with one Fraction addition per distinct denominator instead of per value
    (a turnout of 50,000 ballot weights would otherwise take 50,000 Fraction additions)."""
    values = list(values)
    if set(map(type, values)) <= {int}:  # whole numbers (ballot counts): a plain C-level sum
        return Fraction(sum(values))
    denominators = set(map(attrgetter("denominator"), values))
    if denominators <= {1}:
        return Fraction(sum(map(attrgetter("numerator"), values)))
    numerators: defaultdict[int, int] = defaultdict(int)
    for value in values:
        numerators[value.denominator] += value.numerator
    return sum((Fraction(n, d) for d, n in numerators.items()), Fraction(0))

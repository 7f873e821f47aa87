"""Splitting an amount in proportion to weights so that the parts add up exactly (rules 2, 4)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from payroll.allocation.errors import DistributionError

HALF = Fraction(1, 2)


def largest_remainder(total_minor: int, weights: Sequence[Fraction]) -> list[int]:
    """Split `total_minor` minor units in proportion to `weights` (rules 2 and 4).

    The largest-remainder (Hamilton) method: each part is floor(total × w / Σw); the units left
    over go one each to the largest fractional remainders, ties to the earlier weight. The parts
    sum to `total_minor` exactly. A zero weight never receives a unit.
    """
    if isinstance(total_minor, bool) or not isinstance(total_minor, int) or total_minor < 0:
        raise DistributionError(f"The total to split must be a whole number ≥ 0: {total_minor!r}")
    exact = [Fraction(weight) for weight in weights]
    if any(weight < 0 for weight in exact):
        raise DistributionError("Weights to split by cannot be negative.")
    if total_minor == 0:
        return [0] * len(exact)
    # On integers: the weights over their common denominator, so that each quota is
    # total × w / Σw = part + remainder / Σw with the same Σw for all (no Fraction per member).
    denominator = math.lcm(*(weight.denominator for weight in exact))
    scaled = [weight.numerator * (denominator // weight.denominator) for weight in exact]
    return split_by_numerators(total_minor, scaled)


def split_by_numerators(total_minor: int, numerators: Sequence[int]) -> list[int]:
    """`largest_remainder` of weights given as integer numerators over one common denominator
    (which cancels out): the same parts, with no Fraction. The numerators are ≥ 0."""
    weight_sum = sum(numerators)
    if total_minor == 0:
        return [0] * len(numerators)
    if weight_sum == 0:
        raise DistributionError("An amount cannot be split when every weight is zero.")
    parts = []
    remainders = []
    for weight in numerators:
        part, remainder = divmod(total_minor * weight, weight_sum)
        parts.append(part)
        remainders.append(remainder)
    left_over = total_minor - sum(parts)
    if left_over:
        # Largest remainders first; a stable sort keeps ties in their order (the earlier first).
        by_remainder = sorted(range(len(remainders)), key=remainders.__getitem__, reverse=True)
        for index in by_remainder[:left_over]:
            parts[index] += 1
    return parts

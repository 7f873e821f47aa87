"""The monthly distribution of a co-op's surplus, computed exactly (pure Python, no Django).

docs/payroll-rules.md states the rules this package implements, with a worked example. All
arithmetic is exact: money is held in integer minor units (cents), the members' weights are
integer numerators over one common denominator (no `Fraction` per member: a federation's run
has thousands), and every rounding step is named (rounded down, largest remainder, half up).

The parts: `inputs` (the policy, the month's figures, the members' minutes), `shares` (the
computation and its result), `weights` (each member's weight by the policy's method, the pay
ratio's limit), `explanation` (a share's steps with figures, and them in words), `rounding`
(largest remainder), `currencies` (ISO 4217 and minor units), `errors` (the refusals),
`figures` (exact figures as text).
"""

from payroll.allocation.currencies import is_currency, minor_units
from payroll.allocation.errors import DistributionError, InputError, PayRatioExceeded, PolicyError
from payroll.allocation.inputs import (
    Approval,
    CommonsRecipient,
    DistributionInputs,
    MemberId,
    MemberWork,
    Method,
    PolicyTerms,
    input_problems,
)
from payroll.allocation.rounding import largest_remainder
from payroll.allocation.shares import (
    CommonsShare,
    DistributionResult,
    MemberShare,
    ShareExplanation,
    compute_distribution,
    no_cycle_collection,
)

__all__ = [
    "Approval",
    "CommonsRecipient",
    "CommonsShare",
    "DistributionError",
    "DistributionInputs",
    "DistributionResult",
    "InputError",
    "MemberId",
    "MemberShare",
    "MemberWork",
    "Method",
    "PayRatioExceeded",
    "PolicyError",
    "PolicyTerms",
    "ShareExplanation",
    "compute_distribution",
    "input_problems",
    "is_currency",
    "largest_remainder",
    "minor_units",
    "no_cycle_collection",
]

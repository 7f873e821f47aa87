"""The month's distribution as computed before issue 21: a `Fraction` per member (a reference).

A copy of `payroll.allocation.shares` and `payroll.allocation.rounding` as they were when the
computation moved to integers over a common denominator, trimmed to what computes the results:
the figures, the weights and the explanation steps. tests/payroll/test_allocation_exact.py
compares the computation of today with this one, value for value and byte for byte; do not
"improve" it, it is the yardstick. Refusals come back as `Refused` (their wording is tested
elsewhere).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from payroll.allocation import explanation as explaining
from payroll.allocation.currencies import minor_units, to_minor
from payroll.allocation.inputs import DistributionInputs, MemberWork, Method, PolicyTerms

HALF = Fraction(1, 2)


# --- payroll.allocation.figures as it was ---------------------------------------------------


def from_minor(minor: int, exponent: int) -> Decimal:
    return Decimal(f"{minor}E-{exponent}")


def decimal_text(value: Fraction, min_digits: int = 0) -> str | None:
    rest, twos, fives = value.denominator, 0, 0
    while rest % 2 == 0:
        rest, twos = rest // 2, twos + 1
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    digits = max(min_digits, twos, fives)
    if rest != 1 or digits > max(40, min_digits):
        return None
    return format(from_minor(value.numerator * 10**digits // value.denominator, digits), "f")


def weight_text(value: Fraction) -> str:
    text = decimal_text(value)
    return text if text is not None else f"{value.numerator}/{value.denominator}"


def amount_figure(value: Fraction, exponent: int) -> str | dict[str, str]:
    text = decimal_text(value, exponent)
    if text is not None:
        return text
    return {"about": str(from_minor(round(value * 10 ** (exponent + 4)), exponent + 4))}


def fraction_text(value: Fraction) -> str:
    return str(value)


# --- payroll.allocation.shares and rounding as they were ------------------------------------


class Refused(Exception):
    """The pool cannot be split (no members, or every weight zero), or the pay ratio is broken."""


@dataclass(frozen=True)
class ReferenceLine:
    id: object
    weight: Fraction
    share: Decimal
    cash: Decimal
    retained: Decimal
    method: str
    minutes: int
    weight_text: str
    fraction_of_pool: str
    steps: tuple[explaining.Step, ...]


@dataclass(frozen=True)
class ReferenceResult:
    surplus: Decimal
    loss: Decimal
    commons: Decimal
    commons_amounts: tuple[Decimal, ...]
    reserve: Decimal
    education: Decimal
    member_pool: Decimal
    lines: tuple[ReferenceLine, ...]


def largest_remainder(total_minor: int, weights: Sequence[Fraction]) -> list[int]:
    exact = [Fraction(weight) for weight in weights]
    if total_minor == 0:
        return [0] * len(exact)
    denominator = math.lcm(*(weight.denominator for weight in exact))
    scaled = [weight.numerator * (denominator // weight.denominator) for weight in exact]
    weight_sum = sum(scaled)
    if weight_sum == 0:
        raise Refused("every weight is zero")
    split = [divmod(total_minor * weight, weight_sum) for weight in scaled]
    parts = [part for part, _ in split]
    left_over = total_minor - sum(parts)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-split[i][1], i))
    for index in by_remainder[:left_over]:
        parts[index] += 1
    return parts


def compute_distribution(inputs: DistributionInputs) -> ReferenceResult:
    policy = inputs.policy
    exponent = minor_units(inputs.currency)
    scale = 10**exponent
    _check_pay_ratio(policy, inputs.members)

    losses = to_minor(inputs.losses_carried, scale) if policy.carry_losses else 0
    surplus = to_minor(inputs.revenue, scale) - to_minor(inputs.expenses, scale) - losses

    def money(minor: int) -> Decimal:
        return from_minor(minor, exponent)

    if surplus <= 0:
        zero = money(0)
        nothing = (explaining.no_surplus(),)
        return ReferenceResult(
            surplus=zero,
            loss=money(-surplus),
            commons=zero,
            commons_amounts=tuple(zero for _ in policy.commons_recipients),
            reserve=zero,
            education=zero,
            member_pool=zero,
            lines=tuple(
                ReferenceLine(
                    m.id, Fraction(0), zero, zero, zero, str(policy.method), m.minutes, "0",
                    "0", nothing,
                )
                for m in inputs.members
            ),
        )  # fmt: skip

    commons = math.floor(surplus * Fraction(policy.commons_pct))
    reserve = math.floor(surplus * Fraction(policy.reserve_pct))
    education = math.floor(surplus * Fraction(policy.education_pct))
    pool = surplus - commons - reserve - education
    commons_parts = largest_remainder(
        commons, [Fraction(r.weight) for r in policy.commons_recipients]
    )

    members = inputs.members
    if not members:
        raise Refused("no members")
    weights, details = _weights(inputs, Fraction(pool, scale), exponent)
    weight_sum = sum(weights, Fraction(0))
    if weight_sum == 0:
        raise Refused("every weight is zero")
    shares = largest_remainder(pool, weights)

    cash_pct = Fraction(policy.cash_pct)
    lines = []
    for member, weight, detail, share in zip(members, weights, details, shares, strict=True):
        cash = math.floor(share * cash_pct + HALF)
        retained = share - cash
        fraction = weight / weight_sum
        exact_share = pool * fraction
        if exact_share == share:
            rounding = explaining.NO_ROUNDING
        elif share == math.floor(exact_share):
            rounding = explaining.ROUNDED_DOWN
        else:
            rounding = explaining.ROUNDED_DOWN_PLUS_ONE
        exact = amount_figure(exact_share / scale, exponent)
        share_steps = (
            *detail,
            explaining.share(fraction_text(fraction), money(pool), exact, rounding, money(share)),
            explaining.cash(policy.cash_pct, money(cash), money(retained)),
        )
        lines.append(
            ReferenceLine(
                id=member.id,
                weight=weight,
                share=money(share),
                cash=money(cash),
                retained=money(retained),
                method=str(policy.method),
                minutes=member.minutes,
                weight_text=weight_text(weight),
                fraction_of_pool=fraction_text(fraction),
                steps=share_steps,
            )
        )
    return ReferenceResult(
        surplus=money(surplus),
        loss=money(0),
        commons=money(commons),
        commons_amounts=tuple(money(part) for part in commons_parts),
        reserve=money(reserve),
        education=money(education),
        member_pool=money(pool),
        lines=tuple(lines),
    )


def _weights(
    inputs: DistributionInputs, pool: Fraction, exponent: int
) -> tuple[list[Fraction], list[list[explaining.Step]]]:
    policy = inputs.policy
    members = inputs.members
    total_minutes = sum(m.minutes for m in members)
    method = policy.method
    if method == Method.EQUAL:
        return (
            [Fraction(1)] * len(members),
            [[explaining.equal(len(members))]] * len(members),
        )
    if method == Method.HOURS:
        return (
            [Fraction(m.minutes) for m in members],
            [[explaining.hours(m.minutes, total_minutes)] for m in members],
        )
    if method == Method.WEIGHTED_HOURS:
        weights = [m.minutes * Fraction(m.rate_weight) for m in members]
        total = sum(weights, Fraction(0))
        total_text = weight_text(total)
        return weights, [
            [explaining.weighted_hours(m.minutes, m.rate_weight, weight_text(w), total_text)]
            for m, w in zip(members, weights, strict=True)
        ]
    if method == Method.WAGES_THEN_PATRONAGE:
        return _wages_then_patronage(policy, members, pool, total_minutes, exponent)
    return _project_hours(inputs, pool, total_minutes, exponent)


def _wages_then_patronage(
    policy: PolicyTerms,
    members: Sequence[MemberWork],
    pool: Fraction,
    total_minutes: int,
    exponent: int,
) -> tuple[list[Fraction], list[list[explaining.Step]]]:
    base_rate = Fraction(policy.base_rate or 0)
    wages = [Fraction(m.minutes, 60) * base_rate * Fraction(m.rate_weight) for m in members]
    wage_total = sum(wages, Fraction(0))
    wage_steps = [
        explaining.wage(m.minutes, policy.base_rate, m.rate_weight, amount_figure(wage, exponent))
        for m, wage in zip(members, wages, strict=True)
    ]
    if wage_total >= pool:
        pro_rata = explaining.wages_pro_rata(amount_figure(wage_total, exponent))
        return wages, [[step, pro_rata] for step in wage_steps]
    rest = pool - wage_total
    rest_figure = amount_figure(rest, exponent)
    weights = []
    explained = []
    for member, wage, step in zip(members, wages, wage_steps, strict=True):
        patronage = rest * member.minutes / total_minutes if total_minutes else Fraction(0)
        weights.append(wage + patronage)
        explained.append(
            [
                step,
                explaining.patronage(
                    rest_figure, member.minutes, total_minutes, amount_figure(patronage, exponent)
                ),
            ]
        )
    return weights, explained


def _project_hours(
    inputs: DistributionInputs, pool: Fraction, total_minutes: int, exponent: int
) -> tuple[list[Fraction], list[list[explaining.Step]]]:
    members = inputs.members
    revenue = Fraction(inputs.revenue)
    weights = [Fraction(0)] * len(members)
    parts: list[list[explaining.Step]] = [[] for _ in members]

    def by_all_minutes(amount: Fraction, project: str | None) -> None:
        if not total_minutes:
            return
        for index, member in enumerate(members):
            part = amount * member.minutes / total_minutes
            weights[index] += part
            figure = amount_figure(part, exponent)
            parts[index].append(
                explaining.no_project_part(member.minutes, total_minutes, figure)
                if project is None
                else explaining.unlogged_project_part(
                    project, member.minutes, total_minutes, figure
                )
            )

    project_total = Fraction(0)
    for project, amount in inputs.revenue_by_project.items():
        project_total += Fraction(amount)
        if amount == 0:
            continue
        project_pool = pool * Fraction(amount) / revenue
        on_project = sum(m.minutes_by_project.get(project, 0) for m in members)
        if on_project == 0:
            by_all_minutes(project_pool, project)
            continue
        for index, member in enumerate(members):
            minutes = member.minutes_by_project.get(project, 0)
            if minutes:
                part = project_pool * minutes / on_project
                weights[index] += part
                parts[index].append(
                    explaining.project_part(
                        project, minutes, on_project, amount_figure(part, exponent)
                    )
                )
    unassigned = revenue - project_total
    if unassigned:
        by_all_minutes(pool * unassigned / revenue, None)
    return weights, [[explaining.project_hours(p)] for p in parts]


def _check_pay_ratio(policy: PolicyTerms, members: Sequence[MemberWork]) -> None:
    if not members:
        return
    highest = max(members, key=lambda m: m.rate_weight)
    lowest = min(members, key=lambda m: m.rate_weight)
    if Fraction(highest.rate_weight) > Fraction(policy.max_pay_ratio) * Fraction(
        lowest.rate_weight
    ):
        raise Refused("pay ratio exceeded")

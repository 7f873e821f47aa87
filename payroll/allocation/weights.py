"""Each member's weight by the policy's method (rule 3), and the refusals: pay ratio, no weight."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from coop.texts import Text, gettext_noop
from payroll.allocation import explanation as explaining
from payroll.allocation.errors import PayRatioExceeded
from payroll.allocation.figures import ratio_amount_figure, ratio_weight_text
from payroll.allocation.inputs import (
    METHOD_NAMES,
    DistributionInputs,
    MemberWork,
    Method,
    PolicyTerms,
)


class _Weights(NamedTuple):
    """The members' weights (rule 3): integer numerators over one common denominator, the steps
    that explain each, and each weight as `weight_text` writes it."""

    numerators: list[int]
    denominator: int
    details: list[list[explaining.Step]]
    texts: list[str]


def _weights(inputs: DistributionInputs, pool: int, scale: int, exponent: int) -> _Weights:
    """Each member's exact weight by the policy's method (rule 3), and the steps to it.

    `pool` is the member pool in minor units (pool / scale in money).
    """
    policy = inputs.policy
    members = inputs.members
    total_minutes = sum(m.minutes for m in members)
    method = policy.method
    if method == Method.EQUAL:
        count = len(members)
        return _Weights([1] * count, 1, [[explaining.equal(count)]] * count, ["1"] * count)
    if method == Method.HOURS:
        return _Weights(
            [m.minutes for m in members],
            1,
            [[explaining.hours(m.minutes, total_minutes)] for m in members],
            [str(m.minutes) for m in members],
        )
    if method == Method.WEIGHTED_HOURS:
        rates, denominator = _rates(members)
        numerators = [m.minutes * rates[m.rate_weight] for m in members]
        total_text = ratio_weight_text(sum(numerators), denominator)
        weight_texts: dict[int, str] = {}  # members with equal minutes × rate share a text
        texts = [
            weight_texts.get(numerator)
            or weight_texts.setdefault(numerator, ratio_weight_text(numerator, denominator))
            for numerator in numerators
        ]
        return _Weights(
            numerators,
            denominator,
            [
                [explaining.weighted_hours(m.minutes, m.rate_weight, text, total_text)]
                for m, text in zip(members, texts, strict=True)
            ],
            texts,
        )
    if method == Method.WAGES_THEN_PATRONAGE:
        return _wages_then_patronage(policy, members, pool, scale, total_minutes, exponent)
    return _project_hours(inputs, pool, scale, total_minutes, exponent)


def _rates(members: Sequence[MemberWork]) -> tuple[dict[Decimal, int], int]:
    """Each distinct rate weight as an integer numerator over the rate weights' common
    denominator (the lcm of their reduced denominators), and that denominator."""
    ratios = {rate: Fraction(rate) for rate in {m.rate_weight for m in members}}
    denominator = math.lcm(*(ratio.denominator for ratio in ratios.values()))
    return {
        rate: ratio.numerator * (denominator // ratio.denominator) for rate, ratio in ratios.items()
    }, denominator


def _texts(numerators: Sequence[int], denominator: int) -> list[str]:
    return [ratio_weight_text(numerator, denominator) for numerator in numerators]


def _wages_then_patronage(
    policy: PolicyTerms,
    members: Sequence[MemberWork],
    pool: int,
    scale: int,
    total_minutes: int,
    exponent: int,
) -> _Weights:
    """wage = minutes / 60 × base_rate × rate_weight; the pool above Σwage goes by minutes.

    With base_rate = b/d and the rate weights r/R: wage = minutes × b × r / (60 × d × R), so the
    wages are integers over 60·d·R; the patronage adds rest × minutes / Σminutes over the
    common denominator scale·60·d·R·Σminutes.
    """
    base = Fraction(policy.base_rate or 0)
    rates, rate_denominator = _rates(members)
    wage_denominator = 60 * base.denominator * rate_denominator
    wages = [m.minutes * base.numerator * rates[m.rate_weight] for m in members]
    wage_total = sum(wages)
    wage_steps = [
        explaining.wage(
            m.minutes,
            policy.base_rate,
            m.rate_weight,
            ratio_amount_figure(wage, wage_denominator, exponent),
        )
        for m, wage in zip(members, wages, strict=True)
    ]
    if wage_total * scale >= pool * wage_denominator:  # Σwage ≥ pool / scale
        pro_rata = explaining.wages_pro_rata(
            ratio_amount_figure(wage_total, wage_denominator, exponent)
        )
        return _Weights(
            wages,
            wage_denominator,
            [[step, pro_rata] for step in wage_steps],
            _texts(wages, wage_denominator),
        )
    # rest = pool / scale − Σwage, over scale × wage_denominator.
    rest = pool * wage_denominator - wage_total * scale
    rest_denominator = scale * wage_denominator
    rest_figure = ratio_amount_figure(rest, rest_denominator, exponent)
    by_minutes = total_minutes or 1  # no minutes: every wage and patronage is 0
    denominator = rest_denominator * by_minutes
    numerators = []
    explained = []
    for member, wage, step in zip(members, wages, wage_steps, strict=True):
        patronage = rest * member.minutes if total_minutes else 0
        numerators.append(wage * scale * by_minutes + patronage)
        explained.append(
            [
                step,
                explaining.patronage(
                    rest_figure,
                    member.minutes,
                    total_minutes,
                    ratio_amount_figure(patronage, denominator, exponent),
                ),
            ]
        )
    return _Weights(numerators, denominator, explained, _texts(numerators, denominator))


def _project_hours(
    inputs: DistributionInputs, pool: int, scale: int, total_minutes: int, exponent: int
) -> _Weights:
    """Each project's revenue share of the pool by minutes on it; revenue with no project and
    projects nobody logged time on go by all minutes.

    A project's part of the pool is pool × amount / revenue = n / d (a few Fractions per
    project); a member's part of it is n × minutes / (d × minutes on it), an integer over
    the common denominator of all parts.
    """
    members = inputs.members
    revenue = Fraction(inputs.revenue)
    pool_money = Fraction(pool, scale)
    # (the project, or None for revenue with no project; its part of the pool; whether it goes
    # by the minutes on the project, else by all minutes; the minutes it goes by in all)
    splits: list[tuple[str | None, Fraction, bool, int]] = []
    project_total = Fraction(0)
    for project, amount in inputs.revenue_by_project.items():
        project_total += Fraction(amount)
        if amount == 0:
            continue
        project_pool = pool_money * Fraction(amount) / revenue
        on_project = sum(m.minutes_by_project.get(project, 0) for m in members)
        if on_project:
            splits.append((project, project_pool, True, on_project))
        elif total_minutes:
            splits.append((project, project_pool, False, total_minutes))
    unassigned = revenue - project_total
    if unassigned and total_minutes:
        splits.append((None, pool_money * unassigned / revenue, False, total_minutes))
    denominator = math.lcm(1, *(part.denominator * of for _n, part, _b, of in splits))
    numerators = [0] * len(members)
    parts: list[list[explaining.Step]] = [[] for _ in members]
    for name, part, by_project, of in splits:
        part_denominator = part.denominator * of
        factor = part.numerator * (denominator // part_denominator)
        for index, member in enumerate(members):
            if by_project and name is not None:
                minutes = member.minutes_by_project.get(name, 0)
                if not minutes:
                    continue
            else:
                minutes = member.minutes
            numerators[index] += factor * minutes
            figure = ratio_amount_figure(part.numerator * minutes, part_denominator, exponent)
            if by_project and name is not None:
                step = explaining.project_part(name, minutes, of, figure)
            elif name is None:
                step = explaining.no_project_part(minutes, of, figure)
            else:
                step = explaining.unlogged_project_part(name, minutes, of, figure)
            parts[index].append(step)
    return _Weights(
        numerators,
        denominator,
        [[explaining.project_hours(p)] for p in parts],
        _texts(numerators, denominator),
    )


def _check_pay_ratio(policy: PolicyTerms, members: Sequence[MemberWork]) -> None:
    """Rule 6: refuse when the highest rate weight exceeds max_pay_ratio × the lowest."""
    if not members:
        return
    highest = max(members, key=lambda m: m.rate_weight)  # the first listed among equals
    lowest = min(members, key=lambda m: m.rate_weight)
    if Fraction(highest.rate_weight) > Fraction(policy.max_pay_ratio) * Fraction(
        lowest.rate_weight
    ):
        raise PayRatioExceeded(
            highest=highest.id,
            highest_weight=highest.rate_weight,
            lowest=lowest.id,
            lowest_weight=lowest.rate_weight,
            max_pay_ratio=policy.max_pay_ratio,
        )


def _no_weight_message(method: Method) -> Text:
    if method in (Method.HOURS, Method.WEIGHTED_HOURS):
        return Text(
            gettext_noop(
                "Nobody logged any time this month, so the member pool cannot be split "
                "%(method)s. Record the hours worked or choose another method (such as equal "
                "shares)."
            ),
            {"method": METHOD_NAMES[method]},
        )
    return Text(
        gettext_noop(
            "The member pool cannot be split (%(method)s): nobody logged any time this month. "
            "Record the hours worked or choose another method (such as equal shares)."
        ),
        {"method": METHOD_NAMES[method]},
    )

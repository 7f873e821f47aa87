"""The month's distribution computed: the funds, the member pool by weight, cash and capital."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from coop.texts import Text, gettext_noop
from payroll.allocation import explanation as explaining
from payroll.allocation.currencies import minor_units, to_minor
from payroll.allocation.errors import DistributionError, PayRatioExceeded
from payroll.allocation.figures import amount_figure, fraction_text, from_minor, weight_text
from payroll.allocation.inputs import (
    METHOD_NAMES,
    DistributionInputs,
    MemberId,
    MemberWork,
    Method,
    PolicyTerms,
)
from payroll.allocation.rounding import HALF, largest_remainder


@dataclass(frozen=True)
class CommonsShare:
    """What one commons recipient receives."""

    name: str
    weight: Decimal
    amount: Decimal
    iban: str | None = None


@dataclass(frozen=True)
class ShareExplanation:
    """How a member's share was computed, for the payslip.

    `weight` is the exact weight (a decimal, or "n/d" when it has no finite decimal form),
    `fraction_of_pool` is weight / Σ weights as a reduced fraction, `steps` the computation's
    steps with their figures (`payroll.allocation.explanation`), and `text` says them in
    English; the pages and payslips say them in the reader's language from the stored steps.
    """

    method: str
    minutes: int
    weight: str
    fraction_of_pool: str
    steps: tuple[explaining.Step, ...]
    currency: str

    @property
    def text(self) -> str:
        return " ".join(explaining.sentences(self.steps, self.currency))


@dataclass(frozen=True)
class MemberShare:
    """One member's share of the member pool, split into cash and retained capital."""

    id: MemberId
    weight: Fraction
    share: Decimal
    cash: Decimal
    retained: Decimal
    explanation: ShareExplanation

    @property
    def minutes(self) -> int:
        """The minutes the share was computed from: the stored line takes them from here."""
        return self.explanation.minutes


@dataclass(frozen=True)
class DistributionResult:
    """The month's distribution. Amounts are Decimals quantized to the currency's minor unit.

    `surplus` is never negative: a month without surplus has surplus 0 and reports `loss`
    (the amount to carry to later months), with every other amount 0.
    """

    surplus: Decimal
    loss: Decimal
    commons: Decimal
    commons_lines: tuple[CommonsShare, ...]
    reserve: Decimal
    education: Decimal
    member_pool: Decimal
    lines: tuple[MemberShare, ...]


def compute_distribution(inputs: DistributionInputs) -> DistributionResult:
    """Distribute one month's surplus by the policy: rules 1–6 of docs/payroll-rules.md.

    surplus = revenue − expenses (− losses_carried when the policy carries losses). A surplus
    ≤ 0 distributes nothing and reports the loss. Otherwise commons, reserve and education are
    surplus × their percentage rounded down to the minor unit; the rest is the member pool,
    split by the policy's method with the largest-remainder method; each share is paid in cash
    at cash_pct (rounded half up) and the rest is retained in the member's capital account.
    Raises `PayRatioExceeded` when rate weights break max_pay_ratio and `DistributionError`
    when the pool cannot be split (no members, or every weight zero).
    """
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
        return DistributionResult(
            surplus=zero,
            loss=money(-surplus),
            commons=zero,
            commons_lines=tuple(
                CommonsShare(r.name, r.weight, zero, r.iban) for r in policy.commons_recipients
            ),
            reserve=zero,
            education=zero,
            member_pool=zero,
            lines=tuple(
                MemberShare(
                    m.id,
                    Fraction(0),
                    zero,
                    zero,
                    zero,
                    ShareExplanation(
                        str(policy.method), m.minutes, "0", "0", nothing, inputs.currency
                    ),
                )
                for m in inputs.members
            ),
        )

    # Rule 1: the funds, each rounded down; the member pool is what is left.
    commons = math.floor(surplus * Fraction(policy.commons_pct))
    reserve = math.floor(surplus * Fraction(policy.reserve_pct))
    education = math.floor(surplus * Fraction(policy.education_pct))
    pool = surplus - commons - reserve - education

    # Rule 2: the commons among its recipients.
    commons_parts = largest_remainder(
        commons, [Fraction(r.weight) for r in policy.commons_recipients]
    )
    commons_lines = tuple(
        CommonsShare(r.name, r.weight, money(part), r.iban)
        for r, part in zip(policy.commons_recipients, commons_parts, strict=True)
    )

    # Rules 3 and 4: the member pool by weight.
    members = inputs.members
    if not members:
        raise DistributionError.of(
            Text(
                gettext_noop(
                    "There are no members in this run, so the member pool cannot be split."
                )
            )
        )
    weights, details = _weights(inputs, Fraction(pool, scale), exponent)
    weight_sum = sum(weights, Fraction(0))
    if weight_sum == 0:
        raise DistributionError.of(_no_weight_message(policy.method))
    shares = largest_remainder(pool, weights)

    # Rule 5: cash half up, the rest retained.
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
            MemberShare(
                id=member.id,
                weight=weight,
                share=money(share),
                cash=money(cash),
                retained=money(retained),
                explanation=ShareExplanation(
                    method=str(policy.method),
                    minutes=member.minutes,
                    weight=weight_text(weight),
                    fraction_of_pool=fraction_text(fraction),
                    steps=share_steps,
                    currency=inputs.currency,
                ),
            )
        )
    return DistributionResult(
        surplus=money(surplus),
        loss=money(0),
        commons=money(commons),
        commons_lines=commons_lines,
        reserve=money(reserve),
        education=money(education),
        member_pool=money(pool),
        lines=tuple(lines),
    )


def _weights(
    inputs: DistributionInputs, pool: Fraction, exponent: int
) -> tuple[list[Fraction], list[list[explaining.Step]]]:
    """Each member's exact weight by the policy's method (rule 3), and the steps to it."""
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
    """wage = minutes / 60 × base_rate × rate_weight; the pool above Σwage goes by minutes."""
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
    """Each project's revenue share of the pool by minutes on it; revenue with no project and
    projects nobody logged time on go by all minutes."""
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

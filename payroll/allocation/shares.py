"""The month's distribution computed: the funds, the member pool by weight, cash and capital."""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from coop.texts import Text, gettext_noop
from payroll.allocation import explanation as explaining
from payroll.allocation.currencies import minor_units, to_minor
from payroll.allocation.errors import DistributionError, PayRatioExceeded
from payroll.allocation.figures import (
    from_minor,
    ratio_amount_figure,
    ratio_fraction_text,
    ratio_weight_text,
)
from payroll.allocation.inputs import (
    METHOD_NAMES,
    DistributionInputs,
    MemberId,
    MemberWork,
    Method,
    PolicyTerms,
)
from payroll.allocation.rounding import largest_remainder, split_by_numerators


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
    """One member's share of the member pool, split into cash and retained capital.

    The member's exact weight is `weight_numerator / weight_denominator`: every member of a
    run has the same denominator, so that the computation needs no Fraction per member.
    """

    id: MemberId
    share: Decimal
    cash: Decimal
    retained: Decimal
    explanation: ShareExplanation
    weight_numerator: int
    weight_denominator: int = 1

    @property
    def weight(self) -> Fraction:
        """The exact weight, reduced."""
        return Fraction(self.weight_numerator, self.weight_denominator)

    @property
    def weight_fraction(self) -> str:
        """The weight as `str(self.weight)` writes it ("1900/3", "900"), with no Fraction."""
        return ratio_fraction_text(self.weight_numerator, self.weight_denominator)

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
    with no_cycle_collection():
        return _compute(inputs)


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while a run makes its objects.

    A run makes a dozen small containers per member (steps, lines, figures), none in a cycle;
    the collector, triggered every 700 of them, walks every object of the process each time
    it reaches the oldest generation, which took half the computation's time at 50,000 members
    (docs/performance.md). Reference counting still frees everything as usual. The reads of a
    run (`payroll.run_inputs`) pause it too, for the rows they turn into `MemberWork`.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _compute(inputs: DistributionInputs) -> DistributionResult:
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
                    zero,
                    zero,
                    zero,
                    ShareExplanation(
                        str(policy.method), m.minutes, "0", "0", nothing, inputs.currency
                    ),
                    0,
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
    # Each weight is numerator / denominator, one denominator for all: integers from here on.
    numerators, denominator, details, weight_texts = _weights(inputs, pool, scale, exponent)
    weight_sum = sum(numerators)
    if weight_sum == 0:
        raise DistributionError.of(_no_weight_message(policy.method))
    shares = split_by_numerators(pool, numerators)

    # Rule 5: cash half up, the rest retained: floor(share × p/q + 1/2) = (2·share·p + q) // 2q.
    cash_numerator, cash_denominator = Fraction(policy.cash_pct).as_integer_ratio()
    pool_money = money(pool)
    method = str(policy.method)
    currency = inputs.currency
    # The exact share is pool × numerator / Σ numerators, in minor units; / scale in money.
    exact_denominator = weight_sum * scale
    # Members with the same numerator (minutes × rate) have the same fraction and exact share,
    # and often the same amounts: each text and Decimal is made once (both are immutable).
    fractions: dict[int, str] = {}
    exacts: dict[int, str] = {}
    amounts = _Amounts(exponent)
    lines = []
    for member, numerator, detail, weight, share in zip(
        members, numerators, details, weight_texts, shares, strict=True
    ):
        cash = (2 * share * cash_numerator + cash_denominator) // (2 * cash_denominator)
        retained = share - cash
        exact_share = pool * numerator
        if exact_share == share * weight_sum:
            rounding = explaining.NO_ROUNDING
        elif share == exact_share // weight_sum:
            rounding = explaining.ROUNDED_DOWN
        else:
            rounding = explaining.ROUNDED_DOWN_PLUS_ONE
        fraction = fractions.get(numerator)
        if fraction is None:
            fraction = fractions[numerator] = ratio_fraction_text(numerator, weight_sum)
        exact: str | dict[str, str] | None = exacts.get(numerator)
        if exact is None:
            exact = ratio_amount_figure(exact_share, exact_denominator, exponent)
            if isinstance(exact, str):  # an {"about": …} dict is made anew for each line
                exacts[numerator] = exact
        share_money, cash_money, retained_money = amounts[share], amounts[cash], amounts[retained]
        share_steps = (
            *detail,
            explaining.share(fraction, pool_money, exact, rounding, share_money),
            explaining.cash(policy.cash_pct, cash_money, retained_money),
        )
        lines.append(
            MemberShare(
                id=member.id,
                share=share_money,
                cash=cash_money,
                retained=retained_money,
                explanation=ShareExplanation(
                    method=method,
                    minutes=member.minutes,
                    weight=weight,
                    fraction_of_pool=fraction,
                    steps=share_steps,
                    currency=currency,
                ),
                weight_numerator=numerator,
                weight_denominator=denominator,
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


class _Amounts(dict[int, Decimal]):
    """An amount in minor units → its Decimal (`from_minor`), made once per distinct amount."""

    def __init__(self, exponent: int) -> None:
        super().__init__()
        self.exponent = exponent

    def __missing__(self, minor: int) -> Decimal:
        self[minor] = amount = from_minor(minor, self.exponent)
        return amount


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

"""The month's distribution computed: the funds, the member pool by weight, cash and capital."""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from coop.texts import Text, gettext_noop
from payroll.allocation import explanation as explaining
from payroll.allocation.currencies import minor_units, to_minor
from payroll.allocation.errors import DistributionError
from payroll.allocation.figures import from_minor, ratio_amount_figure, ratio_fraction_text
from payroll.allocation.inputs import DistributionInputs, MemberId
from payroll.allocation.rounding import largest_remainder, split_by_numerators
from payroll.allocation.weights import _check_pay_ratio, _no_weight_message, _weights


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

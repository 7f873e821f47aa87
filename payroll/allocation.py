"""The monthly distribution of a co-op's surplus, computed exactly (pure Python, no Django).

docs/payroll-rules.md states the rules this module implements, with a worked example. All
arithmetic is exact: money is held in integer minor units (cents), weights are `Fraction`s, and
every rounding step is named (rounded down, largest remainder, half up).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import NamedTuple

__all__ = [
    "ISO_4217_CURRENCIES",
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
    "largest_remainder",
    "minor_units",
]

# ISO 4217 active codes (2024 list, funds and precious metals left out); the same list as
# coop.validators, which this module cannot import (no Django here). A test keeps them equal.
_ISO_4217 = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD
    FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY
    KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP
    MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR
    RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT
    TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW
    ZWG
"""
ISO_4217_CURRENCIES = frozenset(_ISO_4217.split())

# The ISO 4217 minor-unit exponent of every listed currency whose minor unit is not 1/100.
_EXPONENTS = {
    **dict.fromkeys(
        ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW",
         "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"],
        0,
    ),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
}  # fmt: skip

_HALF = Fraction(1, 2)

# A member as the caller names them, kept as given from input to result: the database's run
# passes the member's primary key (an int), the simulator the JSON's string ids.
MemberId = int | str


class DistributionError(Exception):
    """The month's distribution cannot be computed as asked; the message says why and what to do.

    `errors` maps field paths (`revenue`, `members[2].minutes`, `policy.cash_pct`) to messages
    when the error is about input fields; it is empty for errors about the month as a whole.
    """

    def __init__(self, message: str, *, errors: Mapping[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors: dict[str, list[str]] = dict(errors or {})


class PolicyError(DistributionError):
    """A distribution policy breaks one of its rules. `field` names the first field to fix.

    `errors` holds every problem of the policy, keyed by field name; the key "" is the policy
    as a whole (the percentages together).
    """

    def __init__(self, field: str, message: str, errors: Mapping[str, list[str]] | None = None):
        super().__init__(message, errors=errors or {field: [message]})
        self.field = field


class InputError(DistributionError):
    """The month's figures (amounts, members, minutes) break a rule; `errors` names each field."""

    def __init__(self, errors: Mapping[str, list[str]]):
        path, messages = next(iter(errors.items()))
        super().__init__(f"{path}: {messages[0]}" if path else messages[0], errors=errors)


class PayRatioExceeded(DistributionError):
    """The highest rate weight exceeds max_pay_ratio times the lowest (rule 6)."""

    def __init__(
        self,
        *,
        highest: MemberId,
        highest_weight: Decimal,
        lowest: MemberId,
        lowest_weight: Decimal,
        max_pay_ratio: Decimal,
    ):
        self.highest = highest
        self.highest_weight = highest_weight
        self.lowest = lowest
        self.lowest_weight = lowest_weight
        self.ratio = Fraction(highest_weight) / Fraction(lowest_weight)
        self.max_pay_ratio = max_pay_ratio
        super().__init__(
            f"The pay ratio is exceeded: member “{highest}” has rate weight {highest_weight} and "
            f"member “{lowest}” has rate weight {lowest_weight}, a ratio of "
            f"{self.ratio_text} to 1, above the policy's maximum of "
            f"{self.max_pay_ratio_text} to 1. Change the rate weights or adopt a policy with a "
            "higher max_pay_ratio."
        )

    @property
    def ratio_text(self) -> str:
        """The ratio as an exact decimal, or "about x" to 6 decimals."""
        return _ratio_text(self.ratio)

    @property
    def max_pay_ratio_text(self) -> str:
        return _plain(self.max_pay_ratio)


class Method(StrEnum):
    """How the member pool is split (rule 3)."""

    EQUAL = "equal"
    HOURS = "hours"
    WEIGHTED_HOURS = "weighted_hours"
    WAGES_THEN_PATRONAGE = "wages_then_patronage"
    PROJECT_HOURS = "project_hours"


class Approval(StrEnum):
    """Who approves a month's distribution: the treasurer alone, or the members by vote."""

    TREASURER = "treasurer"
    VOTE = "vote"


@dataclass(frozen=True)
class CommonsRecipient:
    """A project or fund the co-op gives part of its surplus to; `weight` is its relative share."""

    name: str
    weight: Decimal
    iban: str | None = None


@dataclass(frozen=True, kw_only=True)
class PolicyTerms:
    """A distribution policy. Constructing one checks its rules and raises `PolicyError`.

    Rules (docs/payroll-rules.md, "Policy"): commons_pct, reserve_pct, education_pct and cash_pct
    are Decimals in [0, 1]; the first three add up to less than 1; max_pay_ratio ≥ 1; commons
    recipients have positive weights and distinct names, and there is at least one when
    commons_pct > 0; base_rate ≥ 0 is required for wages_then_patronage.
    """

    method: Method
    commons_pct: Decimal
    reserve_pct: Decimal
    education_pct: Decimal
    cash_pct: Decimal
    max_pay_ratio: Decimal
    carry_losses: bool
    approval: Approval
    commons_recipients: tuple[CommonsRecipient, ...] = ()
    base_rate: Decimal | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "commons_recipients", tuple(self.commons_recipients))
        self.validate()

    def validate(self) -> None:
        """Raise `PolicyError` (with every problem in `errors`) unless the policy is valid."""
        errors = self._problems()
        if errors:
            field_name, messages = next(iter(errors.items()))
            raise PolicyError(field_name, messages[0], errors)

    def _problems(self) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}

        def add(key: str, message: str) -> None:
            errors.setdefault(key, []).append(message)

        try:
            object.__setattr__(self, "method", Method(self.method))
        except ValueError:
            add("method", f"Unknown method “{self.method}”: choose one of {_choices(Method)}.")
        try:
            object.__setattr__(self, "approval", Approval(self.approval))
        except ValueError:
            add(
                "approval",
                f"Unknown approval “{self.approval}”: choose one of {_choices(Approval)}.",
            )
        valid: set[str] = set()
        for name in ("commons_pct", "reserve_pct", "education_pct", "cash_pct"):
            value = getattr(self, name)
            if not _is_decimal(value):
                add(name, f"{name} must be a decimal number between 0 and 1.")
            elif not 0 <= value <= 1:
                add(name, f"{name} must be between 0 and 1 (0.15 means 15%); it is {value}.")
            else:
                valid.add(name)
        if {"commons_pct", "reserve_pct", "education_pct"} <= valid:
            funds = sum(
                (Fraction(x) for x in (self.commons_pct, self.reserve_pct, self.education_pct)),
                Fraction(0),
            )
            if funds >= 1:
                add(
                    "",
                    f"commons_pct, reserve_pct and education_pct add up to {_ratio_text(funds)}; "
                    "together they must stay below 1 so that something is left for the members.",
                )
        if not _is_decimal(self.max_pay_ratio):
            add("max_pay_ratio", "max_pay_ratio must be a decimal number of at least 1.")
        elif self.max_pay_ratio < 1:
            add("max_pay_ratio", f"max_pay_ratio must be at least 1; it is {self.max_pay_ratio}.")
        if not isinstance(self.carry_losses, bool):
            add("carry_losses", "carry_losses must be true or false.")
        if self.base_rate is None:
            if self.method == Method.WAGES_THEN_PATRONAGE:
                add("base_rate", "wages_then_patronage needs a base_rate (money per hour).")
        elif not _is_decimal(self.base_rate):
            add("base_rate", "base_rate must be an amount of money per hour.")
        elif self.base_rate < 0:
            add("base_rate", f"base_rate cannot be negative; it is {self.base_rate}.")
        names: set[str] = set()
        for index, recipient in enumerate(self.commons_recipients):
            prefix = f"commons_recipients[{index}]"
            if not isinstance(recipient, CommonsRecipient):
                add(prefix, "A commons recipient needs a name and a weight.")
                continue
            if not isinstance(recipient.name, str) or not recipient.name.strip():
                add(f"{prefix}.name", "A commons recipient needs a name.")
            elif recipient.name in names:
                add(f"{prefix}.name", f"The commons recipient “{recipient.name}” is listed twice.")
            else:
                names.add(recipient.name)
            if not _is_decimal(recipient.weight, allow_int=True) or not recipient.weight > 0:
                add(f"{prefix}.weight", "A commons recipient's weight must be a positive number.")
            if recipient.iban is not None and not isinstance(recipient.iban, str):
                add(f"{prefix}.iban", "An IBAN must be text.")
        if _is_decimal(self.commons_pct) and self.commons_pct > 0 and not self.commons_recipients:
            add(
                "commons_recipients",
                "commons_pct is above 0, so at least one commons recipient is needed.",
            )
        return errors


NO_PROJECTS: Mapping[str, int] = MappingProxyType({})


class _MemberWorkFields(NamedTuple):
    id: MemberId
    minutes: int
    rate_weight: Decimal
    minutes_by_project: Mapping[str, int]


class MemberWork(_MemberWorkFields):
    """One member in the run: minutes worked in the month, in total and per project.

    Immutable, and a named tuple rather than a frozen dataclass because a federation's run
    makes thousands of them (bench/distribution.py): it costs a fifth of the time to make.
    """

    __slots__ = ()

    def __new__(
        cls,
        id: MemberId,
        minutes: int,
        rate_weight: Decimal,
        minutes_by_project: Mapping[str, int] = NO_PROJECTS,
    ) -> MemberWork:
        if minutes_by_project is not NO_PROJECTS:
            minutes_by_project = MappingProxyType(dict(minutes_by_project))
        return tuple.__new__(cls, (id, minutes, rate_weight, minutes_by_project))


@dataclass(frozen=True)
class DistributionInputs:
    """The month's figures and the policy. Constructing one checks the figures (`InputError`).

    Members are listed in the order that breaks ties: ascending database id.
    """

    currency: str
    revenue: Decimal
    expenses: Decimal
    losses_carried: Decimal
    revenue_by_project: Mapping[str, Decimal]
    policy: PolicyTerms
    members: Sequence[MemberWork]

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "revenue_by_project", MappingProxyType(dict(self.revenue_by_project))
        )
        object.__setattr__(self, "members", tuple(self.members))
        errors = input_problems(
            currency=self.currency,
            revenue=self.revenue,
            expenses=self.expenses,
            losses_carried=self.losses_carried,
            revenue_by_project=self.revenue_by_project,
            members=self.members,
        )
        if not isinstance(self.policy, PolicyTerms):
            errors.setdefault("policy", []).append("The policy is missing.")
        elif (
            self.policy.base_rate is not None
            and self.currency in ISO_4217_CURRENCIES
            and not _fits_minor_unit(self.policy.base_rate, minor_units(self.currency))
        ):
            errors.setdefault("policy.base_rate", []).append(
                _too_many_decimals(self.currency, self.policy.base_rate)
            )
        if errors:
            raise InputError(errors)


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
    `fraction_of_pool` is weight / Σ weights as a reduced fraction, `text` says it in words.
    """

    method: str
    minutes: int
    weight: str
    fraction_of_pool: str
    text: str


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


def minor_units(currency: str) -> int:
    """The number of decimals of an ISO 4217 currency: 2, or 0 (JPY, KRW…) or 3 (BHD, KWD…).

    Source: ISO 4217 minor-unit column. Raises `DistributionError` for an unknown code.
    """
    if currency not in ISO_4217_CURRENCIES:
        raise DistributionError(
            f"“{currency}” is not an ISO 4217 currency code (for example EUR, USD, JPY).",
            errors={"currency": [f"“{currency}” is not an ISO 4217 currency code."]},
        )
    return _EXPONENTS.get(currency, 2)


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
    weight_sum = sum(scaled)
    if weight_sum == 0:
        raise DistributionError("An amount cannot be split when every weight is zero.")
    split = [divmod(total_minor * weight, weight_sum) for weight in scaled]
    parts = [part for part, _ in split]
    left_over = total_minor - sum(parts)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-split[i][1], i))
    for index in by_remainder[:left_over]:
        parts[index] += 1
    return parts


def input_problems(
    *,
    currency: str,
    revenue: Decimal,
    expenses: Decimal,
    losses_carried: Decimal,
    revenue_by_project: Mapping[str, Decimal],
    members: Sequence[MemberWork],
) -> dict[str, list[str]]:
    """Every rule the month's figures break, keyed by field path (empty when they are valid).

    Rules: a known currency; amounts are Decimals ≥ 0 that fit the currency's minor unit;
    project revenues add up to at most the revenue; member ids are distinct; minutes are whole
    numbers ≥ 0; rate weights are positive. A member's minutes per project may add up to more
    than their minutes (a negative adjustment on another project); the rules still hold.
    """
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    exponent: int | None = None
    if not isinstance(currency, str) or currency not in ISO_4217_CURRENCIES:
        add("currency", f"“{currency}” is not an ISO 4217 currency code (for example EUR, JPY).")
    else:
        exponent = minor_units(currency)

    def check_amount(path: str, value: object) -> bool:
        if not _is_decimal(value):
            add(path, "An amount must be a Decimal.")
            return False
        assert isinstance(value, Decimal)
        if value < 0:
            add(path, f"An amount cannot be negative; it is {value}.")
            return False
        if exponent is not None and not _fits_minor_unit(value, exponent):
            add(path, _too_many_decimals(currency, value))
            return False
        return True

    amounts_ok = check_amount("revenue", revenue)
    check_amount("expenses", expenses)
    check_amount("losses_carried", losses_carried)
    project_total = Decimal(0)
    for project, amount in revenue_by_project.items():
        if not isinstance(project, str) or not project:
            add("revenue_by_project", "A project id must be a non-empty string.")
        if check_amount(f"revenue_by_project.{project}", amount):
            project_total += amount
        else:
            amounts_ok = False
    if amounts_ok and project_total > revenue:
        add(
            "revenue_by_project",
            f"The revenue by project adds up to {project_total}, more than the month's "
            f"revenue of {revenue}.",
        )
    if _members_plainly_valid(members):
        return errors
    seen: set[MemberId] = set()
    for index, member in enumerate(members):
        path = f"members[{index}]"
        if not isinstance(member, MemberWork):
            add(path, "A member needs an id, minutes and a rate weight.")
            continue
        if not _is_member_id(member.id):
            add(f"{path}.id", "A member id must be a whole number or a non-empty string.")
        elif member.id in seen:
            add(f"{path}.id", f"The member id “{member.id}” appears more than once.")
        else:
            seen.add(member.id)
        if not _is_whole(member.minutes) or member.minutes < 0:
            add(f"{path}.minutes", "Minutes must be a whole number of at least 0.")
        if not _is_decimal(member.rate_weight) or not member.rate_weight > 0:
            add(f"{path}.rate_weight", "A rate weight must be a positive decimal number.")
        for project, minutes in member.minutes_by_project.items():
            if not _is_whole(minutes) or minutes < 0:
                add(
                    f"{path}.minutes_by_project.{project}",
                    "Minutes must be a whole number of at least 0.",
                )
    return errors


def _members_plainly_valid(members: Sequence[MemberWork]) -> bool:
    """Whether the members break none of the rules that `input_problems` checks one by one.

    The same rules, column by column with C-level builtins, because a federation's run has
    thousands of members. False only means "check each member", which names the problems.
    """
    if not members:
        return True
    if set(map(type, members)) != {MemberWork}:
        return False
    ids, minutes, weights, by_project = zip(*members, strict=True)
    if any(by_project):
        return False  # the per-project minutes are checked member by member
    return (
        set(map(type, ids)) in ({int}, {str})
        and "" not in ids
        and len(set(ids)) == len(ids)
        and set(map(type, minutes)) == {int}
        and min(minutes) >= 0
        and set(map(type, weights)) == {Decimal}
        and all(map(Decimal.is_finite, weights))
        and min(weights) > 0
    )


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

    losses = _to_minor(inputs.losses_carried, scale) if policy.carry_losses else 0
    surplus = _to_minor(inputs.revenue, scale) - _to_minor(inputs.expenses, scale) - losses

    def money(minor: int) -> Decimal:
        return _from_minor(minor, exponent)

    if surplus <= 0:
        zero = money(0)
        no_surplus = ShareExplanation(
            method=str(policy.method),
            minutes=0,
            weight="0",
            fraction_of_pool="0",
            text="There was no surplus this month, so nothing was distributed.",
        )
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
                MemberShare(m.id, Fraction(0), zero, zero, zero, _replace_minutes(no_surplus, m))
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
        raise DistributionError(
            "There are no members in this run, so the member pool cannot be split."
        )
    weights, details = _weights(inputs, Fraction(pool, scale), exponent)
    weight_sum = sum(weights, Fraction(0))
    if weight_sum == 0:
        raise DistributionError(_no_weight_message(policy.method))
    shares = largest_remainder(pool, weights)

    # Rule 5: cash half up, the rest retained.
    cash_pct = Fraction(policy.cash_pct)
    lines = []
    for member, weight, detail, share in zip(members, weights, details, shares, strict=True):
        cash = math.floor(share * cash_pct + _HALF)
        retained = share - cash
        fraction = weight / weight_sum
        exact_share = pool * fraction
        if exact_share == share:
            rounding = "no rounding was needed"
        elif share == math.floor(exact_share):
            rounding = "rounded down"
        else:
            rounding = "rounded down, plus one unit left over by the rounding (largest remainder)"
        text = (
            f"{detail} This is {_fraction_words(fraction)} of the member pool of {money(pool)} "
            f"{inputs.currency}: {_amount_text(exact_share / scale, exponent)}, {rounding}: "
            f"{money(share)}. Paid in cash at {_percent(policy.cash_pct)}: {money(cash)}; "
            f"retained in the capital account: {money(retained)}."
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
                    weight=_weight_text(weight),
                    fraction_of_pool=_fraction_text(fraction),
                    text=text,
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
) -> tuple[list[Fraction], list[str]]:
    """Each member's exact weight by the policy's method (rule 3), and a sentence on it."""
    policy = inputs.policy
    members = inputs.members
    total_minutes = sum(m.minutes for m in members)
    method = policy.method
    if method == Method.EQUAL:
        return (
            [Fraction(1)] * len(members),
            [f"Equal shares: weight 1 for each of the {len(members)} members."] * len(members),
        )
    if method == Method.HOURS:
        return (
            [Fraction(m.minutes) for m in members],
            [
                f"By hours: {m.minutes} of the {total_minutes} minutes worked this month."
                for m in members
            ],
        )
    if method == Method.WEIGHTED_HOURS:
        weights = [m.minutes * Fraction(m.rate_weight) for m in members]
        total = sum(weights, Fraction(0))
        return weights, [
            f"By weighted hours: {m.minutes} minutes × rate weight {m.rate_weight} = "
            f"{_weight_text(w)} of {_weight_text(total)} in all."
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
) -> tuple[list[Fraction], list[str]]:
    """wage = minutes / 60 × base_rate × rate_weight; the pool above Σwage goes by minutes."""
    base_rate = Fraction(policy.base_rate or 0)
    wages = [Fraction(m.minutes, 60) * base_rate * Fraction(m.rate_weight) for m in members]
    wage_total = sum(wages, Fraction(0))
    wage_texts = [
        f"Wage: {m.minutes} minutes / 60 × base rate {policy.base_rate} × rate weight "
        f"{m.rate_weight} = {_amount_text(wage, exponent)}."
        for m, wage in zip(members, wages, strict=True)
    ]
    if wage_total >= pool:
        return wages, [
            f"{text} The wages ({_amount_text(wage_total, exponent)} in all) reach the pool, "
            "so they are paid pro rata."
            for text in wage_texts
        ]
    rest = pool - wage_total
    weights = []
    texts = []
    for member, wage, text in zip(members, wages, wage_texts, strict=True):
        patronage = rest * member.minutes / total_minutes if total_minutes else Fraction(0)
        weights.append(wage + patronage)
        texts.append(
            f"{text} Patronage: the {_amount_text(rest, exponent)} left after all wages × "
            f"{member.minutes} of {total_minutes} minutes = {_amount_text(patronage, exponent)}."
        )
    return weights, texts


def _project_hours(
    inputs: DistributionInputs, pool: Fraction, total_minutes: int, exponent: int
) -> tuple[list[Fraction], list[str]]:
    """Each project's revenue share of the pool by minutes on it; revenue with no project and
    projects nobody logged time on go by all minutes."""
    members = inputs.members
    revenue = Fraction(inputs.revenue)
    weights = [Fraction(0)] * len(members)
    parts: list[list[str]] = [[] for _ in members]

    def by_all_minutes(amount: Fraction, label: str) -> None:
        if not total_minutes:
            return
        for index, member in enumerate(members):
            part = amount * member.minutes / total_minutes
            weights[index] += part
            parts[index].append(
                f"{label}: {member.minutes} of all {total_minutes} minutes → "
                f"{_amount_text(part, exponent)}"
            )

    project_total = Fraction(0)
    for project, amount in inputs.revenue_by_project.items():
        project_total += Fraction(amount)
        if amount == 0:
            continue
        project_pool = pool * Fraction(amount) / revenue
        on_project = sum(m.minutes_by_project.get(project, 0) for m in members)
        if on_project == 0:
            by_all_minutes(project_pool, f"project {project} (nobody logged time on it)")
            continue
        for index, member in enumerate(members):
            minutes = member.minutes_by_project.get(project, 0)
            if minutes:
                part = project_pool * minutes / on_project
                weights[index] += part
                parts[index].append(
                    f"project {project}: {minutes} of {on_project} minutes → "
                    f"{_amount_text(part, exponent)}"
                )
    unassigned = revenue - project_total
    if unassigned:
        by_all_minutes(pool * unassigned / revenue, "revenue with no project")
    texts = [
        "By project hours: " + ("; ".join(p) if p else "no minutes on paid work") + "."
        for p in parts
    ]
    return weights, texts


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


def _no_weight_message(method: Method) -> str:
    if method in (Method.HOURS, Method.WEIGHTED_HOURS):
        return (
            f"Nobody logged any time this month, so the member pool cannot be split by "
            f"{method}. Record the hours worked or choose another method (such as equal)."
        )
    return (
        f"The member pool cannot be split by {method}: nobody logged any time this month. "
        "Record the hours worked or choose another method (such as equal)."
    )


def _replace_minutes(explanation: ShareExplanation, member: MemberWork) -> ShareExplanation:
    return ShareExplanation(
        method=explanation.method,
        minutes=member.minutes,
        weight=explanation.weight,
        fraction_of_pool=explanation.fraction_of_pool,
        text=explanation.text,
    )


def _is_decimal(value: object, *, allow_int: bool = False) -> bool:
    """A finite Decimal (or, when allowed, an int that is not a bool)."""
    if allow_int and isinstance(value, int) and not isinstance(value, bool):
        return True
    return isinstance(value, Decimal) and value.is_finite()


def _is_member_id(value: object) -> bool:
    return _is_whole(value) or (isinstance(value, str) and value != "")


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _fits_minor_unit(value: Decimal, exponent: int) -> bool:
    return (Fraction(value) * 10**exponent).denominator == 1


def _too_many_decimals(currency: str, value: Decimal) -> str:
    exponent = minor_units(currency)
    if exponent == 0:
        return f"{currency} amounts are whole numbers; {value} has decimals."
    return f"{currency} amounts have at most {exponent} decimals; {value} has more."


def _to_minor(value: Decimal, scale: int) -> int:
    exact = Fraction(value) * scale
    if exact.denominator != 1:  # input_problems refuses these; never round money silently
        raise DistributionError(f"{value} is not a whole number of minor units.")
    return exact.numerator


def _from_minor(minor: int, exponent: int) -> Decimal:
    """An exact Decimal with `exponent` decimals (a string, so no context rounding applies)."""
    return Decimal(f"{minor}E-{exponent}")


def _decimal_text(value: Fraction, min_digits: int = 0) -> str | None:
    """`value` as an exact decimal with at least `min_digits` decimals, or None if it has none."""
    # A reduced fraction ends as a decimal iff its denominator is 2**a × 5**b; it then needs
    # max(a, b) decimals. Counted on the integer denominator instead of trying 10**digits.
    rest, twos, fives = value.denominator, 0, 0
    while rest % 2 == 0:
        rest, twos = rest // 2, twos + 1
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    digits = max(min_digits, twos, fives)
    if rest != 1 or digits > max(40, min_digits):
        return None
    return format(_from_minor(value.numerator * 10**digits // value.denominator, digits), "f")


def _weight_text(value: Fraction) -> str:
    """An exact weight: a decimal when it has one, otherwise "n/d"."""
    text = _decimal_text(value)
    return text if text is not None else f"{value.numerator}/{value.denominator}"


def _amount_text(value: Fraction, exponent: int) -> str:
    """An exact amount (at least the currency's decimals), or "about x" with 4 more decimals."""
    text = _decimal_text(value, exponent)
    if text is not None:
        return text
    return f"about {_from_minor(round(value * 10 ** (exponent + 4)), exponent + 4)}"


def _ratio_text(value: Fraction) -> str:
    """A ratio as an exact decimal, or "about x" to 6 decimals when it has no finite one."""
    text = _decimal_text(value)
    return text if text is not None else f"about {_from_minor(round(value * 10**6), 6)}"


def _fraction_text(value: Fraction) -> str:
    """A reduced fraction: "144/319", or "0" and "1"."""
    return str(value)


def _fraction_words(value: Fraction) -> str:
    if value == 0:
        return "none"
    return "all" if value == 1 else str(value)


def _percent(value: Decimal) -> str:
    return format((value * 100).normalize(), "f") + "%"


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f") if value.is_finite() else str(value)


def _choices(enum: type[StrEnum]) -> str:
    return ", ".join(member.value for member in enum)

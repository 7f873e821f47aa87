"""What the computation takes: the policy, the month's figures and the members' minutes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import NamedTuple

from coop.texts import Number, Text, gettext_noop
from payroll.allocation.currencies import (
    fits_minor_unit,
    is_currency,
    minor_units,
    too_many_decimals,
)
from payroll.allocation.errors import InputError, PolicyError
from payroll.allocation.figures import choices_text

# A member as the caller names them, kept as given from input to result: the database's run
# passes the member's primary key (an int), the simulator the JSON's string ids.
MemberId = int | str


class Method(StrEnum):
    """How the member pool is split (rule 3)."""

    EQUAL = "equal"
    HOURS = "hours"
    WEIGHTED_HOURS = "weighted_hours"
    WAGES_THEN_PATRONAGE = "wages_then_patronage"
    PROJECT_HOURS = "project_hours"


# The methods as members read them: the same words as the policy's choices on the pages.
METHOD_NAMES = {
    Method.EQUAL: Text(gettext_noop("equal shares")),
    Method.HOURS: Text(gettext_noop("by hours")),
    Method.WEIGHTED_HOURS: Text(gettext_noop("by hours × rate weight")),
    Method.WAGES_THEN_PATRONAGE: Text(gettext_noop("wages first, then patronage")),
    Method.PROJECT_HOURS: Text(gettext_noop("each project's revenue by its hours")),
}


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


# The policy's shares of the surplus (and of each member's share), as a sentence names them.
SHARES = {
    "commons_pct": Text(gettext_noop("The share to the commons")),
    "reserve_pct": Text(gettext_noop("The share to the collective reserve")),
    "education_pct": Text(gettext_noop("The share to the education fund")),
    "cash_pct": Text(gettext_noop("The share paid in cash")),
}


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
        """Raise `PolicyError` (with every problem in `texts`) unless the policy is valid."""
        problems = self._problems()
        if problems:
            raise PolicyError(problems)

    def _problems(self) -> dict[str, list[Text]]:
        problems: dict[str, list[Text]] = {}

        def add(key: str, template: str, **values: object) -> None:
            problems.setdefault(key, []).append(Text(template, values))

        try:
            object.__setattr__(self, "method", Method(self.method))
        except ValueError:
            add(
                "method",
                gettext_noop(
                    "“%(method)s” is not a way of splitting the member pool: choose one of "
                    "%(choices)s."
                ),
                method=self.method,
                choices=choices_text(Method),
            )
        try:
            object.__setattr__(self, "approval", Approval(self.approval))
        except ValueError:
            add(
                "approval",
                gettext_noop(
                    "“%(approval)s” is not a way of approving a distribution: choose one of "
                    "%(choices)s."
                ),
                approval=self.approval,
                choices=choices_text(Approval),
            )
        valid: set[str] = set()
        for name, share in SHARES.items():
            value = getattr(self, name)
            if not _is_decimal(value):
                add(
                    name,
                    gettext_noop("%(share)s must be a decimal number between 0 and 1."),
                    share=share,
                )
            elif not 0 <= value <= 1:
                add(
                    name,
                    gettext_noop(
                        "%(share)s must be between 0 and 1 (0.15 means 15%%); it is %(value)s."
                    ),
                    share=share,
                    value=Number(value),
                )
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
                    gettext_noop(
                        "The shares to the commons, the collective reserve and the education fund "
                        "add up to %(total)s; together they must stay below 1 so that something "
                        "is left for the members."
                    ),
                    total=Number(Decimal(funds.numerator) / funds.denominator),
                )
        if not _is_decimal(self.max_pay_ratio):
            add(
                "max_pay_ratio",
                gettext_noop("The maximum pay ratio must be a number of at least 1."),
            )
        elif self.max_pay_ratio < 1:
            add(
                "max_pay_ratio",
                gettext_noop(
                    "The maximum pay ratio (the highest rate weight divided by the lowest) must "
                    "be at least 1; it is %(value)s."
                ),
                value=Number(self.max_pay_ratio),
            )
        if not isinstance(self.carry_losses, bool):
            add(
                "carry_losses",
                gettext_noop("Whether a month's loss is carried forward must be true or false."),
            )
        if self.base_rate is None:
            if self.method == Method.WAGES_THEN_PATRONAGE:
                add(
                    "base_rate",
                    gettext_noop(
                        "Wages first, then patronage needs a base rate: the money per hour "
                        "paid first."
                    ),
                )
        elif not _is_decimal(self.base_rate):
            add("base_rate", gettext_noop("The base rate must be an amount of money per hour."))
        elif self.base_rate < 0:
            add(
                "base_rate",
                gettext_noop("The base rate cannot be negative; it is %(value)s."),
                value=Number(self.base_rate),
            )
        names: set[str] = set()
        for index, recipient in enumerate(self.commons_recipients):
            prefix = f"commons_recipients[{index}]"
            if not isinstance(recipient, CommonsRecipient):
                add(prefix, gettext_noop("A commons recipient needs a name and a weight."))
                continue
            if not isinstance(recipient.name, str) or not recipient.name.strip():
                add(f"{prefix}.name", gettext_noop("A commons recipient needs a name."))
            elif recipient.name in names:
                add(
                    f"{prefix}.name",
                    gettext_noop("The commons recipient “%(name)s” is listed twice."),
                    name=recipient.name,
                )
            else:
                names.add(recipient.name)
            if not _is_decimal(recipient.weight, allow_int=True) or not recipient.weight > 0:
                add(
                    f"{prefix}.weight",
                    gettext_noop("A commons recipient's weight must be a positive number."),
                )
            if recipient.iban is not None and not isinstance(recipient.iban, str):
                add(f"{prefix}.iban", gettext_noop("An IBAN must be text."))
        if _is_decimal(self.commons_pct) and self.commons_pct > 0 and not self.commons_recipients:
            add(
                "commons_recipients",
                gettext_noop(
                    "Part of the surplus goes to the commons, so name at least one commons "
                    "recipient."
                ),
            )
        return problems


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
            and is_currency(self.currency)
            and not fits_minor_unit(self.policy.base_rate, minor_units(self.currency))
        ):
            errors.setdefault("policy.base_rate", []).append(
                too_many_decimals(self.currency, self.policy.base_rate)
            )
        if errors:
            raise InputError(errors)


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
    if not is_currency(currency):
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
        if exponent is not None and not fits_minor_unit(value, exponent):
            add(path, too_many_decimals(currency, value))
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
    id_types = set(map(type, ids))
    if not (
        (id_types == {int} or (id_types == {str} and "" not in ids))
        and len(set(ids)) == len(ids)
        and set(map(type, minutes)) == {int}
        and min(minutes) >= 0
        and set(map(type, weights)) == {Decimal}
    ):
        return False
    # A run's members share a few rate weights: each distinct one is checked once.
    try:
        distinct = set(weights)
    except TypeError:  # a signalling NaN has no hash: checked member by member
        return False
    return all(map(Decimal.is_finite, distinct)) and min(distinct) > 0


def _is_decimal(value: object, *, allow_int: bool = False) -> bool:
    """A finite Decimal (or, when allowed, an int that is not a bool)."""
    if allow_int and isinstance(value, int) and not isinstance(value, bool):
        return True
    return isinstance(value, Decimal) and value.is_finite()


def _is_member_id(value: object) -> bool:
    return _is_whole(value) or (isinstance(value, str) and value != "")


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)

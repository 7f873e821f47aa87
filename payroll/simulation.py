"""The distribution simulator: a JSON document in, the month's distribution as JSON out.

Pure Python (no Django): the `simulate_distribution` command and the API both call `simulate()`.
docs/payroll-rules.md ("The simulator") describes the document; every refusal is a
`SimulationError` whose `errors` map field paths (`policy.commons_pct`, `members[2].minutes`,
`revenue_by_project.p1`) to user-facing sentences.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from payroll.allocation import (
    CommonsRecipient,
    DistributionError,
    DistributionInputs,
    DistributionResult,
    InputError,
    MemberWork,
    PolicyError,
    PolicyTerms,
    compute_distribution,
    input_problems,
    is_currency,
    minor_units,
)
from payroll.simulation_reader import NON_FIELD, NOT_AN_OBJECT, DocumentReader

__all__ = ["SimulationError", "parse", "render", "simulate"]


_TOP_REQUIRED = ("currency", "revenue", "expenses", "policy", "members")
_TOP_OPTIONAL = ("losses_carried", "revenue_by_project")
_POLICY_REQUIRED = (
    "method",
    "commons_pct",
    "reserve_pct",
    "education_pct",
    "cash_pct",
    "max_pay_ratio",
    "carry_losses",
    "approval",
)
_POLICY_OPTIONAL = ("commons_recipients", "base_rate")
_RECIPIENT_REQUIRED = ("name", "weight")
_RECIPIENT_OPTIONAL = ("iban",)
_MEMBER_REQUIRED = ("id", "minutes", "rate_weight")
_MEMBER_OPTIONAL = ("minutes_by_project",)


class SimulationError(ValueError):
    """The simulator's input is invalid; `errors` maps each field path to its messages."""

    def __init__(self, errors: Mapping[str, list[str]]):
        self.errors: dict[str, list[str]] = {path: list(msgs) for path, msgs in errors.items()}
        super().__init__(
            "\n".join(
                message if path == NON_FIELD else f"{path}: {message}"
                for path, messages in self.errors.items()
                for message in messages
            )
        )


def simulate(document: Mapping[str, Any]) -> dict[str, Any]:
    """Compute a month's distribution from a JSON-like document and render it as JSON.

    The document's fields and the output are described in docs/payroll-rules.md; the rules are
    those of `payroll.allocation.compute_distribution`. Raises `SimulationError`.
    """
    inputs = parse(document)
    try:
        result = compute_distribution(inputs)
    except DistributionError as error:  # pay ratio exceeded, or a pool nobody can share
        raise SimulationError({"members": [error.message]}) from error
    return render(result)


def render(result: DistributionResult) -> dict[str, Any]:
    """The result as JSON: every amount a string with the currency's decimals ("12.30")."""
    return {
        "surplus": _text(result.surplus),
        "loss": _text(result.loss),
        "commons": _text(result.commons),
        "commons_lines": [
            {"name": line.name, "amount": _text(line.amount)} for line in result.commons_lines
        ],
        "reserve": _text(result.reserve),
        "education": _text(result.education),
        "member_pool": _text(result.member_pool),
        "lines": [
            {
                "id": line.id,
                "share": _text(line.share),
                "cash": _text(line.cash),
                "retained": _text(line.retained),
            }
            for line in result.lines
        ],
    }


def parse(document: Mapping[str, Any]) -> DistributionInputs:
    """Check the document's shape and types, then the rules; raise `SimulationError` if wrong.

    First every field's presence and type is checked (all problems reported at once); then the
    policy and figure rules of `payroll.allocation` (again all at once).
    """
    reader = DocumentReader()
    if not isinstance(document, Mapping):
        raise SimulationError({NON_FIELD: [NOT_AN_OBJECT]})
    top = reader.fields(document, "", _TOP_REQUIRED, _TOP_OPTIONAL)

    currency = top.get("currency")
    exponent: int | None = None
    if "currency" in top:
        if is_currency(currency):
            exponent = minor_units(currency)
        else:
            reader.add(
                "currency",
                f"“{currency}” is not an ISO 4217 currency code (for example EUR, USD, JPY).",
            )

    def money(value: object, path: str) -> Decimal | None:
        return reader.money(value, path, currency if exponent is not None else None, exponent)

    revenue = money(top["revenue"], "revenue") if "revenue" in top else None
    expenses = money(top["expenses"], "expenses") if "expenses" in top else None
    losses_carried = (
        money(top["losses_carried"], "losses_carried") if "losses_carried" in top else Decimal(0)
    )
    revenue_by_project: dict[str, Decimal] = {}
    if "revenue_by_project" in top:
        for project, amount in reader.mapping(
            top["revenue_by_project"], "revenue_by_project", "project ids to amounts"
        ).items():
            parsed = money(amount, f"revenue_by_project.{project}")
            if parsed is not None:
                revenue_by_project[project] = parsed

    policy_fields = _policy_fields(reader, top["policy"]) if "policy" in top else None
    members = _members(reader, top["members"]) if "members" in top else None
    if reader.errors:
        raise SimulationError(reader.errors)
    assert currency is not None and revenue is not None and expenses is not None
    assert losses_carried is not None and policy_fields is not None and members is not None

    errors: dict[str, list[str]] = {}
    try:
        policy: PolicyTerms | None = PolicyTerms(**policy_fields)
    except PolicyError as error:
        policy = None
        for key, messages in error.errors.items():
            errors[f"policy.{key}" if key else "policy"] = messages
    errors.update(
        input_problems(
            currency=currency,
            revenue=revenue,
            expenses=expenses,
            losses_carried=losses_carried,
            revenue_by_project=revenue_by_project,
            members=members,
        )
    )
    for index, member in enumerate(members):
        # Only here: the database's hours may legitimately break this after an adjustment.
        logged = sum(m for m in member.minutes_by_project.values() if m >= 0)
        if member.minutes >= 0 and logged > member.minutes:
            errors.setdefault(f"members[{index}].minutes_by_project", []).append(
                f"The minutes by project add up to {logged}, more than the member's "
                f"{member.minutes} minutes in the month."
            )
    if errors or policy is None:
        raise SimulationError(errors)
    try:
        return DistributionInputs(
            currency=currency,
            revenue=revenue,
            expenses=expenses,
            losses_carried=losses_carried,
            revenue_by_project=revenue_by_project,
            policy=policy,
            members=members,
        )
    except InputError as error:  # the base rate's decimals: the one rule needing both parts
        raise SimulationError(error.errors) from error


def _policy_fields(reader: DocumentReader, value: object) -> dict[str, Any] | None:
    policy = reader.fields(value, "policy", _POLICY_REQUIRED, _POLICY_OPTIONAL)
    if not isinstance(value, Mapping):
        return None
    parsed: dict[str, Any] = {}
    for name in ("method", "approval"):
        if name in policy:
            parsed[name] = reader.text(policy[name], f"policy.{name}")
    for name in ("commons_pct", "reserve_pct", "education_pct", "cash_pct"):
        if name in policy:
            parsed[name] = reader.decimal(policy[name], f"policy.{name}", percentage=True)
    for name in ("max_pay_ratio", "base_rate"):
        if name in policy:
            parsed[name] = reader.decimal(policy[name], f"policy.{name}")
    if "carry_losses" in policy:
        if isinstance(policy["carry_losses"], bool):
            parsed["carry_losses"] = policy["carry_losses"]
        else:
            reader.add("policy.carry_losses", "carry_losses must be true or false.")
    recipients = []
    for index, item in enumerate(
        reader.list(policy.get("commons_recipients", []), "policy.commons_recipients")
    ):
        path = f"policy.commons_recipients[{index}]"
        fields = reader.fields(item, path, _RECIPIENT_REQUIRED, _RECIPIENT_OPTIONAL)
        label = reader.text(fields["name"], f"{path}.name") if "name" in fields else None
        weight = reader.decimal(fields["weight"], f"{path}.weight") if "weight" in fields else None
        iban = fields.get("iban")
        if iban is not None and not isinstance(iban, str):
            reader.add(f"{path}.iban", "An IBAN must be a string.")
        if label is not None and weight is not None:
            recipients.append(CommonsRecipient(name=label, weight=weight, iban=iban))
    parsed["commons_recipients"] = tuple(recipients)
    return parsed


def _members(reader: DocumentReader, value: object) -> list[MemberWork]:
    members = []
    for index, item in enumerate(reader.list(value, "members")):
        path = f"members[{index}]"
        fields = reader.fields(item, path, _MEMBER_REQUIRED, _MEMBER_OPTIONAL)
        member_id = reader.text(fields["id"], f"{path}.id") if "id" in fields else None
        minutes = (
            reader.minutes(fields["minutes"], f"{path}.minutes") if "minutes" in fields else None
        )
        rate_weight = (
            reader.decimal(fields["rate_weight"], f"{path}.rate_weight")
            if "rate_weight" in fields
            else None
        )
        by_project: dict[str, int] = {}
        for project, project_minutes in reader.mapping(
            fields.get("minutes_by_project", {}),
            f"{path}.minutes_by_project",
            "project ids to minutes",
        ).items():
            parsed = reader.minutes(project_minutes, f"{path}.minutes_by_project.{project}")
            if parsed is not None:
                by_project[project] = parsed
        if member_id is not None and minutes is not None and rate_weight is not None:
            members.append(MemberWork(member_id, minutes, rate_weight, by_project))
    return members


def _text(amount: Decimal) -> str:
    return format(amount, "f")

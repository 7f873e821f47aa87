"""The bylaws settings a co-op stores as JSON, their defaults and the schema that validates them."""

from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError

PROPOSAL_KINDS = ("general", "spending", "membership", "policy", "bylaws", "distribution")

DEFAULT_BYLAWS: dict[str, Any] = {
    "proposal_defaults": {
        "general": {"quorum": "1/2", "threshold": "1/2"},
        "spending": {"quorum": "1/2", "threshold": "1/2"},
        "membership": {"quorum": "1/2", "threshold": "2/3"},
        "policy": {"quorum": "1/2", "threshold": "2/3"},
        "bylaws": {"quorum": "2/3", "threshold": "3/4"},
        "distribution": {"quorum": "1/2", "threshold": "1/2"},
    },
    # Whether probationary members are in the electorate snapshotted when voting opens.
    "probationary_members_vote": False,
    # Expenses above this amount need a passed `spending` proposal.
    "spending_limit": "1000.00",
    # Who adopts a distribution policy: the treasurer alone, or a passed `policy` proposal.
    "policy_adoption": "treasurer",
    # Who decides about members: "vote" (a passed membership proposal) or "admins" (directly).
    # Admission turns an applicant into a probationary or active member.
    "admission": "vote",
    "status_changes": "admins",
    "role_changes": "admins",
    # Whether a redemption or an adjustment may take a member's capital account below zero
    # (the member then owes the co-op); refused with a 409 unless the bylaws say so.
    "negative_capital_balance": False,
}

MEMBER_DECISIONS = ("admission", "status_changes", "role_changes")

_TOP_LEVEL_KEYS = set(DEFAULT_BYLAWS)


def parse_share(value: Any) -> Fraction:
    """Read a quorum or threshold: an exact fraction written "2/3" or "0.75", between 0 and 1."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError('write it as a string such as "2/3" or "0.75"')
    try:
        share = Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        raise ValueError(f'"{value}" is not a fraction such as "2/3" or "0.75"') from None
    if not 0 <= share <= 1:
        raise ValueError(f'"{value}" must be between 0 and 1')
    return share


def merged_with_defaults(bylaws: dict[str, Any] | None) -> dict[str, Any]:
    """The stored settings with every missing key filled from the defaults."""
    bylaws = bylaws or {}
    result = {**DEFAULT_BYLAWS, **bylaws}
    result["proposal_defaults"] = {
        kind: {**DEFAULT_BYLAWS["proposal_defaults"][kind], **values}
        for kind, values in {
            **DEFAULT_BYLAWS["proposal_defaults"],
            **(bylaws.get("proposal_defaults") or {}),
        }.items()
    }
    return result


def validate_bylaws(value: Any) -> None:
    """Validate the bylaws JSON; errors name the path of the bad value."""
    if not isinstance(value, dict):
        raise ValidationError("Bylaws settings must be a JSON object.", code="invalid_bylaws")
    errors: list[str] = []
    for key in sorted(set(value) - _TOP_LEVEL_KEYS):
        errors.append(f"{key}: unknown setting (known: {', '.join(sorted(_TOP_LEVEL_KEYS))}).")
    defaults = value.get("proposal_defaults", {})
    if not isinstance(defaults, dict):
        errors.append("proposal_defaults: must be an object keyed by proposal kind.")
        defaults = {}
    for kind, terms in defaults.items():
        if kind not in PROPOSAL_KINDS:
            errors.append(f"proposal_defaults.{kind}: unknown proposal kind.")
            continue
        if not isinstance(terms, dict) or set(terms) - {"quorum", "threshold"}:
            errors.append(f"proposal_defaults.{kind}: only quorum and threshold may be set.")
            continue
        for term, raw in terms.items():
            try:
                parse_share(raw)
            except ValueError as error:
                errors.append(f"proposal_defaults.{kind}.{term}: {error}.")
    for key in ("probationary_members_vote", "negative_capital_balance"):
        if key in value and not isinstance(value[key], bool):
            errors.append(f"{key}: must be true or false.")
    if "spending_limit" in value:
        try:
            limit = Decimal(str(value["spending_limit"]))
            if not limit.is_finite() or limit < 0 or isinstance(value["spending_limit"], float):
                raise InvalidOperation
        except InvalidOperation:
            errors.append('spending_limit: must be a non-negative amount such as "1000.00".')
    if value.get("policy_adoption", "treasurer") not in ("treasurer", "vote"):
        errors.append('policy_adoption: must be "treasurer" or "vote".')
    for key in MEMBER_DECISIONS:
        if value.get(key, "admins") not in ("admins", "vote"):
            errors.append(f'{key}: must be "admins" or "vote".')
    if errors:
        raise ValidationError(errors, code="invalid_bylaws")

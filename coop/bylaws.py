"""The bylaws settings a co-op stores as JSON, their defaults and the schema that validates them."""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coop.bylaws_buyin import buyin_errors
from coop.bylaws_settlement import DEFAULT_SETTLEMENT, settlement_errors
from coop.capital_bylaws import CAPITAL_DEFAULTS, capital_errors
from coop.money import exceeds_max, format_max

PROPOSAL_KINDS = ("general", "spending", "membership", "policy", "bylaws", "distribution")

# The floors of each proposal kind: a proposal may be stricter (a higher quorum or threshold, a
# longer discussion or vote), never looser. They are also what a draft gets when it says nothing.
FLOOR_TERMS = ("quorum", "threshold", "discussion_hours", "voting_hours")
# The longest period a floor may require (a year), so that no setting makes a kind unusable.
MAX_FLOOR_HOURS = 366 * 24

DEFAULT_BYLAWS: dict[str, Any] = {
    "floors": {
        "general": {
            "quorum": "1/2",
            "threshold": "1/2",
            "discussion_hours": 24,
            "voting_hours": 48,
        },
        "spending": {
            "quorum": "1/2",
            "threshold": "1/2",
            "discussion_hours": 24,
            "voting_hours": 72,
        },
        "membership": {
            "quorum": "1/2",
            "threshold": "2/3",
            "discussion_hours": 48,
            "voting_hours": 120,
        },
        "policy": {
            "quorum": "1/2",
            "threshold": "2/3",
            "discussion_hours": 48,
            "voting_hours": 120,
        },
        "bylaws": {
            "quorum": "2/3",
            "threshold": "3/4",
            "discussion_hours": 48,
            "voting_hours": 120,
        },
        "distribution": {
            "quorum": "1/2",
            "threshold": "1/2",
            "discussion_hours": 24,
            "voting_hours": 72,
        },
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
    # The share of the surplus the bylaws put in the legal reserve, as text ("0.10"), or null
    # while they set none. German law requires the statutes to set it (GenG §7 Nr. 2); under the
    # Germany legal profile a policy that gives the reserve less is refused.
    "statutory_reserve_pct": None,
    # How long a member admitted as probationary stays so: their probation ends this many months
    # after admission (0: no end date is set). The secretary may move a member's end date.
    "probation_months": 6,
    # How many days before a probation ends the secretaries are reminded.
    "probation_reminder_days": 14,
    # The buy-in a new member subscribes, and how it is paid (coop.bylaws_buyin); None: none.
    "buyin": None,
    # Interest on capital accounts and who bears losses (coop.capital_bylaws).
    **CAPITAL_DEFAULTS,
    # How a departed member is paid out (coop.bylaws_settlement).
    "settlement": DEFAULT_SETTLEMENT,
}

MEMBER_DECISIONS = ("admission", "status_changes", "role_changes")
# The bounds of the probation settings: up to five years, reminded up to a quarter before.
MAX_PROBATION_MONTHS = 60
MAX_PROBATION_REMINDER_DAYS = 90

_TOP_LEVEL_KEYS = set(DEFAULT_BYLAWS)


def parse_share(value: Any) -> Fraction:
    """Read a quorum or threshold: an exact fraction written "2/3" or "0.75", between 0 and 1.

    The ValueError's message is a sentence in the active language."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(_("Write it as a fraction such as 2/3 or 0.75."))
    try:
        share = Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        raise ValueError(
            _("“%(value)s” is not a fraction such as 2/3 or 0.75.") % {"value": value}
        ) from None
    if not 0 <= share <= 1:
        raise ValueError(_("“%(value)s” must be between 0 and 1.") % {"value": value})
    return share


def merged_with_defaults(bylaws: dict[str, Any] | None) -> dict[str, Any]:
    """The stored settings with every missing key filled from the defaults."""
    bylaws = bylaws or {}
    result = {**DEFAULT_BYLAWS, **bylaws}
    result["floors"] = {
        kind: {**DEFAULT_BYLAWS["floors"][kind], **values}
        for kind, values in {**DEFAULT_BYLAWS["floors"], **(bylaws.get("floors") or {})}.items()
    }
    return result


@dataclass(frozen=True)
class Floors:
    """The least a proposal of one kind must ask for: the bylaws' floors of that kind."""

    kind: str
    quorum: Fraction
    threshold: Fraction
    discussion: datetime.timedelta
    voting: datetime.timedelta


def floors_of(bylaws: dict[str, Any] | None, kind: str) -> Floors:
    """The floors of a proposal kind under these bylaws settings (defaults filled in)."""
    terms = merged_with_defaults(bylaws)["floors"][kind]
    return Floors(
        kind=kind,
        quorum=parse_share(terms["quorum"]),
        threshold=parse_share(terms["threshold"]),
        discussion=datetime.timedelta(hours=terms["discussion_hours"]),
        voting=datetime.timedelta(hours=terms["voting_hours"]),
    )


def floors_changed(old: dict[str, Any] | None, new: dict[str, Any] | None) -> bool:
    """Whether two bylaws settings differ in any floor (as read, defaults filled in)."""
    return any(floors_of(old, kind) != floors_of(new, kind) for kind in PROPOSAL_KINDS)


# The settings as a sentence names them (the keys stay the JSON's, for the API and the admin).
KIND_NAMES = {
    "general": gettext_lazy("general"),
    "spending": gettext_lazy("spending"),
    "membership": gettext_lazy("membership"),
    "policy": gettext_lazy("policy"),
    "bylaws": gettext_lazy("bylaws"),
    "distribution": gettext_lazy("distribution"),
}
TERM_NAMES = {
    "quorum": gettext_lazy("The quorum"),
    "threshold": gettext_lazy("The threshold"),
    "discussion_hours": gettext_lazy("The discussion period"),
    "voting_hours": gettext_lazy("The voting period"),
}
DECIDED_BY = {
    "admission": gettext_lazy("Admissions are decided by the admins or by a vote."),
    "status_changes": gettext_lazy("Status changes are decided by the admins or by a vote."),
    "role_changes": gettext_lazy("Role changes are decided by the admins or by a vote."),
}
YES_OR_NO = {
    "probationary_members_vote": gettext_lazy(
        "Whether probationary members vote is yes (true) or no (false)."
    ),
    "negative_capital_balance": gettext_lazy(
        "Whether a capital account may go below zero is yes (true) or no (false)."
    ),
}


def _floor_errors(floors: Any) -> list[str]:
    if not isinstance(floors, dict):
        return [_("The floors are given per kind of proposal (general, spending…).")]
    errors: list[str] = []
    for kind, terms in floors.items():
        if kind not in PROPOSAL_KINDS:
            errors.append(
                _("There is no kind of proposal “%(kind)s”; the kinds are %(kinds)s.")
                % {"kind": kind, "kinds": ", ".join(PROPOSAL_KINDS)}
            )
            continue
        where = {"kind": KIND_NAMES[kind]}
        if not isinstance(terms, dict) or set(terms) - set(FLOOR_TERMS):
            errors.append(
                _(
                    "Only the quorum, the threshold and the hours of discussion and of voting "
                    "of %(kind)s proposals can be set."
                )
                % where
            )
            continue
        for term, raw in terms.items():
            where["term"] = TERM_NAMES[term]
            if term.endswith("_hours"):
                if isinstance(raw, bool) or not isinstance(raw, int):
                    errors.append(
                        _("%(term)s of %(kind)s proposals: write a whole number of hours.") % where
                    )
                elif not 0 <= raw <= MAX_FLOOR_HOURS:
                    errors.append(
                        _("%(term)s of %(kind)s proposals: between 0 and %(most)s hours.")
                        % {**where, "most": MAX_FLOOR_HOURS}
                    )
                continue
            try:
                parse_share(raw)
            except ValueError as error:
                errors.append(
                    _("%(term)s of %(kind)s proposals: %(problem)s") % {**where, "problem": error}
                )
    return errors


def validate_bylaws(value: Any) -> None:
    """Validate the bylaws JSON; each error is a sentence that names the setting."""
    if not isinstance(value, dict):
        raise ValidationError(
            _("The bylaws settings must be a JSON object."), code="invalid_bylaws"
        )
    errors: list[str] = []
    for key in sorted(set(value) - _TOP_LEVEL_KEYS):
        errors.append(
            _("There is no bylaws setting “%(key)s”; the settings are %(known)s.")
            % {"key": key, "known": ", ".join(sorted(_TOP_LEVEL_KEYS))}
        )
    errors.extend(_floor_errors(value.get("floors", {})))
    for key in ("probationary_members_vote", "negative_capital_balance"):
        if key in value and not isinstance(value[key], bool):
            errors.append(str(YES_OR_NO[key]))
    if "spending_limit" in value:
        try:
            limit = Decimal(str(value["spending_limit"]))
            if not limit.is_finite() or limit < 0 or isinstance(value["spending_limit"], float):
                raise InvalidOperation
        except InvalidOperation:
            errors.append(
                _('The spending limit is an amount of at least 0, written as text: "1000.00".')
            )
        else:
            if exceeds_max(limit):  # the largest expense the books hold; the form says the same
                errors.append(_("The spending limit is at most %(max)s.") % {"max": format_max()})
    if value.get("policy_adoption", "treasurer") not in ("treasurer", "vote"):
        errors.append(
            _(
                'A distribution policy is adopted by the treasurer ("treasurer") or by a vote '
                '("vote").'
            )
        )
    for key in MEMBER_DECISIONS:
        if value.get(key, "admins") not in ("admins", "vote"):
            errors.append(str(DECIDED_BY[key]))
    errors.extend(_capital_and_probation_errors(value))
    errors.extend(buyin_errors(value.get("buyin")))
    errors.extend(capital_errors(value))
    if "settlement" in value:
        errors.extend(settlement_errors(value["settlement"]))
    if errors:
        raise ValidationError(errors, code="invalid_bylaws")


def _whole_number_between(value: Any, least: int, most: int) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and least <= value <= most


def _capital_and_probation_errors(value: dict[str, Any]) -> list[str]:
    errors: list[str] = []
    share = value.get("statutory_reserve_pct")
    if share is not None:
        try:
            fraction = Decimal(share) if isinstance(share, str) else None
            if fraction is None or not fraction.is_finite() or not 0 <= fraction < 1:
                raise InvalidOperation
        except InvalidOperation:
            errors.append(
                _(
                    "The legal reserve's share of the surplus is a fraction of at least 0 and "
                    'below 1, written as text: "0.10" for 10%; or null when the bylaws set none.'
                )
            )
    if "probation_months" in value and not _whole_number_between(
        value["probation_months"], 0, MAX_PROBATION_MONTHS
    ):
        errors.append(
            _("The probation is a whole number of months from 0 (none) to %(most)s.")
            % {"most": MAX_PROBATION_MONTHS}
        )
    if "probation_reminder_days" in value and not _whole_number_between(
        value["probation_reminder_days"], 1, MAX_PROBATION_REMINDER_DAYS
    ):
        errors.append(
            _("The reminder before a probation ends is a whole number of days from 1 to %(most)s.")
            % {"most": MAX_PROBATION_REMINDER_DAYS}
        )
    return errors


def statutory_reserve_share(bylaws: dict[str, Any] | None) -> Decimal | None:
    """The legal reserve's share of the surplus the bylaws set, or None while they set none."""
    share = merged_with_defaults(bylaws)["statutory_reserve_pct"]
    return None if share is None else Decimal(share)

"""The bylaws amendment's group of fields on the proposal form (`amend_bylaws`): the settings,
the settlement and buy-in terms and the floors per kind, each a field of its own; a field left
blank leaves its setting unchanged. Each number is checked against the bylaws' bounds by its
field, and what the fields are together by governance/bylaws_form_checks.py, in the form's
words; the action's validator (governance/actions/bylaws.py) still decides.
governance/action_forms.py puts this group beside the other actions' ones.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coop.bylaws import (
    FLOOR_TERMS,
    MAX_FLOOR_HOURS,
    MAX_PROBATION_MONTHS,
    MAX_PROBATION_REMINDER_DAYS,
    MEMBER_DECISIONS,
)
from coop.bylaws_buyin import KEYS as BUYIN_TERMS
from coop.bylaws_buyin import MAX_SHARES
from coop.bylaws_settlement import MAX_INSTALMENTS, MAX_MONTHS
from coop.capital_bylaws import HUNDRED, RATE_PLACES
from coop.money import MAX_AMOUNT
from governance.bylaws_form_checks import (
    BUYIN,
    SettingNumber,
    ShareSetting,
    WholeNumberSetting,
)
from governance.models import Kind

UNCHANGED = ("", _("unchanged"))
SETTLEMENT = "settlement_"  # the prefix of the settlement terms' fields
BUYIN_AMOUNTS = ("amount", "nominal_value", "monthly_max")
# The settings and settlement terms the form takes as numbers, shown back in the page's notation.
NUMBERS = ("spending_limit", "capital_interest_rate_pct", "capital_interest_rate_cap_pct",
           "statutory_reserve_pct")  # fmt: skip
SETTLEMENT_NUMBERS = ("refundable_share", "interest_rate")
ZERO, ONE = Decimal(0), Decimal(1)


def _amount(label: str) -> SettingNumber:
    """A buy-in amount: more than 0, in cents, as every amount of the bylaws, and no more than
    the books hold."""
    return SettingNumber(
        label=label, required=False, least=ZERO, above=True, most=MAX_AMOUNT, places=2
    )


def _rate(label: str) -> SettingNumber:
    return SettingNumber(label=label, required=False, least=ZERO, most=HUNDRED, places=RATE_PLACES)


def bylaws_fields() -> dict[str, forms.Field]:
    """The fields of the bylaws amendment: a field left blank leaves its setting unchanged."""
    yes_no = [UNCHANGED, ("yes", _("yes")), ("no", _("no"))]
    bylaws: dict[str, forms.Field] = {
        "spending_limit": SettingNumber(
            label=_("Spending limit"), required=False, least=ZERO, most=MAX_AMOUNT
        ),
        "probationary_members_vote": forms.ChoiceField(
            label=_("Probationary members vote"), required=False, choices=yes_no
        ),
        "negative_capital_balance": forms.ChoiceField(
            label=_("Capital accounts may go below zero"), required=False, choices=yes_no
        ),
        "capital_interest_rate_pct": _rate(_("Interest rate on capital (% a year)")),
        "capital_interest_rate_cap_pct": _rate(_("Cap on the interest rate on capital (% a year)")),
        "capital_interest_period": forms.ChoiceField(
            label=_("Interest on capital is credited"),
            required=False,
            choices=[UNCHANGED, ("yearly", _("each year")), ("monthly", _("each month"))],
        ),
        "loss_allocation": forms.ChoiceField(
            label=_("Who bears a loss"),
            required=False,
            choices=[
                UNCHANGED,
                ("reserve_first", _("the collective reserve first, then the members by hours")),
                ("patronage", _("the members, in proportion to their hours")),
            ],
        ),
        "redemption_order": forms.ChoiceField(
            label=_("A redemption pays the notices of allocation"),
            required=False,
            choices=[
                UNCHANGED,
                ("oldest_first", _("oldest first")),
                ("newest_first", _("newest first")),
            ],
        ),
        "member_capital_redeemed": forms.ChoiceField(
            label=_("A member's buy-in and interest are paid back"),
            required=False,
            choices=[
                UNCHANGED,
                ("after_notices", _("after the notices of allocation")),
                ("before_notices", _("before the notices of allocation")),
            ],
        ),
        "buyin_instalments": forms.ChoiceField(
            label=_("A buy-in instalment taken from the cash share is (United States)"),
            required=False,
            choices=[
                UNCHANGED,
                ("notice", _("part of the year's notice of allocation")),
                ("money", _("paid in money")),
            ],
        ),
        "statutory_reserve_pct": SettingNumber(
            label=_("Legal reserve's share of the surplus (a fraction of 1)"),
            help_text=_("0.10 is 10 percent."),
            required=False,
            least=ZERO,
            most=ONE,
            below=True,
        ),
        "probation_months": WholeNumberSetting(
            label=_("Probation (months; 0: no end date)"),
            required=False,
            least=0,
            most=MAX_PROBATION_MONTHS,
        ),
        "probation_reminder_days": WholeNumberSetting(
            label=_("Remind the secretaries this many days before a probation ends"),
            required=False,
            least=1,
            most=MAX_PROBATION_REMINDER_DAYS,
        ),
        # A departed member's settlement (coop.bylaws_settlement): the terms left blank stay.
        "settlement_notice_months": WholeNumberSetting(
            label=_("Settlement: notice (months)"), required=False, least=0, most=MAX_MONTHS
        ),
        "settlement_refundable_share": SettingNumber(
            label=_("Settlement: the part of the balance paid back (a fraction of 1)"),
            help_text=_("0.70 pays back 70 percent and keeps 30 percent in the reserve."),
            required=False,
            least=ZERO,
            most=ONE,
        ),
        "settlement_bears_losses": forms.ChoiceField(
            label=_("Settlement: the leaver bears losses up to the settlement date"),
            required=False,
            choices=yes_no,
        ),
        "settlement_instalments": WholeNumberSetting(
            label=_("Settlement: number of instalments"),
            required=False,
            least=1,
            most=MAX_INSTALMENTS,
        ),
        "settlement_frequency": forms.ChoiceField(
            label=_("Settlement: instalments are paid"),
            required=False,
            choices=[UNCHANGED, ("yearly", _("each year")), ("monthly", _("each month"))],
        ),
        "settlement_interest_rate": SettingNumber(
            label=_("Settlement: yearly interest on the unpaid balance (a fraction of 1)"),
            help_text=_("0.02 is 2 percent a year."),
            required=False,
            least=ZERO,
            most=ONE,
        ),
        "settlement_start": forms.ChoiceField(
            label=_("Settlement: the first instalment is paid"),
            required=False,
            choices=[
                UNCHANGED,
                ("after_departure", _("some months after the settlement date")),
                ("after_year_end", _("some months after the end of that year")),
            ],
        ),
        "settlement_start_months": WholeNumberSetting(
            label=_("Settlement: months before the first instalment"),
            required=False,
            least=0,
            most=MAX_MONTHS,
        ),
        "settlement_approval": forms.ChoiceField(
            label=_("Settlement: who approves it"),
            required=False,
            choices=[UNCHANGED, ("treasurer", _("the treasurer")), ("vote", _("a vote"))],
        ),
        # The buy-in (coop.bylaws_buyin): the terms left blank stay; what the terms are
        # together is checked by governance/bylaws_form_checks.py.
        "buyin_amount": _amount(_("Buy-in: the amount (instead of shares)")),
        "buyin_shares": WholeNumberSetting(
            label=_("Buy-in: number of shares (instead of an amount)"),
            required=False,
            least=1,
            most=MAX_SHARES,
        ),
        "buyin_nominal_value": _amount(_("Buy-in: nominal value of a share")),
        "buyin_payment": forms.ChoiceField(
            label=_("Buy-in: paid"),
            required=False,
            choices=[
                UNCHANGED,
                ("at_once", _("at once, from the first distributions")),
                ("instalments", _("in instalments")),
            ],
        ),
        "buyin_monthly_max": _amount(_("Buy-in: the most a month may take")),
        "policy_adoption": forms.ChoiceField(
            label=_("Who adopts a distribution policy"),
            required=False,
            choices=[UNCHANGED, ("treasurer", _("the treasurer")), ("vote", _("a vote"))],
        ),
    }
    decides = [UNCHANGED, ("admins", _("the admins")), ("vote", _("a vote"))]
    labels = {
        "admission": _("Who decides admissions"),
        "status_changes": _("Who decides status changes"),
        "role_changes": _("Who decides role changes"),
    }
    for key in MEMBER_DECISIONS:
        bylaws[key] = forms.ChoiceField(label=labels[key], required=False, choices=decides)
    term_labels = {
        "quorum": _("quorum"),
        "threshold": _("threshold"),
        "discussion_hours": _("discussion hours"),
        "voting_hours": _("voting hours"),
    }
    for kind, kind_label in Kind.choices:
        for term in FLOOR_TERMS:
            label = f"{kind_label}: {term_labels[term]}"
            bylaws[f"floors_{kind}_{term}"] = (
                WholeNumberSetting(label=label, required=False, least=0, most=MAX_FLOOR_HOURS)
                if term.endswith("_hours")
                else ShareSetting(label=label, required=False, max_length=20)
            )
    return bylaws


def bylaws_payload(data: dict[str, Any]) -> dict[str, Any]:
    """The cleaned fields as the `amend_bylaws` payload: only the settings filled in, the
    floors, settlement and buy-in terms gathered under their own keys, amounts as text."""
    payload: dict[str, Any] = {}
    floors: dict[str, dict[str, Any]] = {}
    settlement: dict[str, Any] = {}
    buyin: dict[str, Any] = {}
    for name, value in data.items():
        if value in (None, ""):
            continue
        if name.startswith("floors_"):
            kind, term = _floor_key(name)
            floors.setdefault(kind, {})[term] = value
        elif name.startswith(SETTLEMENT):
            term = name.removeprefix(SETTLEMENT)
            settlement[term] = value == "yes" if value in ("yes", "no") else _json(value)
        # Only the buy-in's own terms: `buyin_instalments` is a setting of the capital bylaws.
        elif name.startswith(BUYIN) and name.removeprefix(BUYIN) in BUYIN_TERMS:
            buyin[name.removeprefix(BUYIN)] = _json(value)
        elif value in ("yes", "no"):
            payload[name] = value == "yes"
        else:
            payload[name] = _json(value)
    if floors:
        payload["floors"] = floors
    if settlement:
        payload["settlement"] = settlement
    if buyin:
        payload["buyin"] = buyin
    return payload


def _json(value: Any) -> Any:
    """A number as the bylaws JSON writes it: text, "0.70" (never "7E-1")."""
    return format(value, "f") if isinstance(value, Decimal) else value


def _floor_key(name: str) -> tuple[str, str]:
    rest = name.removeprefix("floors_")
    for term in FLOOR_TERMS:
        if rest.endswith("_" + term):
            return rest[: -len(term) - 1], term
    raise ValueError(name)


def _decimal_or_text(value: Any) -> Any:
    """An amount of a stored payload, shown in the page's notation (as typed if not one)."""
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return value


def bylaws_initial(payload: dict[str, Any]) -> dict[str, Any]:
    """The fields filled from a stored payload (editing a draft), by field name."""
    initial: dict[str, Any] = {}
    for name, value in payload.items():
        if name == "floors" and isinstance(value, dict):
            for kind, terms in value.items():
                for term, term_value in (terms or {}).items():
                    initial[f"floors_{kind}_{term}"] = term_value
        elif name == "settlement" and isinstance(value, dict):
            for term, term_value in value.items():
                if isinstance(term_value, bool):
                    term_value = "yes" if term_value else "no"
                elif term in SETTLEMENT_NUMBERS:
                    term_value = _decimal_or_text(term_value)
                initial[f"{SETTLEMENT}{term}"] = term_value
        elif name == "buyin" and isinstance(value, dict):
            for term, term_value in value.items():
                if term in BUYIN_AMOUNTS:
                    term_value = _decimal_or_text(term_value)
                initial[f"{BUYIN}{term}"] = term_value
        elif isinstance(value, bool):
            initial[name] = "yes" if value else "no"
        elif name in NUMBERS:
            initial[name] = _decimal_or_text(value)
        else:
            initial[name] = value
    return initial

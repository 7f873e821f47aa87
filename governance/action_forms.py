"""The details of a proposal's action as a form, not JSON: one group of fields per action.

The proposal form shows a group per action (a member picker, role checkboxes, a status, the
policy's fields, the draft distribution or submitted expense to approve, the bylaws settings);
`payload()` turns the chosen action's group into the `action_payload` the API takes as JSON, and
the action's own validator (`governance.actions.registry.validate_payload`, run by the
service) still decides. Without JavaScript every group is shown under its heading; with it,
only the chosen action's (governance/static/governance/proposal-form.js).

The distributions and expenses are payroll's; governance does not import payroll (see
docs/architecture.md), so they are looked up through Django's app registry, by model name.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from coop.bylaws import FLOOR_TERMS, MEMBER_DECISIONS
from coop.bylaws_buyin import KEYS as BUYIN_TERMS
from coop.forms import DateField, LocalizedDecimalField
from coop.locale_formats import format_medium_day, format_month
from coop.models import Cooperative, Member
from coop.models.cooperative import MemberStatus, Role
from coop.money import format_money
from governance.models import Kind

SEP = "__"
UNCHANGED = ("", _("unchanged"))
PERCENTAGES = ("commons_pct", "reserve_pct", "education_pct", "cash_pct")
TITLES = {
    "admit_member": _("Admit a member"),
    "change_member_status": _("Change a member's status"),
    "change_member_roles": _("Set a member's roles"),
    "adopt_distribution_policy": _("Adopt a distribution policy"),
    "approve_distribution": _("Approve a draft distribution"),
    "approve_expense": _("Approve an expense"),
    "approve_expense_claim": _("Decide a member's expense claim"),
    "amend_bylaws": _("Amend the bylaws settings"),
}


def _model(name: str):
    try:
        return apps.get_model("payroll", name)
    except LookupError:  # payroll not installed: its actions are not registered either
        return None


def _member_field(cooperative: Cooperative) -> forms.ChoiceField:
    members = (
        Member.objects.filter(cooperative=cooperative)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    choices = [("", _("choose a member"))]
    choices += [(str(m.pk), f"{m.display_name} ({m.get_status_display()})") for m in members]
    return forms.ChoiceField(label=_("Member"), choices=choices, required=False)


def _share(label: str) -> LocalizedDecimalField:
    return LocalizedDecimalField(
        label=label, required=False, help_text=_("A share: 0.15 means 15 percent.")
    )


def _fields(cooperative: Cooperative) -> dict[str, dict[str, forms.Field]]:
    """The fields of each action, by action name."""
    groups: dict[str, dict[str, forms.Field]] = {
        "admit_member": {
            "member": _member_field(cooperative),
            "status": forms.ChoiceField(
                label=_("Admitted as"),
                required=False,
                choices=[
                    (MemberStatus.PROBATIONARY, MemberStatus.PROBATIONARY.label),
                    (MemberStatus.ACTIVE, MemberStatus.ACTIVE.label),
                ],
            ),
            # The end of a probation: admit, extend by this many months, or end, put to a
            # single-choice vote (governance/actions/probation_outcomes.py).
            "extend_months": forms.IntegerField(
                label=_("At the end of a probation: extend by (months)"),
                required=False,
                help_text=_(
                    "For a member on probation: the members choose among admitting them, "
                    "extending the probation by this many months, and ending it (decision "
                    "method: single choice). Leave empty to admit only."
                ),
            ),
        },
        "change_member_status": {
            "member": _member_field(cooperative),
            "status": forms.ChoiceField(
                label=_("New status"), required=False, choices=[("", "—"), *MemberStatus.choices]
            ),
            "effective_on": DateField(label=_("From (optional)"), required=False),
        },
        "change_member_roles": {
            "member": _member_field(cooperative),
            "roles": forms.MultipleChoiceField(
                label=_("Roles"),
                required=False,
                choices=Role.choices,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("The member's roles after the change; none ticked takes them all."),
            ),
        },
    }
    policy = _model("DistributionPolicy")
    if policy is not None:
        meta = policy._meta
        groups["adopt_distribution_policy"] = {
            "method": forms.ChoiceField(
                label=_("Method"), required=False, choices=meta.get_field("method").choices
            ),
            "commons_pct": _share(_("To the commons")),
            "reserve_pct": _share(_("To the reserve")),
            "education_pct": _share(_("To education")),
            "cash_pct": _share(_("Paid out in cash")),
            "max_pay_ratio": LocalizedDecimalField(label=_("Highest pay ratio"), required=False),
            "base_rate": LocalizedDecimalField(
                label=_("Base rate per hour (optional)"), required=False
            ),
            "carry_losses": forms.BooleanField(label=_("Carry losses forward"), required=False),
            "approval": forms.ChoiceField(
                label=_("Who approves a distribution"),
                required=False,
                choices=meta.get_field("approval").choices,
            ),
            "commons_recipients": forms.CharField(
                label=_("Commons recipients"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_('One per line, "name: weight", e.g. "Django Software Foundation: 1".'),
            ),
        }
    distribution = _model("Distribution")
    if distribution is not None:
        drafts = distribution.objects.filter(cooperative=cooperative, status="draft")
        groups["approve_distribution"] = {
            "distribution": forms.ChoiceField(
                label=_("Draft distribution"),
                required=False,
                choices=[("", "—")]
                + [
                    (str(d.pk), f"{format_month(d.month)} (#{d.pk})")
                    for d in drafts.order_by("month")
                ],
            )
        }
    expense = _model("Expense")
    if expense is not None:
        submitted = expense.objects.filter(cooperative=cooperative, status="submitted")
        groups["approve_expense"] = {
            "expense": forms.ChoiceField(
                label=_("Submitted expense"),
                required=False,
                choices=[("", "—")]
                + [
                    (
                        str(e.pk),
                        f"{format_medium_day(e.date)} · {e.payee} · "
                        f"{format_money(e.amount, e.currency)}",
                    )
                    for e in submitted.order_by("date", "pk")
                ],
            )
        }
    claim = _model("ExpenseClaim")
    if claim is not None:
        claimed = claim.objects.filter(cooperative=cooperative, status="submitted")
        groups["approve_expense_claim"] = {
            "claim": forms.ChoiceField(
                label=_("Submitted expense claim"),
                required=False,
                choices=[("", "—")]
                + [
                    (
                        str(c.pk),
                        f"{format_medium_day(c.date)} · {c.member.display_name} · {c.payee} · "
                        f"{format_money(c.amount, c.currency)}",
                    )
                    for c in claimed.select_related("member__user").order_by("date", "pk")
                ],
            )
        }
    yes_no = [UNCHANGED, ("yes", _("yes")), ("no", _("no"))]
    bylaws: dict[str, forms.Field] = {
        "spending_limit": LocalizedDecimalField(label=_("Spending limit"), required=False),
        "probationary_members_vote": forms.ChoiceField(
            label=_("Probationary members vote"), required=False, choices=yes_no
        ),
        "negative_capital_balance": forms.ChoiceField(
            label=_("Capital accounts may go below zero"), required=False, choices=yes_no
        ),
        "capital_interest_rate_pct": forms.CharField(
            label=_("Interest rate on capital (% a year)"), required=False, max_length=10
        ),
        "capital_interest_rate_cap_pct": forms.CharField(
            label=_("Cap on the interest rate on capital (% a year)"),
            required=False,
            max_length=10,
        ),
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
        "statutory_reserve_pct": forms.CharField(
            label=_('Legal reserve\'s share of the surplus (a fraction: "0.10")'),
            required=False,
            max_length=10,
        ),
        "probation_months": forms.IntegerField(
            label=_("Probation (months; 0: no end date)"), required=False, min_value=0
        ),
        "probation_reminder_days": forms.IntegerField(
            label=_("Remind the secretaries this many days before a probation ends"),
            required=False,
            min_value=1,
        ),
        # A departed member's settlement (coop.bylaws_settlement): the terms left blank stay.
        "settlement_notice_months": forms.IntegerField(
            label=_("Settlement: notice (months)"), required=False, min_value=0
        ),
        "settlement_refundable_share": forms.CharField(
            label=_('Settlement: the part of the balance paid back (a fraction: "0.70")'),
            required=False,
            max_length=10,
        ),
        "settlement_bears_losses": forms.ChoiceField(
            label=_("Settlement: the leaver bears losses up to the settlement date"),
            required=False,
            choices=yes_no,
        ),
        "settlement_instalments": forms.IntegerField(
            label=_("Settlement: number of instalments"), required=False, min_value=1
        ),
        "settlement_frequency": forms.ChoiceField(
            label=_("Settlement: instalments are paid"),
            required=False,
            choices=[UNCHANGED, ("yearly", _("each year")), ("monthly", _("each month"))],
        ),
        "settlement_interest_rate": forms.CharField(
            label=_('Settlement: yearly interest on the unpaid balance (a fraction: "0.02")'),
            required=False,
            max_length=10,
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
        "settlement_start_months": forms.IntegerField(
            label=_("Settlement: months before the first instalment"), required=False, min_value=0
        ),
        "settlement_approval": forms.ChoiceField(
            label=_("Settlement: who approves it"),
            required=False,
            choices=[UNCHANGED, ("treasurer", _("the treasurer")), ("vote", _("a vote"))],
        ),
        # The buy-in (coop.bylaws_buyin): the terms left blank stay; its validator decides.
        "buyin_amount": LocalizedDecimalField(
            label=_("Buy-in: the amount (instead of shares)"), required=False
        ),
        "buyin_shares": forms.IntegerField(
            label=_("Buy-in: number of shares (instead of an amount)"), required=False
        ),
        "buyin_nominal_value": LocalizedDecimalField(
            label=_("Buy-in: nominal value of a share"), required=False
        ),
        "buyin_payment": forms.ChoiceField(
            label=_("Buy-in: paid"),
            required=False,
            choices=[
                UNCHANGED,
                ("at_once", _("at once, from the first distributions")),
                ("instalments", _("in instalments")),
            ],
        ),
        "buyin_monthly_max": LocalizedDecimalField(
            label=_("Buy-in: the most an instalment takes a month"), required=False
        ),
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
                forms.IntegerField(label=label, required=False, min_value=0)
                if term.endswith("_hours")
                else forms.CharField(label=label, required=False, max_length=20)
            )
    groups["amend_bylaws"] = bylaws
    return groups


class ActionDetailsForm(forms.Form):
    """Every action's fields, named `<action>__<field>`; `payload(action)` reads one group."""

    def __init__(self, *args: Any, cooperative: Cooperative, actions: list[str], **kwargs: Any):
        payload = kwargs.pop("payload", None)
        action = kwargs.pop("action", "")
        super().__init__(*args, **kwargs)
        self.groups: dict[str, list[str]] = {}
        for name, fields in _fields(cooperative).items():
            if name not in actions:
                continue
            self.groups[name] = []
            for field_name, field in fields.items():
                key = f"{name}{SEP}{field_name}"
                self.fields[key] = field
                self.groups[name].append(key)
        if payload and action in self.groups and not self.is_bound:
            self.initial.update(_initial(action, payload))

    def sections(self) -> Iterator[dict[str, Any]]:
        """(action, title, bound fields) for the template, one section per action."""
        for name, keys in self.groups.items():
            yield {
                "action": name,
                "title": TITLES.get(name, name),
                "fields": [self[k] for k in keys],
            }

    def payload(self, action: str) -> dict[str, Any]:
        """The chosen action's group as the JSON payload the action's validator takes."""
        if action not in self.groups:
            return {}
        data = {key.split(SEP, 1)[1]: self.cleaned_data.get(key) for key in self.groups[action]}
        if action == "amend_bylaws":
            return _bylaws_payload(data)
        payload: dict[str, Any] = {}
        for name, value in data.items():
            if value in (None, "", []) or (name == "carry_losses" and value is False):
                continue
            if name in ("member", "distribution", "expense", "claim"):
                payload[name] = int(value)
            elif name == "effective_on":
                payload[name] = value.isoformat()
            elif name == "commons_recipients":
                payload[name] = _recipients(value)
            elif isinstance(value, Decimal):
                payload[name] = str(value)  # the payload is JSON: decimals as text
            else:
                payload[name] = value
        if action == "change_member_roles" and data.get("member"):
            payload["roles"] = list(data.get("roles") or [])
        if action == "admit_member" and "extend_months" in payload:
            payload.pop("status", None)  # the outcomes decide the status
            payload["outcomes"] = ["admit", "extend", "end"]
        return payload


def _recipients(text: str) -> list[dict[str, str]]:
    recipients = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _sep, weight = line.rpartition(":")
        if not name.strip():
            name, weight = weight, "1"
        recipients.append({"name": name.strip(), "weight": weight.strip() or "1"})
    return recipients


def _bylaws_payload(data: dict[str, Any]) -> dict[str, Any]:
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
            settlement[term] = value == "yes" if value in ("yes", "no") else value
        # Only the buy-in's own terms: `buyin_instalments` is a setting of the capital bylaws.
        elif name.startswith(BUYIN) and name.removeprefix(BUYIN) in BUYIN_TERMS:
            buyin[name.removeprefix(BUYIN)] = str(value) if isinstance(value, Decimal) else value
        elif value in ("yes", "no"):
            payload[name] = value == "yes"
        elif isinstance(value, Decimal):
            payload[name] = str(value)
        else:
            payload[name] = value
    if floors:
        payload["floors"] = floors
    if settlement:
        payload["settlement"] = settlement
    if buyin:
        payload["buyin"] = buyin
    return payload


SETTLEMENT = "settlement_"  # the prefix of the settlement terms' fields
BUYIN = "buyin_"  # the prefix of the buy-in terms' fields
BUYIN_AMOUNTS = ("amount", "nominal_value", "monthly_max")


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


def _initial(action: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The group's fields filled from a stored payload (editing a draft)."""
    initial: dict[str, Any] = {}
    if action == "amend_bylaws":
        for name, value in payload.items():
            if name == "floors" and isinstance(value, dict):
                for kind, terms in value.items():
                    for term, term_value in (terms or {}).items():
                        initial[f"{action}{SEP}floors_{kind}_{term}"] = term_value
            elif name == "settlement" and isinstance(value, dict):
                for term, term_value in value.items():
                    if isinstance(term_value, bool):
                        term_value = "yes" if term_value else "no"
                    initial[f"{action}{SEP}{SETTLEMENT}{term}"] = term_value
            elif name == "buyin" and isinstance(value, dict):
                for term, term_value in value.items():
                    if term in BUYIN_AMOUNTS:
                        term_value = _decimal_or_text(term_value)
                    initial[f"{action}{SEP}{BUYIN}{term}"] = term_value
            elif isinstance(value, bool):
                initial[f"{action}{SEP}{name}"] = "yes" if value else "no"
            elif name == "spending_limit":
                initial[f"{action}{SEP}{name}"] = _decimal_or_text(value)
            else:
                initial[f"{action}{SEP}{name}"] = value
        return initial
    for name, value in payload.items():
        if name == "commons_recipients" and isinstance(value, list):
            value = "\n".join(f"{r.get('name', '')}: {r.get('weight', '1')}" for r in value)
        elif name in PERCENTAGES or name in ("max_pay_ratio", "base_rate"):
            try:
                value = Decimal(str(value))  # shown in the page's notation
            except InvalidOperation:
                value = str(value)
        initial[f"{action}{SEP}{name}"] = value
    return initial

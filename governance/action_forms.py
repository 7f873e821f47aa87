"""The details of a proposal's action as a form, not JSON: one group of fields per action.

The proposal form shows a group per action (a member picker, role checkboxes, a status, the
policy's fields, the draft distribution or submitted expense to approve, the bylaws settings);
`payload()` turns the chosen action's group into the `action_payload` the API takes as JSON, and
the action's own validator (`governance.actions.registry.validate_payload`, run by the
service) still decides. Without JavaScript every group is shown under its heading; with it,
only the chosen action's (governance/static/governance/proposal-form.js). The bylaws
amendment's many fields are governance/bylaws_form_fields.py.

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

from coop.forms import DateField, LocalizedDecimalField
from coop.locale_formats import format_medium_day, format_month
from coop.models import Cooperative, Member
from coop.models.cooperative import MemberStatus, Role
from coop.money import format_money
from governance.bylaws_form_checks import amendment_refusals
from governance.bylaws_form_fields import bylaws_fields, bylaws_initial, bylaws_payload

SEP = "__"
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
    groups["amend_bylaws"] = bylaws_fields()
    return groups


class ActionDetailsForm(forms.Form):
    """Every action's fields, named `<action>__<field>`; `payload(action)` reads one group."""

    def __init__(self, *args: Any, cooperative: Cooperative, actions: list[str], **kwargs: Any):
        payload = kwargs.pop("payload", None)
        action = kwargs.pop("action", "")
        super().__init__(*args, **kwargs)
        self.cooperative = cooperative
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

    def clean(self) -> dict[str, Any]:
        """The chosen bylaws amendment's fields together (a buy-in in shares needs a nominal
        value, a rate may not exceed the cap), refused in the form's words beside their field:
        the action's validator would say it in the API's."""
        cleaned = super().clean()
        action = "amend_bylaws"
        keys = self.groups.get(action, [])
        if self.data.get("action") == action and not any(self.has_error(k) for k in keys):
            fields = {key.split(SEP, 1)[1]: self.fields[key] for key in keys}
            for name, refusal in amendment_refusals(
                self.cooperative.bylaws, self.payload(action), fields
            ):
                self.add_error(f"{action}{SEP}{name}", refusal)
        return cleaned

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
            return bylaws_payload(data)
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


def _initial(action: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The group's fields filled from a stored payload (editing a draft)."""
    if action == "amend_bylaws":
        return {f"{action}{SEP}{name}": value for name, value in bylaws_initial(payload).items()}
    initial: dict[str, Any] = {}
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

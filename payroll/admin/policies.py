"""Admin of distribution policies: a new version is adopted through the service, never edited."""

from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coop.errors import InvalidInputs
from payroll.admin.base import ServiceAddForm, ServiceAdmin
from payroll.models import DistributionPolicy
from payroll.services import policies


class PolicyForm(ServiceAddForm):
    class Meta:
        model = DistributionPolicy
        fields = ["cooperative", *policies.POLICY_FIELDS, "note"]
        help_texts = {
            name: gettext_lazy("A fraction of 1: 0.15 is 15 %.")
            for name in ("commons_pct", "reserve_pct", "education_pct", "cash_pct")
        } | {
            "commons_recipients": gettext_lazy(
                'A list such as [{"name": "Django Software Foundation", "weight": "2"}, '
                '{"name": "OpenStreetMap Foundation", "weight": "1", "iban": "…"}].'
            )
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        cooperative = data.get("cooperative")
        if cooperative and cooperative.settings["policy_adoption"] == "vote":
            self.add_error(
                "cooperative",
                _(
                    "The bylaws say distribution policies are adopted by vote: draft a policy "
                    "proposal that adopts the new policy."
                ),
            )
        if self.errors:
            return data
        recipients = data.get("commons_recipients") or []
        if not isinstance(recipients, list) or not all(isinstance(r, dict) for r in recipients):
            self.add_error("commons_recipients", _("Give a list of objects with name and weight."))
            return data
        try:
            data["commons_recipients"] = [
                {**r, "weight": str(Decimal(str(r.get("weight"))))} for r in recipients
            ]
            policies.policy_terms({name: data.get(name) for name in policies.POLICY_FIELDS})
        except ArithmeticError:
            self.add_error("commons_recipients", _("Every weight is a number, such as 2."))
        except InvalidInputs as error:
            for field, problems in error.errors.items():
                target = field if field in self.fields else None
                if field.startswith("commons_recipients"):
                    target = "commons_recipients"
                for problem in problems:
                    self.add_error(target, problem)
        return data


@admin.register(DistributionPolicy)
class DistributionPolicyAdmin(ServiceAdmin):
    """Policies are adopted (a new version), never edited: the add form calls adopt_policy."""

    form = PolicyForm
    list_display = ["cooperative", "version", "method", "commons_pct", "approval", "adopted_at"]
    list_filter = ["cooperative", "method", "approval"]
    list_select_related = ["cooperative"]
    search_fields = ["cooperative__name", "cooperative__slug", "note"]
    date_hierarchy = "adopted_at"

    def create(self, request, form):
        data = form.cleaned_data
        return policies.adopt_policy(
            actor=form.actor,
            cooperative=data["cooperative"],
            note=data.get("note", ""),
            **{name: data.get(name) for name in policies.POLICY_FIELDS},
        )

"""Forms of the reconciliation pages: change a suggestion's target, split a transaction over
several targets, set a transaction aside. They parse what the treasurer chose; the services of
banking.reconciling decide."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from banking.models import BankTransaction, MatchKind
from banking.reconciliation_presenters import Choices
from billing.models import Invoice
from coop.models import Cooperative
from payroll.forms import money_field
from payroll.models import DistributionLine, Expense

SPLIT_ROWS = 4

TARGETS = {
    "invoice": (Invoice, "cooperative"),
    "line": (DistributionLine, "distribution__cooperative"),
    "expense": (Expense, "cooperative"),
}


def resolve_target(cooperative: Cooperative, value: str) -> Any:
    """The co-op's invoice, line or expense a choice names, or the kind for a fee or interest;
    None when there is no such thing in this co-op."""
    if value in (MatchKind.BANK_FEE, MatchKind.INTEREST):
        return MatchKind(value)
    what, _dash, pk = value.partition("-")
    if what not in TARGETS or not pk.isdigit():
        return None
    model, scope = TARGETS[what]
    return model._default_manager.filter(pk=int(pk), **{scope: cooperative}).first()


class TargetField(forms.ChoiceField):
    """A target chosen in a <select>; any value is read back by `resolve_target`, so that a
    target taken meanwhile is refused by the service in its own words."""

    def valid_value(self, value: str) -> bool:
        return True


class _TargetsForm(forms.Form):
    def __init__(
        self,
        *args: Any,
        cooperative: Cooperative,
        transaction: BankTransaction,
        choices: Choices,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.cooperative = cooperative
        self.transaction = transaction
        self.choices = choices
        for form_field in self.fields.values():
            if isinstance(form_field, TargetField):
                form_field.choices = choices

    def resolved(self, name: str) -> Any:
        value = self.cleaned_data.get(name) or ""
        found = resolve_target(self.cooperative, value)
        if found is None:
            self.add_error(name, _("There is no such invoice, line or expense in this co-op."))
        return found


class ChangeForm(_TargetsForm):
    target = TargetField(label=_("What the money was"))
    amount = money_field(_("Amount"), required=False, help_text=_("Empty: as suggested."))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "target" in data:
            data["target"] = self.resolved("target")
        return data


class SplitForm(_TargetsForm):
    """Up to SPLIT_ROWS parts, each a target and an amount; rows left empty are ignored."""

    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for row in range(1, SPLIT_ROWS + 1):
            self.fields[f"target_{row}"] = TargetField(
                label=_("Part %(row)d: what the money was") % {"row": row},
                required=False,
                choices=self.choices,
            )
            self.fields[f"amount_{row}"] = money_field(
                _("Part %(row)d: amount") % {"row": row}, required=False
            )
        self.order_fields([*[f for r in self.rows() for f in r], "note"])
        self.row_of_part: list[int] = []

    @staticmethod
    def rows() -> list[tuple[str, str]]:
        return [(f"target_{row}", f"amount_{row}") for row in range(1, SPLIT_ROWS + 1)]

    def bound_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[target], self[amount]) for target, amount in self.rows()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts: list[tuple[Any, Decimal]] = []
        for row, (target_name, amount_name) in enumerate(self.rows(), start=1):
            value, amount = data.get(target_name), data.get(amount_name)
            if not value and amount is None:
                continue
            if not value:
                self.add_error(target_name, _("Choose what this part was."))
                continue
            if amount is None:
                if amount_name not in self.errors:
                    self.add_error(amount_name, _("Give this part's amount."))
                continue
            target = self.resolved(target_name)
            if target is not None:
                parts.append((target, amount))
                self.row_of_part.append(row)
        if not parts and not self.errors:
            self.add_error("target_1", _("Give at least one part."))
        data["parts"] = parts
        return data

    def field_of(self, service_field: str | None) -> str | None:
        """The form's field for a field the service named ("parts[1].amount")."""
        if service_field and service_field.startswith("parts[") and "]" in service_field:
            index = service_field[len("parts[") : service_field.index("]")]
            if index.isdigit() and int(index) < len(self.row_of_part):
                row = self.row_of_part[int(index)]
                kind = "amount" if service_field.endswith(".amount") else "target"
                return f"{kind}_{row}"
        if service_field == "target" and self.row_of_part:
            return f"target_{self.row_of_part[0]}"
        return None


class SetAsideForm(forms.Form):
    note = forms.CharField(
        label=_("Why (optional)"),
        required=False,
        max_length=500,
        help_text=_("For example: a transfer between the co-op's own accounts."),
    )

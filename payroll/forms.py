"""Forms of the payroll pages: they parse what the treasurer typed; the services decide."""

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from coop import money
from coop.forms import DateField, LocalizedDecimalField
from coop.models import Client, Cooperative, Member, Project
from coop.validators import normalize_iban, validate_iban
from payroll.consent_models import ConsentMethod
from payroll.models import CapitalAccountEntry, DistributionPolicy
from payroll.presenters import as_percent

HUNDRED = Decimal(100)


class MoneyField(LocalizedDecimalField):
    """An amount, on every payroll form: at most DECIMAL(14, 2) like the database, written with
    the digits 0-9 as the page's language writes numbers (`coop.forms.LocalizedDecimalField`);
    the service checks the currency's decimals and its sign."""

    default_error_messages = {
        "ascii_digits": _("Write the amount with the digits 0-9."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", money.MAX_DIGITS)
        super().__init__(**kwargs)


def money_field(label: Any, **kwargs: Any) -> MoneyField:
    """An amount field labelled `label`."""
    return MoneyField(label=label, **kwargs)


class RevenueForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.none(),
        required=False,
        help_text=_("Optional; one of that client's projects."),
    )
    amount = money_field(_("Amount received"))
    received_on = DateField(label=_("Received on"))
    invoice_reference = forms.CharField(
        label=_("Invoice reference"), max_length=100, required=False
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, cooperative: Cooperative, **kwargs: Any):
        super().__init__(*args, prefix="revenue", **kwargs)
        self.fields["client"].queryset = Client.objects.filter(cooperative=cooperative)
        self.fields["project"].queryset = Project.objects.filter(cooperative=cooperative)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        client, project = data.get("client"), data.get("project")
        if client and project and project.client_id != client.pk:
            self.add_error("project", _("This project is not one of %s's.") % client.name)
        return data


class ExpenseForm(forms.Form):
    category = forms.CharField(
        label=_("Category"),
        max_length=100,
        widget=forms.TextInput(attrs={"list": "expense-categories", "autocomplete": "off"}),
    )
    amount = money_field(_("Amount"))
    date = DateField(label=_("Date"))
    payee = forms.CharField(label=_("Payee"), max_length=200)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    receipt = forms.FileField(label=_("Receipt"), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, prefix="expense", **kwargs)


def month_choice(value: str | None) -> datetime.date | None:
    """`2026-09` → 1 September 2026; None for anything else."""
    try:
        return datetime.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return None


class PercentField(LocalizedDecimalField):
    """A share typed as a percentage (15 means 15 %), cleaned to a fraction of 1 (0.15)."""

    def __init__(self, **kwargs: Any):
        super().__init__(
            min_value=Decimal(0),
            max_value=HUNDRED,
            max_digits=6,
            decimal_places=3,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "percent"}),
            **kwargs,
        )

    def clean(self, value: Any) -> Decimal | None:
        percent = super().clean(value)
        return None if percent is None else percent / HUNDRED


class PolicyForm(forms.Form):
    method = forms.ChoiceField(label=_("How the member pool is split"), choices=[])
    commons_pct = PercentField(label=_("Commons (%)"))
    reserve_pct = PercentField(label=_("Collective reserve (%)"))
    education_pct = PercentField(label=_("Education fund (%)"))
    cash_pct = PercentField(
        label=_("Paid in cash (%)"),
        help_text=_("Of each member's share; the rest is credited to their capital account."),
    )
    base_rate = money_field(
        _("Base rate per hour"),
        required=False,
        help_text=_("Only for “wages first, then patronage”."),
    )
    max_pay_ratio = LocalizedDecimalField(
        label=_("Maximum pay ratio"),
        min_value=Decimal(1),
        max_digits=8,
        decimal_places=3,
        help_text=_("Highest rate weight ÷ lowest, for example 3 (to 1)."),
    )
    carry_losses = forms.BooleanField(
        label=_("Carry a month's loss into the next month's surplus"), required=False
    )
    approval = forms.ChoiceField(label=_("Who approves each month"), choices=[])
    note = forms.CharField(
        label=_("Why this change"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, prefix="policy", **kwargs)
        self.fields["method"].choices = DistributionPolicy.Method.choices
        self.fields["approval"].choices = DistributionPolicy.Approval.choices
        self.percent_fields = [
            self[name] for name in ("commons_pct", "reserve_pct", "education_pct", "cash_pct")
        ]

    @staticmethod
    def initial_from(policy: DistributionPolicy | None) -> dict[str, Any]:
        if policy is None:
            return {
                "method": DistributionPolicy.Method.HOURS,
                "commons_pct": "15",
                "reserve_pct": "0",
                "education_pct": "0",
                "cash_pct": "100",
                "max_pay_ratio": "3",
                "approval": DistributionPolicy.Approval.TREASURER,
            }
        return {
            "method": policy.method,
            "commons_pct": Decimal(as_percent(policy.commons_pct)),
            "reserve_pct": Decimal(as_percent(policy.reserve_pct)),
            "education_pct": Decimal(as_percent(policy.education_pct)),
            "cash_pct": Decimal(as_percent(policy.cash_pct)),
            "base_rate": policy.base_rate,
            "max_pay_ratio": policy.max_pay_ratio.normalize(),
            "carry_losses": policy.carry_losses,
            "approval": policy.approval,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        funds = [data.get(name) for name in ("commons_pct", "reserve_pct", "education_pct")]
        if all(value is not None for value in funds) and sum(funds) >= 1:
            raise ValidationError(
                _(
                    "Commons, reserve and education add up to %(total)s %%: together they must "
                    "stay below 100 %% so that something is left for the members."
                )
                % {"total": as_percent(sum(funds))}
            )
        return data


class CommonsRecipientForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    weight = LocalizedDecimalField(
        label=_("Weight"), required=False, max_digits=12, decimal_places=6
    )
    iban = forms.CharField(label=_("IBAN (optional)"), max_length=42, required=False)

    def clean_weight(self) -> Decimal | None:
        weight = self.cleaned_data.get("weight")
        if weight is not None and weight <= 0:
            raise ValidationError(_("A weight is a positive number, for example 1 or 2."))
        return weight

    def clean_iban(self) -> str:
        iban = normalize_iban(self.cleaned_data.get("iban") or "")
        if iban:
            validate_iban(iban)
        return iban

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("name") and data.get("weight") is None and "weight" not in self.errors:
            self.add_error("weight", _("Give this recipient a weight, for example 1."))
        if data.get("weight") is not None and not data.get("name"):
            self.add_error("name", _("Name this recipient."))
        return data

    def recipient(self) -> dict[str, str] | None:
        data = getattr(self, "cleaned_data", {})
        if not data.get("name"):
            return None
        recipient = {"name": data["name"].strip(), "weight": str(data["weight"].normalize())}
        if data.get("iban"):
            recipient["iban"] = data["iban"]
        return recipient


CommonsRecipientFormSet = forms.formset_factory(CommonsRecipientForm, extra=2, max_num=50)


def _number(text: Any) -> Decimal | str:
    """A stored weight ("1.5") as a number, so that the form writes it the page's way."""
    try:
        return Decimal(str(text)) if text not in (None, "") else ""
    except ArithmeticError:
        return str(text)


def recipients_formset(
    data: Any = None, policy: DistributionPolicy | None = None
) -> forms.BaseFormSet:
    initial = [
        {"name": r.get("name", ""), "weight": _number(r.get("weight")), "iban": r.get("iban", "")}
        for r in (policy.commons_recipients if policy else [])
    ]
    return CommonsRecipientFormSet(data, initial=initial, prefix="commons")


class CapitalEntryForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    kind = forms.ChoiceField(
        label=_("Entry"),
        choices=[
            (CapitalAccountEntry.Kind.REDEMPTION, _("Redemption: paid out to the member")),
            (CapitalAccountEntry.Kind.ADJUSTMENT, _("Adjustment: a correction, + or −")),
        ],
    )
    amount = money_field(
        _("Amount"),
        help_text=_("A redemption is positive; an adjustment may be negative (-50.00)."),
    )
    date = DateField(label=_("Date"))
    note = forms.CharField(
        label=_("Why (the member reads this)"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, cooperative: Cooperative, **kwargs: Any):
        super().__init__(*args, prefix="capital", **kwargs)
        field = self.fields["member"]
        field.queryset = (
            Member.objects.filter(cooperative=cooperative)
            .select_related("user")
            .order_by("user__full_name", "user__email")
        )
        field.label_from_instance = lambda member: member.display_name


class ExpenseClaimForm(forms.Form):
    """A member's claim: what they paid, to whom, and the receipt."""

    amount = money_field(_("Amount"))
    date = DateField(label=_("Date paid"))
    payee = forms.CharField(label=_("Paid to"), max_length=200)
    category = forms.CharField(
        label=_("Category"),
        max_length=100,
        widget=forms.TextInput(attrs={"list": "expense-categories", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("What it was for"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    receipt = forms.FileField(
        label=_("Receipt"),
        help_text=_("A PDF, or a PNG or JPEG photo, of at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, prefix="claim", **kwargs)


class AllocationConsentForm(forms.Form):
    """The treasurer records a member's consent to written notices of allocation (US)."""

    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    method = forms.ChoiceField(label=_("How the member consented"), choices=[])
    given_on = DateField(label=_("Given on"))
    note = forms.CharField(
        label=_("Note (where the signed consent is kept, for example)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, cooperative: Cooperative, **kwargs: Any):
        super().__init__(*args, prefix="consent", **kwargs)
        self.fields["method"].choices = ConsentMethod.choices
        field = self.fields["member"]
        field.queryset = (
            Member.objects.filter(cooperative=cooperative)
            .exclude(status=Member.Status.DEPARTED)
            .select_related("user")
            .order_by("user__full_name", "user__email")
        )
        field.label_from_instance = lambda member: member.display_name


class WithdrawConsentForm(forms.Form):
    withdrawn_on = DateField(label=_("Withdrawn on"))

"""Forms of the client, rate and billing-settings pages: they parse what the treasurer typed
(numbers in the page's notation, days, lists of days); the services decide."""

import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from billing.setup import number_pattern_problem
from coop import money
from coop.forms import DateField, LocalizedDecimalField
from coop.models import Client, Cooperative, Member, Project
from coop.models.work import VatTreatment
from coop.validators import country_codes


def _currency_choices() -> list[tuple[str, str]]:
    return [("", _("the co-op's"))] + [
        (code, code) for code in sorted(money.currencies()) if money.fits_the_books(code)
    ]


def _country_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(code, code) for code in sorted(country_codes())]


class ClientForm(forms.Form):
    """A client's name and invoicing details."""

    name = forms.CharField(label=_("Name"), max_length=200)
    legal_name = forms.CharField(
        label=_("Legal name"), max_length=200, required=False, help_text=_("as invoices name it")
    )
    address = forms.CharField(
        label=_("Address"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("street, postcode and city"),
    )
    country = forms.ChoiceField(label=_("Country"), required=False, choices=_country_choices)
    vat_id = forms.CharField(
        label=_("VAT ID"),
        max_length=30,
        required=False,
        help_text=_("checked by its country's check digits, e.g. DE136695976"),
    )
    invoice_email = forms.EmailField(label=_("Invoice e-mail"), required=False)
    payment_terms_days = forms.IntegerField(
        label=_("Payment terms (days)"), min_value=0, max_value=365, initial=30
    )
    invoice_language = forms.ChoiceField(
        label=_("Invoice language"),
        required=False,
        choices=[("", _("the co-op's")), *settings.LANGUAGES],
    )
    currency = forms.ChoiceField(label=_("Currency"), required=False, choices=_currency_choices)
    buyer_reference = forms.CharField(
        label=_("Buyer reference"),
        max_length=100,
        required=False,
        help_text=_("the reference the client asks invoices to carry, e.g. a Leitweg-ID"),
    )
    vat_treatment = forms.ChoiceField(
        label=_("VAT"), choices=VatTreatment.choices, initial=VatTreatment.STANDARD
    )
    vat_note = forms.CharField(
        label=_("VAT note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("the legal reason printed on invoices that carry no VAT"),
    )

    @staticmethod
    def initial_from(client: Client) -> dict[str, Any]:
        return {name: getattr(client, name) for name in ClientForm.base_fields}


class ProjectBillingForm(forms.Form):
    """A project's billable flag and its own VAT treatment (empty: the client's)."""

    billable = forms.BooleanField(label=_("Billable"), required=False)
    vat_treatment = forms.ChoiceField(
        label=_("VAT"),
        required=False,
        choices=[("", _("as the client")), *VatTreatment.choices],
    )
    vat_note = forms.CharField(label=_("VAT note"), required=False)

    def __init__(self, *args: Any, project: Project, **kwargs: Any):
        kwargs.setdefault("prefix", f"project-{project.pk}")
        kwargs.setdefault(
            "initial",
            {
                "billable": project.billable,
                "vat_treatment": project.vat_treatment,
                "vat_note": project.vat_note,
            },
        )
        super().__init__(*args, **kwargs)


class RateValueField(LocalizedDecimalField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", money.MAX_DIGITS)
        super().__init__(**kwargs)


class RateForm(forms.Form):
    """A new rate: for the client (no project), a project, or a member on a project."""

    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.none(),
        required=False,
        empty_label=_("all of the client's projects"),
    )
    member = forms.ModelChoiceField(
        label=_("Member"),
        queryset=Member.objects.none(),
        required=False,
        empty_label=_("everyone"),
        help_text=_("a member's own rate on the project"),
    )
    rate = RateValueField(label=_("Rate per hour"))
    valid_from = DateField(label=_("Valid from"))

    def __init__(self, *args: Any, cooperative: Cooperative, client: Client | None, **kwargs: Any):
        kwargs.setdefault("prefix", "rate")
        super().__init__(*args, **kwargs)
        if client is None:  # the co-op's default rate: no project, no member
            del self.fields["project"]
            del self.fields["member"]
            return
        self.fields["project"].queryset = Project.objects.filter(client=client)
        self.fields["member"].queryset = (
            Member.objects.current().filter(cooperative=cooperative).select_related("user")
        )
        self.fields["member"].label_from_instance = lambda member: member.display_name


class RateChangeForm(forms.Form):
    rate = RateValueField(label=_("Rate per hour"))
    valid_from = DateField(label=_("Valid from"))

    def __init__(self, *args: Any, billing_rate: Any, **kwargs: Any):
        kwargs.setdefault("prefix", f"change-{billing_rate.pk}")
        kwargs.setdefault(
            "initial", {"rate": billing_rate.rate, "valid_from": billing_rate.valid_from}
        )
        super().__init__(*args, **kwargs)


class InvoicingDetailsForm(forms.Form):
    """The co-op as the seller on its invoices."""

    legal_name = forms.CharField(label=_("Legal name"), max_length=200, required=False)
    address = forms.CharField(
        label=_("Address"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("street, postcode and city"),
    )
    country = forms.ChoiceField(label=_("Country"), required=False, choices=_country_choices)
    vat_id = forms.CharField(label=_("VAT ID"), max_length=30, required=False)
    tax_number = forms.CharField(label=_("Tax number"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args: Any, cooperative: Cooperative, **kwargs: Any):
        kwargs.setdefault("prefix", "details")
        kwargs.setdefault(
            "initial", {name: getattr(cooperative, name) for name in self.base_fields}
        )
        super().__init__(*args, **kwargs)


class DaysListField(forms.CharField):
    """Days typed as a list: "7, 30, 60" (commas, spaces or semicolons between them)."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(str(day) for day in value)
        return value

    def clean(self, value: Any) -> list[int]:
        text = super().clean(value) or ""
        parts = [part for part in re.split(r"[\s,;]+", text.strip()) if part]
        if not all(part.isascii() and part.isdigit() for part in parts):
            raise forms.ValidationError(
                _("Write whole days after the due date, such as 7, 30, 60.")
            )
        return [int(part) for part in parts]


class BillingSettingsForm(forms.Form):
    number_pattern = forms.CharField(
        label=_("Invoice number pattern"),
        max_length=40,
        help_text=_("{year} and {number} are replaced; {number:04d} pads with zeros"),
    )
    standard_vat_rate = LocalizedDecimalField(
        label=_("Standard VAT rate"), required=False, max_digits=5
    )
    reduced_vat_rate = LocalizedDecimalField(
        label=_("Reduced VAT rate"), required=False, max_digits=5
    )
    exemption_note = forms.CharField(
        label=_("VAT exemption note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("printed on exempt invoices, e.g. the small-business exemption"),
    )
    dunning_days = DaysListField(
        label=_("Dunning levels (days overdue)"),
        required=False,
        help_text=_("a reminder this many days after the due date, e.g. 7, 30, 60"),
    )

    def clean_number_pattern(self) -> str:
        pattern = self.cleaned_data["number_pattern"]
        problem = number_pattern_problem(pattern)
        if problem:
            raise forms.ValidationError(problem)
        return pattern

    def __init__(self, *args: Any, billing_settings: Any, **kwargs: Any):
        kwargs.setdefault("prefix", "settings")
        kwargs.setdefault(
            "initial", {name: getattr(billing_settings, name) for name in self.base_fields}
        )
        super().__init__(*args, **kwargs)

"""Forms of the invoice pages: a period of unbilled hours, a manual line, a credit note."""

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.invoice_lines import UNITS
from billing.models import InvoiceStatus, LineGrouping, VatCategory
from coop.forms import DateField, LocalizedDecimalField

UNIT_CHOICES = [
    ("HUR", _("hours")),
    ("MIN", _("minutes")),
    ("DAY", _("days")),
    ("C62", _("pieces")),
]
assert [code for code, _label in UNIT_CHOICES] == list(UNITS)


class PeriodForm(forms.Form):
    start = DateField(label=_("From"))
    end = DateField(label=_("To"))


class DraftForm(PeriodForm):
    client = forms.IntegerField(widget=forms.HiddenInput)
    grouping = forms.ChoiceField(label=_("Lines"), choices=LineGrouping.choices)


class LineForm(forms.Form):
    description = forms.CharField(label=_("Description"), max_length=500)
    quantity = LocalizedDecimalField(label=_("Quantity"), max_digits=14, decimal_places=4)
    unit = forms.ChoiceField(label=_("Unit"), choices=UNIT_CHOICES, initial="C62")
    unit_price = LocalizedDecimalField(label=_("Price"), max_digits=14, decimal_places=4)
    vat_category = forms.ChoiceField(
        label=_("VAT"),
        required=False,
        choices=[("", _("the client's VAT")), *VatCategory.choices],
    )
    vat_rate = LocalizedDecimalField(
        label=_("VAT rate (%)"), required=False, max_digits=5, decimal_places=2
    )


class CreditForm(forms.Form):
    line = forms.IntegerField(label=_("Line"), required=False)
    amount = LocalizedDecimalField(
        label=_("Net amount to credit"),
        required=False,
        max_digits=14,
        decimal_places=2,
        help_text=_("empty: cancel the whole invoice"),
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)
    release_hours = forms.BooleanField(
        label=_("Release the hours so that they can be invoiced again"), required=False
    )


STATUS_TABS = [("", _("All")), *InvoiceStatus.choices]

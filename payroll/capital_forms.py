"""The treasurer's forms for an interest run and a loss, on the capital accounts page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from coop.forms import DateField
from payroll.forms import money_field


class InterestRunForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        max_length=7,
        required=False,
        help_text=_(
            'A year ("2026") or, when the bylaws credit interest monthly, a month ("2026-03"). '
            "Empty: the last period that has ended."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="interest", **kwargs)


class CapitalLossForm(forms.Form):
    period_start = DateField(label=_("Period from"))
    period_end = DateField(label=_("Period to"))
    amount = money_field(_("Loss"))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="loss", **kwargs)

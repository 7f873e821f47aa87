"""The forms of the exports page: which file of which period, and the DATEV numbers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from books.exports.files import FORMATS


class ExportForm(forms.Form):
    """Read by `books.exports.period.parse_period`: a year, a month, or a first and last day."""

    format = forms.ChoiceField(
        label=_("Format"), choices=[(key, f.label) for key, f in FORMATS.items()]
    )
    year = forms.CharField(label=_("Year"), required=False, max_length=4)
    month = forms.CharField(label=_("Month"), required=False, max_length=7, help_text=_("YYYY-MM"))
    # Text, not DateField: the service reads and refuses the dates, in its own words, once.
    start = forms.CharField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.CharField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class DatevNumbersForm(forms.Form):
    datev_consultant_number = forms.CharField(
        label=_("Consultant number (Beraternummer)"), required=False, max_length=7,
        help_text=_("From your tax adviser: 1001 to 9999999."),
    )  # fmt: skip
    datev_client_number = forms.CharField(
        label=_("Client number (Mandantennummer)"), required=False, max_length=5,
        help_text=_("From your tax adviser: 1 to 99999."),
    )  # fmt: skip

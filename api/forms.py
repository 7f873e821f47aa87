"""The form of the API tokens page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import NAME_MAX_LENGTH

NEVER = "never"
EXPIRY_CHOICES = [
    ("30", _("in 30 days")),
    ("90", _("in 90 days")),
    ("365", _("in a year")),
    (NEVER, _("never")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("What the token is for, for example “invoicing script” or “laptop”."),
    )
    read_only = forms.BooleanField(
        label=_("Read-only: it may read everything you can read, and change nothing"),
        required=False,
    )
    expires_in = forms.ChoiceField(label=_("Expires"), choices=EXPIRY_CHOICES, initial="90")

    @property
    def expires_in_days(self) -> int | None:
        value = self.cleaned_data["expires_in"]
        return None if value == NEVER else int(value)

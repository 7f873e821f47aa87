"""Forms of the members page and of the invitation link: they parse; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from coop.forms import DateField
from coop.models.cooperative import MemberStatus, Role


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Optional; roles can also be given later."),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=MemberStatus.choices)
    effective_on = DateField(
        label=_("From"),
        required=False,
        help_text=_("Empty: today."),
    )


class ProbationForm(forms.Form):
    ends_on = DateField(label=_("Probation ends on"), required=False, help_text=_("Empty: no end."))


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class AcceptInvitationForm(forms.Form):
    """A new member's name and password; the password rules are Django's validators."""

    full_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("The password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data

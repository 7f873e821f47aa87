"""Forms of the core web pages."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _

from coop.errors import DomainError, InvalidInputs


class FieldGroupRenderer(DjangoTemplates):
    """Django's form renderer, with every page's field markup: `{{ form.x.as_field_group }}`
    renders `coop/partials/field.html` (settings.FORM_RENDERER)."""

    field_template_name = "coop/partials/field.html"


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].lower()


def refuse_form(
    form: forms.BaseForm, error: DomainError, aliases: dict[str, str] | None = None
) -> int:
    """Show a service's refusal on the form, next to the field it names (`aliases` maps a
    service's field name to the form's); return the HTTP status of the page."""
    errors = error.errors if isinstance(error, InvalidInputs) else {error.field: [error.message]}
    for field, problems in errors.items():
        name = (aliases or {}).get(field or "", field)
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)
    return error.status

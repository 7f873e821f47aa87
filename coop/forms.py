"""Forms of the core web pages, and the date inputs every form of the project uses."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.renderers import DjangoTemplates
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from coop.errors import DomainError, InvalidInputs


class FieldGroupRenderer(DjangoTemplates):
    """Django's form renderer, with every page's field markup: `{{ form.x.as_field_group }}`
    renders `coop/partials/field.html` (settings.FORM_RENDERER)."""

    field_template_name = "coop/partials/field.html"


ISO_DATE = "%Y-%m-%d"
ISO_DATETIME = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    """A browser date picker. Its value is always ISO (2026-12-04): `<input type="date">`
    rejects anything else, such as Spanish "04/12/2026" or German "04.12.2026", and shows an
    empty field. Only the text around it is localized."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(attrs=attrs, format=ISO_DATE)


class DateTimeLocalInput(forms.DateTimeInput):
    """A browser date-and-time picker, with an ISO value (2026-12-04T10:30) whatever the
    language; the view reads it in the co-op's time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(attrs=attrs, format=ISO_DATETIME)


class _IsoThenLanguage:
    """The formats a typed day is read in: ISO first (what browsers send), then those of the
    page's language, for a browser without a picker that shows a text box."""

    def __iter__(self):
        yield ISO_DATE
        yield from formats.get_format("DATE_INPUT_FORMATS")


class DateField(forms.DateField):
    """A day, on every form of the project: an ISO date picker, read as ISO first."""

    widget = DateInput
    input_formats = _IsoThenLanguage()


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

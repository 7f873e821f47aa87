"""Forms of the core web pages, and the date inputs every form of the project uses."""

import re
from decimal import Decimal
from typing import Any

from babel import numbers as babel_numbers
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.renderers import DjangoTemplates
from django.utils import formats
from django.utils.translation import get_language, gettext, to_locale
from django.utils.translation import gettext_lazy as _

from coop import money
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


def page_locale() -> str:
    """Babel's name of the page's language: "es", "de", "en"."""
    return to_locale(get_language() or "en")


# A sign, digits and the separators some language groups or splits them with, nothing else.
NUMBER_LIKE = re.compile(r"[+-]?[0-9][0-9.,'\u00a0\u202f ]*")


class LocalizedDecimalField(forms.DecimalField):
    """A number or an amount as the page's language writes it, and nothing that could be read
    two ways: "300,50" and "1.234,56" in Spanish and German, "1,234.56" in English (Babel's
    `parse_decimal`, strict: "300.50" in German, which could be 300,50 or 30.050, is refused
    with a message that names the field). Shown back the same way. The API keeps plain decimals.
    """

    default_error_messages = {
        "ascii_digits": _("Write the number with the digits 0-9."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return Decimal(value)
        text = str(value).strip()
        if not money.has_only_ascii_digits(text):
            raise forms.ValidationError(self.error_messages["ascii_digits"], code="ascii_digits")
        locale = page_locale()
        try:
            number = babel_numbers.parse_decimal(text, locale=locale, strict=True)
        except babel_numbers.NumberFormatError:
            raise forms.ValidationError(self.notation_problem(text), code="invalid") from None
        if not number.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number

    def notation_problem(self, text: str) -> str:
        locale = page_locale()
        if NUMBER_LIKE.fullmatch(text):  # digits and separators: in the wrong places
            problem = gettext(
                "%(field)s: “%(text)s” can be read more than one way. Write it as %(example)s, "
                "with “%(decimal)s” before the decimals."
            )
        else:  # words, units, a sum: no reading of it is a number
            problem = gettext(
                "%(field)s: “%(text)s” is not a number. Write it as %(example)s, with "
                "“%(decimal)s” before the decimals."
            )
        return problem % {
            "field": self.label or gettext("This number"),
            "text": text,
            "example": babel_numbers.format_decimal(Decimal("1234.56"), locale=locale),
            "decimal": babel_numbers.get_decimal_symbol(locale),
        }

    def prepare_value(self, value: Any) -> Any:
        """A stored number, written as the page's language writes it (without grouping, so that
        it is typed back as it is shown); what the person typed is shown as typed."""
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return babel_numbers.format_decimal(
                value, locale=page_locale(), group_separator=False, decimal_quantization=False
            )
        return value


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

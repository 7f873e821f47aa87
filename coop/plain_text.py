"""Text fields refuse invisible control characters: one rule for models, forms and the API.

A control character in a name breaks the files made from it (an XML parser stops at U+0007 in a
SEPA file), a bidi override makes a name or a description read differently from what it holds
("Trojan Source"), and a byte-order mark or an unpaired surrogate cannot be encoded at all. The
characters refused everywhere are:

- the C0 and C1 control characters and DEL (Unicode category Cc), except a line feed, carriage
  return and tab in multi-line fields (a description, a note, a proposal's body);
- the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069);
- the byte-order mark / zero-width no-break space (U+FEFF);
- unpaired surrogates (category Cs; a JSON body can carry them as "\\ud800").

`install()` (from `CoopConfig.ready`) puts the rule on every `CharField` and `TextField` of the
project's models (single-line for a `CharField`, multi-line for a `TextField`), so that
`full_clean`, model forms, the admin and DRF's model serializers apply it, and on every Django
form `CharField` (multi-line when its widget is a `Textarea`); `api.apps` does the same for every
DRF `CharField`. Password fields are left alone: they are hashed, never shown.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MULTILINE_ALLOWED = frozenset("\n\r\t")
# Bidi embeddings and overrides, bidi isolates, and the byte-order mark.
_ALWAYS_REFUSED = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")
CODE = "control_character"


def forbidden_character(text: str, *, multiline: bool) -> tuple[int, str] | None:
    """The first refused character of `text` and its 1-based position, or None."""
    for position, character in enumerate(text, start=1):
        if character in _ALWAYS_REFUSED:
            return position, character
        if unicodedata.category(character) in ("Cc", "Cs"):
            if multiline and character in MULTILINE_ALLOWED:
                continue
            return position, character
    return None


def check_text(value: Any, *, multiline: bool) -> None:
    """Raise a ValidationError naming the first refused character of `value`, if any."""
    if not isinstance(value, str):
        return
    found = forbidden_character(value, multiline=multiline)
    if found is None:
        return
    position, character = found
    if multiline:
        message = _(
            "Remove the invisible character U+%(code)04X at position %(position)d: control "
            "characters (other than line breaks and tabs), direction overrides and byte-order "
            "marks are not allowed."
        )
    else:
        message = _(
            "Remove the invisible character U+%(code)04X at position %(position)d: control "
            "characters, line breaks, tabs, direction overrides and byte-order marks are not "
            "allowed here."
        )
    raise ValidationError(message, code=CODE, params={"code": ord(character), "position": position})


class PlainTextValidator:
    """A model or form field validator: `PlainTextValidator(multiline=True)` for long text."""

    def __init__(self, *, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        check_text(value, multiline=self.multiline)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlainTextValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash((PlainTextValidator, self.multiline))


SINGLE_LINE = PlainTextValidator(multiline=False)
MULTI_LINE = PlainTextValidator(multiline=True)


def project_text_fields() -> list[Any]:
    """Every CharField and TextField of the models of the project's own apps."""
    from django.apps import apps
    from django.conf import settings
    from django.db import models

    # The project's apps are the top-level packages of the repository (a virtualenv inside it
    # holds third-party apps deeper down).
    root = Path(settings.BASE_DIR).resolve()
    fields = []
    for config in apps.get_app_configs():
        if Path(config.path).resolve().parent != root:
            continue
        for model in config.get_models():
            for field in model._meta.get_fields():
                if isinstance(field, models.CharField | models.TextField):
                    fields.append(field)
    return fields


def _install_on_models() -> None:
    # Through `default_validators` of each field instance, not `validators=`, so that the rule
    # is not written into migrations (it is not a database matter).
    from django.db import models

    for field in project_text_fields():
        rule = MULTI_LINE if isinstance(field, models.TextField) else SINGLE_LINE
        if rule not in field.default_validators:
            field.default_validators = [*field.default_validators, rule]
            field.__dict__.pop("validators", None)  # a cached_property


def _install_on_forms() -> None:
    from django import forms

    if getattr(forms.CharField, "_plain_text", False):
        return
    clean = forms.CharField.clean

    def plain_clean(self: forms.CharField, value: Any) -> Any:
        value = clean(self, value)
        if not isinstance(self.widget, forms.PasswordInput):
            check_text(value, multiline=isinstance(self.widget, forms.Textarea))
        return value

    forms.CharField.clean = plain_clean  # type: ignore[method-assign]
    forms.CharField._plain_text = True  # type: ignore[attr-defined]


def install() -> None:
    """Apply the rule to the project's model fields and to every Django form CharField."""
    _install_on_models()
    _install_on_forms()

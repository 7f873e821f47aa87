"""App configuration of the REST layer."""

from typing import Any

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        _refuse_control_characters()


def _refuse_control_characters() -> None:
    """Every DRF CharField (EmailField, SlugField, list items… included) applies the project's
    text rule (`coop.plain_text`): multi-line when its style is a text area, as DRF gives a model
    TextField; password inputs are left alone. A serializer error names the field (a 400)."""
    from django.core.exceptions import ValidationError as DjangoValidationError
    from rest_framework import fields
    from rest_framework.exceptions import ValidationError

    from coop.plain_text import check_text

    if getattr(fields.CharField, "_plain_text", False):
        return
    run_validation = fields.CharField.run_validation

    def plain_run_validation(self: fields.CharField, data: Any = fields.empty) -> Any:
        value = run_validation(self, data)
        style = getattr(self, "style", {}) or {}
        if style.get("input_type") != "password":
            try:
                check_text(value, multiline=style.get("base_template") == "textarea.html")
            except DjangoValidationError as error:
                raise ValidationError(list(error.messages), code="control_character") from None
        return value

    fields.CharField.run_validation = plain_run_validation  # type: ignore[method-assign]
    fields.CharField._plain_text = True  # type: ignore[attr-defined]

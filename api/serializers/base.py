"""The serializer base classes of the API: a field the request may not set is a 400, not ignored.

DRF drops what a serializer does not know, and what it knows as read-only, without a word: a
script that sends `{"iban": …}` to an endpoint that does not take it believes it was stored.
Every serializer of the API derives from `Serializer` or `ModelSerializer` below, which refuse
such fields by name (tests/api/test_unknown_fields.py walks every writable endpoint).
"""

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# Sent by Django's own forms (the browsable API), never data.
_FORM_MACHINERY = frozenset({"csrfmiddlewaretoken"})


# No docstrings on these classes: drf-spectacular would give theirs to every serializer without one.
class StrictFieldsMixin:
    # Refuses input keys that are not writable fields of the serializer.

    unknown_field_message = _("This field is not known here.")
    read_only_field_message = _("This field cannot be set.")

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            fields = self.fields  # type: ignore[attr-defined]
            errors = {}
            for name in data:
                if name in _FORM_MACHINERY:
                    continue
                field = fields.get(name)
                if field is None:
                    errors[name] = [self.unknown_field_message]
                elif field.read_only:
                    errors[name] = [self.read_only_field_message]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]


class Serializer(StrictFieldsMixin, serializers.Serializer):
    pass


class ModelSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    pass

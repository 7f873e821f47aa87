"""Serializer fields shared by several endpoints."""

import datetime

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coop.months import parse_month

MONTH_SCHEMA = {"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-09"}


@extend_schema_field(MONTH_SCHEMA)
class MonthField(serializers.Field):
    """A calendar month written `YYYY-MM`."""

    default_error_messages = {"invalid": "{message}"}

    def to_internal_value(self, data):
        try:
            return parse_month(str(data))
        except ValueError as error:
            self.fail("invalid", message=str(error))

    def to_representation(self, value: datetime.date) -> str:
        return f"{value.year:04d}-{value.month:02d}"

"""Serializer fields shared by several endpoints."""

import datetime
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coop import money
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


class MoneyField(serializers.DecimalField):
    """An amount in the co-op's currency: every money field of the API is one of these.

    DECIMAL(14, 2) like the database, written as a string, and with ASCII digits only
    (`coop.money`): "١٠٠" and "１００" are refused with a 400, not read as 100.
    """

    default_error_messages = {
        "ascii_digits": "Write the amount with the digits 0-9 (for example 1234.50).",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", money.MAX_DIGITS)
        kwargs.setdefault("decimal_places", money.DECIMAL_PLACES)
        kwargs.setdefault("coerce_to_string", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and not money.has_only_ascii_digits(data):
            self.fail("ascii_digits")
        return super().to_internal_value(data)

"""Serializer fields shared by several endpoints."""

import datetime

from rest_framework import serializers

from coop.months import parse_month


class MonthField(serializers.Field):
    """A calendar month written `YYYY-MM`."""

    default_error_messages = {"invalid": "{message}"}

    def to_internal_value(self, data):
        try:
            return parse_month(str(data))
        except ValueError as error:
            self.fail("invalid", message=str(error))

    def to_representation(self, value: datetime.date) -> str:
        return value.strftime("%Y-%m")

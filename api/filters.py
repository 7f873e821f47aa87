"""django-filter filter sets for list endpoints."""

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

from api.fields import MONTH_SCHEMA
from api.scoping import MAX_ID
from coop.models import TimeEntry
from coop.months import month_bounds, parse_month
from payroll.models import Expense, Revenue


class IdFilter(django_filters.NumberFilter):
    """A row's id: a whole number a database key holds (NumberFilter takes any decimal, and
    1e30 overflows the column: a 500 rather than a 400)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class MonthFormField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_month(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


@extend_schema_field(MONTH_SCHEMA)
class MonthFilter(django_filters.Filter):
    field_class = MonthFormField

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(**{f"{self.field_name}__range": month_bounds(value)})


class TimeEntryFilter(django_filters.FilterSet):
    member = IdFilter(field_name="member_id", help_text="member id")
    project = IdFilter(field_name="project_id", help_text="project id")
    client = IdFilter(field_name="project__client_id", help_text="client id")
    date = django_filters.DateFromToRangeFilter(
        help_text="`date_after` and/or `date_before` (inclusive, YYYY-MM-DD)"
    )
    month = MonthFilter(field_name="date", help_text="a month, YYYY-MM")

    class Meta:
        model = TimeEntry
        fields = ["member", "project", "client", "date", "month"]


class RevenueFilter(django_filters.FilterSet):
    month = MonthFilter(field_name="received_on", help_text="received in this month, YYYY-MM")

    class Meta:
        model = Revenue
        fields = ["client", "project", "month"]


class ExpenseFilter(django_filters.FilterSet):
    month = MonthFilter(field_name="date", help_text="dated in this month, YYYY-MM")

    class Meta:
        model = Expense
        fields = ["status", "category", "month"]

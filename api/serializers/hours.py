"""Serializers for time entries, the timer, summaries and imports."""

from rest_framework import serializers

from api.fields import MonthField
from api.serializers.base import ModelSerializer, Serializer
from coop.durations import MINUTES_PER_DAY, hours_decimal
from coop.hours.selectors import GROUPINGS
from coop.models import Member, Project, RunningTimer, TimeEntry


class CoopScopedPrimaryKey(serializers.PrimaryKeyRelatedField):
    """A reference to an object of the request's co-op; others read as "does not exist"."""

    def get_queryset(self):
        cooperative = self.context["cooperative"]
        return self.queryset.filter(cooperative=cooperative)  # keeps the field's select_related


class OptionalBooleanField(serializers.BooleanField):
    """A flag that, left out of a form as well as of JSON, is not sent (not false)."""

    default_empty_html = serializers.empty


class TimeEntrySerializer(ModelSerializer):
    member = CoopScopedPrimaryKey(
        queryset=Member.objects.all(), required=False, help_text="defaults to you"
    )
    member_name = serializers.CharField(source="member.display_name", read_only=True)
    # The answer shows the project's client: read it with the project, not one query later.
    project = CoopScopedPrimaryKey(queryset=Project.objects.select_related("client"))
    project_name = serializers.CharField(source="project.name", read_only=True)
    client = serializers.IntegerField(source="project.client_id", read_only=True)
    client_name = serializers.CharField(source="project.client.name", read_only=True)
    adjusts = CoopScopedPrimaryKey(
        queryset=TimeEntry.objects.all(),
        required=False,
        allow_null=True,
        help_text="for a correction of a locked month: the entry it corrects",
    )
    minutes = serializers.IntegerField(
        min_value=-MINUTES_PER_DAY,
        max_value=MINUTES_PER_DAY,
        help_text=f"1–{MINUTES_PER_DAY}; an adjustment may be negative",
    )
    hours = serializers.SerializerMethodField()
    billable = OptionalBooleanField(
        required=False,
        help_text="to be invoiced; left out, the project's flag (the member or the treasurer "
        "may change it)",
    )
    locked = serializers.SerializerMethodField(help_text="its month is locked")

    class Meta:
        model = TimeEntry
        fields = [
            "id",
            "member",
            "member_name",
            "project",
            "project_name",
            "client",
            "client_name",
            "date",
            "minutes",
            "hours",
            "description",
            "billable",
            "adjusts",
            "source",
            "locked",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["source", "created_at", "updated_at"]

    def get_hours(self, entry: TimeEntry) -> str:
        return str(hours_decimal(entry.minutes))

    def get_locked(self, entry: TimeEntry) -> bool:
        return entry.date.replace(day=1) in self.context.get("locked_months", ())


# DRF's own formatting of a date and a date-time (ISO 8601, the current time zone, "Z").
_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()


def listed_entries(rows) -> list[dict]:
    """What `TimeEntrySerializer(many=True)` answers for `rows`, built directly.

    `rows` are `coop.hours.selectors.listed_values`: plain values, no model instances. The keys,
    their order and every value's form are the serializer's (tests/api/test_entry_list_json.py
    compares the two byte for byte): a page of 50 entries skips DRF's 17 fields × 50 lookups.
    """
    date, datetime = _DATE.to_representation, _DATETIME.to_representation
    return [
        {
            "id": row.pk,
            "member": row.member_id,
            "member_name": row.member__user__full_name or row.member__user__email,
            "project": row.project_id,
            "project_name": row.project__name,
            "client": row.project__client_id,
            "client_name": row.project__client__name,
            "date": date(row.date),
            "minutes": row.minutes,
            "hours": str(hours_decimal(row.minutes)),
            "description": row.description,
            "billable": row.billable,
            "adjusts": row.adjusts_id,
            "source": row.source,
            "locked": row.locked,
            "created_at": datetime(row.created_at),
            "updated_at": datetime(row.updated_at),
        }
        for row in rows
    ]


class TimeEntryUpdateSerializer(TimeEntrySerializer):
    class Meta(TimeEntrySerializer.Meta):
        read_only_fields = [*TimeEntrySerializer.Meta.read_only_fields, "member", "adjusts"]


class TimerStartSerializer(Serializer):
    project = CoopScopedPrimaryKey(queryset=Project.objects.all())
    description = serializers.CharField(
        required=False, allow_blank=True, default="", style={"base_template": "textarea.html"}
    )


class TimerSerializer(ModelSerializer):
    """The timer's state; when none runs, `running` is false and the other fields are null."""

    running = serializers.SerializerMethodField()
    project = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    project_name = serializers.CharField(source="project.name", read_only=True, allow_null=True)
    description = serializers.CharField(read_only=True, allow_null=True)
    started_at = serializers.DateTimeField(read_only=True, allow_null=True)
    elapsed_seconds = serializers.SerializerMethodField()

    class Meta:
        model = RunningTimer
        fields = [
            "running",
            "project",
            "project_name",
            "description",
            "started_at",
            "elapsed_seconds",
        ]

    def get_running(self, timer) -> bool:
        return True

    def get_elapsed_seconds(self, timer) -> int | None:
        return int((self.context["now"] - timer.started_at).total_seconds())


class TimerStoppedSerializer(Serializer):
    entries = TimeEntrySerializer(many=True)


class SummaryQuerySerializer(serializers.Serializer):
    """Query parameters, not a body: other parameters (`format`, a cache-buster) are not its
    business, so it is not strict."""

    month = MonthField(help_text="YYYY-MM")
    group_by = serializers.ChoiceField(choices=GROUPINGS, default="member")


class SummaryRowSerializer(Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    minutes = serializers.IntegerField()
    hours = serializers.DecimalField(max_digits=9, decimal_places=2)


class SummarySerializer(Serializer):
    month = MonthField()
    group_by = serializers.CharField()
    rows = SummaryRowSerializer(many=True)
    minutes = serializers.IntegerField()
    hours = serializers.DecimalField(max_digits=9, decimal_places=2)


class ImportRequestSerializer(Serializer):
    file = serializers.FileField(
        help_text="a CSV export of Toggl Track, Harvest, Kimai or Clockify"
    )
    create_missing = serializers.BooleanField(default=False)
    skip_invalid = serializers.BooleanField(default=False)
    dry_run = serializers.BooleanField(default=False)
    date_order = serializers.ChoiceField(
        choices=["DMY", "MDY"],
        required=False,
        allow_null=True,
        default=None,
        help_text="how to read dates like 03/04/2026 when the file alone does not tell",
    )


class ImportRowErrorSerializer(Serializer):
    line = serializers.IntegerField()
    reason = serializers.CharField()


class ImportReportSerializer(Serializer):
    format = serializers.CharField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rejected = ImportRowErrorSerializer(many=True)
    created_clients = serializers.ListField(child=serializers.CharField())
    created_projects = serializers.ListField(child=serializers.CharField())
    written = serializers.BooleanField()
    dry_run = serializers.BooleanField()

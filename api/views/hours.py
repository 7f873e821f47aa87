"""Time entries, the timer, monthly summaries, CSV import and export."""

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from api.filters import MonthFormField, TimeEntryFilter
from api.pagination import MonthKeysetPagination
from api.schema import OneObjectSchema
from api.serializers.hours import (
    ImportReportSerializer,
    ImportRequestSerializer,
    SummaryQuerySerializer,
    SummarySerializer,
    TimeEntrySerializer,
    TimeEntryUpdateSerializer,
    TimerSerializer,
    TimerStartSerializer,
    TimerStoppedSerializer,
    listed_entries,
)
from api.views.core import COOP_SLUG, CoopScopedViewSet
from coop import clock
from coop.hours import exports, selectors, services, timers
from coop.hours.importing import check_import_size, import_hours
from coop.models import RunningTimer, TimeEntry

# The query parameters that page, order or format the list without narrowing it.
WHOLE_MONTH_PARAMS = frozenset({"month", "ordering", "page_size", "page", "cursor", "format"})
CSV = OpenApiResponse(OpenApiTypes.STR, description="CSV (UTF-8) with a header row")


def csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@extend_schema_view(
    list=extend_schema(parameters=[COOP_SLUG], summary="List time entries"),
    retrieve=extend_schema(parameters=[COOP_SLUG]),
    create=extend_schema(parameters=[COOP_SLUG], summary="Log time"),
    partial_update=extend_schema(parameters=[COOP_SLUG]),
    destroy=extend_schema(parameters=[COOP_SLUG]),
)
class TimeEntryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    CoopScopedViewSet,
):
    """Hours logged. Members see and change their own; admins and the treasurer see everyone's
    (admins may change anyone's). Entries of a locked month answer 409."""

    serializer_class = TimeEntrySerializer
    filterset_class = TimeEntryFilter
    ordering_fields = ["date", "minutes", "created_at", "member", "project"]
    ordering = ["-date", "-id"]
    pagination_class = MonthKeysetPagination  # a co-op's month is 80,000 rows in the bench
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filtered_actions = ("export_csv",)  # the export takes the list's filters (api.schema)

    def scoped_queryset(self, cooperative):
        return selectors.visible_entries(self.membership)

    def list(self, request, *args, **kwargs):
        # The page's rows as plain values, answered as TimeEntrySerializer would answer them
        # (`listed_entries`), without a model instance or a serializer field per value. (A
        # comment, not a docstring: the schema takes the class's docstring for the operation.)
        entries = selectors.listed_values(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(listed_entries(self.paginate_queryset(entries)))

    def whole_month_count(self) -> int | None:
        """The kept count of the list (MonthKeysetPagination asks), when the list is exactly
        one co-op's whole month: a viewer who sees everyone's hours, `month` given and nothing
        else that could narrow it. Any other list (a member's own, a project, a date range, a
        parameter this does not know) is counted with COUNT(*): None."""
        params = self.request.query_params
        if self.action != "list" or not set(params) <= WHOLE_MONTH_PARAMS:
            return None
        if not selectors.sees_everyones_hours(self.membership):
            return None
        try:
            month = MonthFormField(required=False).clean(params.get("month"))
        except ValidationError:
            return None
        if month is None:
            return None
        return selectors.kept_month_count(self.membership.cooperative_id, month)

    def get_serializer_class(self):
        if self.action == "partial_update":
            return TimeEntryUpdateSerializer
        return super().get_serializer_class()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "create":
            # log_time refuses a locked month (PeriodLocked): the new entry's month is open.
            context["locked_months"] = set()
        elif "coop_slug" in self.kwargs and self.request.user.is_authenticated:
            context["locked_months"] = services.locked_months(self.cooperative)
        return context

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        member = data.pop("member", None) or self.membership
        serializer.instance = services.log_time(actor=self.membership, member=member, **data)

    def perform_update(self, serializer):
        serializer.instance = services.update_time_entry(
            actor=self.membership, entry=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.delete_time_entry(actor=self.membership, entry=instance)

    @extend_schema(
        parameters=[COOP_SLUG],
        request={"multipart/form-data": ImportRequestSerializer},
        responses={
            201: ImportReportSerializer,
            200: OpenApiResponse(ImportReportSerializer, description="a dry run"),
            400: OpenApiResponse(description="rejected rows: nothing was written"),
            413: OpenApiResponse(description="the file is over 5 MB"),
        },
        summary="Import a time tracker's CSV export",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_csv(self, request, coop_slug):
        """Toggl Track, Harvest, Kimai and Clockify exports, detected from the header row.

        All or nothing unless `skip_invalid`; rows imported before are skipped."""
        upload = request.FILES.get("file")
        if upload is not None:
            check_import_size(upload.size)  # the import service's limit: a 413, as on the page
        serializer = ImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        options = dict(serializer.validated_data)
        report = import_hours(
            cooperative=self.cooperative,
            actor=self.membership,
            data=options.pop("file").read(),
            **options,
        )
        body = report.as_dict()
        if report.rejected and not report.written and not report.dry_run:
            return Response(
                {
                    "detail": report.summary,
                    "errors": {
                        "file": [f"line {row['line']}: {row['reason']}" for row in body["rejected"]]
                    },
                    "code": "rows_rejected",
                    "report": body,
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            body, status=status.HTTP_200_OK if report.dry_run else status.HTTP_201_CREATED
        )

    @extend_schema(
        parameters=[COOP_SLUG], responses={(200, "text/csv"): CSV}, summary="Export as CSV"
    )
    @action(detail=False, methods=["get"], url_path="export")
    def export_csv(self, request, coop_slug):
        """The listed entries (same filters as the list) as CSV."""
        entries = self.filter_queryset(self.get_queryset())
        month = request.query_params.get("month")
        period = month or clock.today().isoformat()
        return csv_response(
            exports.entries_csv(entries.iterator(chunk_size=2000)),
            f"cooperage-hours-{self.cooperative.slug}-{period}.csv",
        )


class TimerViewSet(CoopScopedViewSet):
    """Your running timer: one at a time; stopping it logs the time, split at midnight."""

    serializer_class = TimerSerializer
    pagination_class = None  # one state, not a list
    schema = OneObjectSchema()  # its GET is the router's `list` route
    filter_backends: list = []

    def scoped_queryset(self, cooperative):
        return RunningTimer.objects.filter(member=self.membership)

    def _state(self):
        timer = (
            RunningTimer.objects.filter(member=self.membership).select_related("project").first()
        )
        if timer is None:
            return dict.fromkeys(TimerSerializer.Meta.fields, None) | {"running": False}
        return TimerSerializer(timer, context={"now": clock.now()}).data

    @extend_schema(parameters=[COOP_SLUG], responses=TimerSerializer, summary="Timer state")
    def list(self, request, coop_slug):
        return Response(self._state())

    @extend_schema(
        parameters=[COOP_SLUG], request=TimerStartSerializer, responses={201: TimerSerializer}
    )
    @action(detail=False, methods=["post"])
    def start(self, request, coop_slug):
        """Start a timer on a project; a timer already running is stopped and logged first."""
        serializer = TimerStartSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        timers.start_timer(actor=self.membership, **serializer.validated_data)
        return Response(self._state(), status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[COOP_SLUG], request=None, responses=TimerStoppedSerializer)
    @action(detail=False, methods=["post"])
    def stop(self, request, coop_slug):
        """Stop the timer and log its time (one entry per day it ran through)."""
        entries = timers.stop_timer(actor=self.membership)
        context = {**self.get_serializer_context(), "locked_months": set()}
        return Response({"entries": TimeEntrySerializer(entries, many=True, context=context).data})

    @extend_schema(parameters=[COOP_SLUG], request=None, responses={204: None})
    @action(detail=False, methods=["post"])
    def discard(self, request, coop_slug):
        """Throw the running timer away without logging anything."""
        timers.discard_timer(actor=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class HoursSummaryViewSet(CoopScopedViewSet):
    """A month's totals by member, project, client or ISO week (yours, or all if you may)."""

    serializer_class = SummarySerializer
    model = TimeEntry
    pagination_class = None  # one summary, not a list
    schema = OneObjectSchema()
    filter_backends: list = []  # the query is `month` and `group_by`, read by _query

    def scoped_queryset(self, cooperative):
        return selectors.visible_entries(self.membership)

    def _query(self):
        query = SummaryQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return query.validated_data

    @extend_schema(
        parameters=[
            COOP_SLUG,
            OpenApiParameter("month", str, required=True, description="YYYY-MM"),
            OpenApiParameter("group_by", str, enum=list(selectors.GROUPINGS)),
        ],
        responses=SummarySerializer,
    )
    def list(self, request, coop_slug):
        query = self._query()
        summary = selectors.hours_summary(self.get_queryset(), query["month"], query["group_by"])
        return Response(SummarySerializer(summary).data)

    @extend_schema(
        parameters=[
            COOP_SLUG,
            OpenApiParameter("month", str, required=True, description="YYYY-MM"),
        ],
        responses={(200, "text/csv"): CSV},
    )
    @action(detail=False, methods=["get"])
    def export(self, request, coop_slug):
        """The month's minutes and hours per member and project, as CSV."""
        month: datetime.date = self._query()["month"]
        return csv_response(
            exports.month_summary_csv(self.get_queryset(), month),
            f"cooperage-summary-{self.cooperative.slug}-{month:%Y-%m}.csv",
        )

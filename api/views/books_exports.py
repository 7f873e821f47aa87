"""The books' exports, streamed: the journal as CSV, DATEV's Buchungsstapel and a beancount
ledger, for the treasurer; and the DATEV numbers of the books' settings. The rules and the
refusals are `books.exports.files.export`'s, the same as the exports page's."""

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import HasCoopRole, TokenScope
from api.scoping import CooperativeScopedMixin
from api.serializers.books_exports import DatevNumbersSerializer
from api.views.core import COOP_SLUG
from books import charts, services
from books.exports.files import export
from books.models import BooksSettings
from coop.models.cooperative import Role

PERIOD = [
    OpenApiParameter("year", str, description="a year: 2026"),
    OpenApiParameter("month", str, description="a month: 2026-03"),
    OpenApiParameter("from", OpenApiTypes.DATE, description="the first day (with `to`)"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="the last day (with `from`)"),
]
REFUSED = {
    400: OpenApiResponse(description="no period, or a bad date (the field is named)"),
    403: OpenApiResponse(description="not the treasurer"),
    404: OpenApiResponse(description="not a member of this co-op"),
}
NO_ENTRIES = "no entries in the period (the period is named)"


class FileNegotiation(DefaultContentNegotiation):
    """A file is sent whatever the Accept header asks (text/csv too); only an error is
    rendered, in the API's JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class BooksExportView(CooperativeScopedMixin, APIView):
    permission_classes = [TokenScope, HasCoopRole]
    content_negotiation_class = FileNegotiation
    format = ""

    def get(self, request, coop_slug):
        params = {key: request.query_params.get(key, "") for key in ("year", "month", "from", "to")}
        file = export(actor=self.membership, format=self.format, params=params)
        response = StreamingHttpResponse(file.chunks, content_type=file.content_type)
        response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
        return response


class JournalCsvView(BooksExportView):
    """The journal as CSV, one row per line (docs/books.md, "Exports")."""

    format = "csv"

    @extend_schema(
        parameters=[COOP_SLUG, *PERIOD],
        summary="The journal of a period as CSV, one row per line (treasurer)",
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="the CSV file"),
            **REFUSED,
            409: OpenApiResponse(description=NO_ENTRIES),
        },
    )
    def get(self, request, coop_slug):
        return super().get(request, coop_slug)


class DatevView(BooksExportView):
    """DATEV's Buchungsstapel (EXTF 700, format version 13), Windows-1252."""

    format = "datev"

    @extend_schema(
        parameters=[COOP_SLUG, *PERIOD],
        summary="The journal of a period as a DATEV Buchungsstapel, EXTF (treasurer)",
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.BINARY, description="the EXTF file, Windows-1252"
            ),
            **REFUSED,
            409: OpenApiResponse(
                description=f"{NO_ENTRIES}; a chart other than SKR03/SKR04; no DATEV "
                "consultant or client number; more than 99,999 bookings"
            ),
        },
    )
    def get(self, request, coop_slug):
        return super().get(request, coop_slug)


class BeancountView(BooksExportView):
    """A beancount ledger of the period."""

    format = "beancount"

    @extend_schema(
        parameters=[COOP_SLUG, *PERIOD],
        summary="The journal of a period as a beancount ledger (treasurer)",
        responses={
            (200, "text/plain"): OpenApiResponse(
                OpenApiTypes.BINARY, description="the beancount file"
            ),
            **REFUSED,
            409: OpenApiResponse(description=NO_ENTRIES),
        },
    )
    def get(self, request, coop_slug):
        return super().get(request, coop_slug)


class DatevNumbersView(CooperativeScopedMixin, APIView):
    """The DATEV consultant and client numbers: every member reads, the treasurer sets them."""

    permission_classes = [TokenScope, HasCoopRole]
    write_roles = (Role.TREASURER,)
    serializer_class = DatevNumbersSerializer

    def _settings(self) -> BooksSettings:
        found = BooksSettings.objects.filter(cooperative=self.cooperative).first()
        # Before the first entry: the chart the books will start from, written by nobody yet.
        default = charts.default_chart_for(self.cooperative.country or "").key
        return found or BooksSettings(cooperative=self.cooperative, chart=default)

    @extend_schema(
        parameters=[COOP_SLUG],
        summary="The chart and the DATEV numbers of the books (every member)",
        responses=DatevNumbersSerializer,
    )
    def get(self, request, coop_slug):
        return Response(DatevNumbersSerializer(self._settings()).data)

    @extend_schema(
        parameters=[COOP_SLUG],
        request=DatevNumbersSerializer,
        summary="Set the DATEV consultant and client numbers (treasurer)",
        responses=DatevNumbersSerializer,
    )
    def patch(self, request, coop_slug):
        current = self._settings()
        serializer = DatevNumbersSerializer(current, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        saved = services.save_datev_numbers(
            actor=self.membership,
            cooperative=self.cooperative,
            consultant_number=data.get("datev_consultant_number", current.datev_consultant_number),
            client_number=data.get("datev_client_number", current.datev_client_number),
        )
        return Response(DatevNumbersSerializer(saved).data)

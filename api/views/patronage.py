"""United States yearly documents: notices of allocation, the 1099-PATR figures, consents."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.idempotency import idempotent
from api.serializers.patronage import (
    AllocationConsentSerializer,
    AllocationNoticeSerializer,
    WithdrawConsentSerializer,
)
from api.views.core import COOP_SLUG, CoopScopedViewSet
from coop import pdf, spreadsheet
from coop.models.cooperative import Role
from payroll import consents, patronage, patronage_files, selectors
from payroll.consent_models import AllocationConsent

NOTICE = [
    COOP_SLUG,
    OpenApiParameter("member_id", int, OpenApiParameter.PATH, description="a member id"),
    OpenApiParameter("year", int, OpenApiParameter.PATH, description="a calendar year"),
]


class NoticeActions:
    """The notice and 1099-PATR routes of `capital-accounts/` (mixed into its viewset)."""

    @extend_schema(
        parameters=NOTICE,
        responses=AllocationNoticeSerializer,
        summary="A member's written notice of allocation of a year (United States)",
    )
    @action(
        detail=False,
        methods=["get"],
        url_path=r"(?P<member_id>[0-9]+)/notices/(?P<year>[0-9]{4})",
        url_name="notice",
        filter_backends=[],
    )
    def notice(self, request, coop_slug, member_id, year):
        """Your notice, or anyone's for the treasurer; 404 for a co-op under another law."""
        notice = selectors.allocation_notice_for(self.membership, member_id, int(year))
        context = self.get_serializer_context()
        return Response(AllocationNoticeSerializer(notice, context=context).data)

    @extend_schema(
        parameters=NOTICE,
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        summary="A member's written notice of allocation (PDF)",
    )
    @action(
        detail=False,
        methods=["get"],
        url_path=r"(?P<member_id>[0-9]+)/notices/(?P<year>[0-9]{4})/pdf",
        url_name="notice-pdf",
        filter_backends=[],
    )
    def notice_pdf(self, request, coop_slug, member_id, year):
        notice = selectors.allocation_notice_for(self.membership, member_id, int(year))
        return pdf.pdf_response(
            patronage_files.notice_pdf(notice), patronage_files.notice_file_name(notice)
        )

    @extend_schema(
        parameters=[
            COOP_SLUG,
            OpenApiParameter("year", int, OpenApiParameter.PATH, description="a calendar year"),
        ],
        responses={(200, "text/csv"): OpenApiTypes.STR},
        summary="The 1099-PATR figures of a year (treasurer, United States)",
    )
    @action(
        detail=False,
        methods=["get"],
        url_path=r"statements/(?P<year>[0-9]{4})/1099-patr",
        url_name="patr",
        filter_backends=[],
    )
    def patr(self, request, coop_slug, year):
        selectors.us_documents_for(self.membership)
        rows = patronage.patr_rows(self.cooperative, int(year))
        name = f"1099-patr-{self.cooperative.slug}-{year}.csv"
        return HttpResponse(
            patronage_files.patr_csv(rows, int(year)),
            content_type=spreadsheet.CONTENT_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


@extend_schema_view(
    list=extend_schema(parameters=[COOP_SLUG], summary="Consents on record (treasurer, US)"),
    create=extend_schema(parameters=[COOP_SLUG], summary="Record a consent (treasurer, US)"),
)
class AllocationConsentViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, CoopScopedViewSet):
    """Members' consents to written notices of allocation (IRC §1388(c)(2)): the treasurer's,
    in a co-op under United States law; 404 for anyone else."""

    serializer_class = AllocationConsentSerializer
    model = AllocationConsent
    pagination_class = None
    filter_backends: list = []
    write_roles = (Role.TREASURER,)

    def scoped_queryset(self, cooperative):
        selectors.us_documents_for(self.membership)
        return AllocationConsent.objects.filter(cooperative=cooperative)

    @idempotent
    def create(self, request, coop_slug):
        selectors.us_documents_for(self.membership)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consent = consents.record_consent(actor=self.membership, **serializer.validated_data)
        return Response(self.get_serializer(consent).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[COOP_SLUG],
        request=WithdrawConsentSerializer,
        responses=AllocationConsentSerializer,
        summary="Record that a member withdrew their consent (treasurer, US)",
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, coop_slug, pk):
        consent = self.get_object()
        serializer = WithdrawConsentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consent = consents.withdraw_consent(
            actor=self.membership, consent=consent, **serializer.validated_data
        )
        return Response(self.get_serializer(consent).data)

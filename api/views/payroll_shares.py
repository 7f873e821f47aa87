"""The register of members and shares (GenG §30): entries, the CSV export, share certificates."""

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.idempotency import idempotent
from api.serializers.payroll_shares import ShareRegisterEntrySerializer, SubscribeSerializer
from api.views.core import COOP_SLUG, CoopScopedViewSet
from coop.clock import today_in
from coop.models.cooperative import Role
from coop.pdf import pdf_response
from payroll import share_register, shares
from payroll.share_models import Subscription

SCHEMA = {"parameters": [COOP_SLUG]}
FILE = OpenApiResponse(OpenApiTypes.BINARY, description="the file")
NOT_YOURS = OpenApiResponse(description="not found: another member's entry (the page says alike)")


@extend_schema_view(
    list=extend_schema(
        **SCHEMA, summary="The register of members and shares: yours, or all for the treasurer"
    ),
    retrieve=extend_schema(
        **SCHEMA,
        summary="One entry of the register",
        responses={
            200: ShareRegisterEntrySerializer,
            404: NOT_YOURS,
        },
    ),
    partial_update=extend_schema(
        **SCHEMA, summary="Record an entry's address or reason for leaving (treasurer)"
    ),
)
class ShareRegisterViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, CoopScopedViewSet
):
    """Each member's subscription of the bylaws' buy-in: shares, amounts subscribed and paid,
    entry and exit. Opened when a member is admitted; the figures change only through
    distributions (buy-in instalments)."""

    serializer_class = ShareRegisterEntrySerializer
    model = Subscription
    pagination_class = None
    filter_backends: list = []  # in order of entry
    http_method_names = ["get", "post", "patch", "head", "options"]
    write_roles = (Role.TREASURER,)
    departed_may = ("list", "retrieve", "certificate")  # their own entry only: reads

    def scoped_queryset(self, cooperative):
        return share_register.register_for(self.membership)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "coop_slug" in self.kwargs and self.request.user.is_authenticated:
            rows = share_register.register_rows(self.get_queryset())
            context["numbers"] = {row.subscription.pk: row.number for row in rows}
        return context

    @idempotent
    @extend_schema(
        **SCHEMA,
        request=SubscribeSerializer,
        responses={201: ShareRegisterEntrySerializer},
        summary="Enter a member admitted before the bylaws asked a buy-in (treasurer)",
    )
    def create(self, request, coop_slug):
        serializer = SubscribeSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        entry = shares.subscribe_member(
            actor=self.membership, member=serializer.validated_data["member"]
        )
        fresh = self.get_queryset().get(pk=entry.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        entry = shares.update_register_entry(
            actor=self.membership, subscription=serializer.instance, **serializer.validated_data
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=entry.pk)).data)

    @extend_schema(
        **SCHEMA,
        responses={(200, "text/csv"): FILE, 404: OpenApiResponse(description="not the treasurer")},
        summary="The register as CSV, in the form GenG §30 asks (treasurer)",
    )
    @action(detail=False, methods=["get"], url_path="register")
    def register(self, request, coop_slug):
        if not self.membership.has_role(Role.TREASURER):
            raise Http404("No such file.")
        rows = share_register.register_rows(self.get_queryset())
        response = HttpResponse(share_register.register_csv(rows), content_type="text/csv")
        filename = f"register-of-members-{self.cooperative.slug}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @extend_schema(
        **SCHEMA,
        responses={(200, "application/pdf"): FILE, 404: NOT_YOURS},
        summary="A member's share certificate (PDF): yours, or anyone's for the treasurer",
    )
    @action(detail=True, methods=["get"])
    def certificate(self, request, coop_slug, pk=None):
        entry = self.get_object()
        row = next(
            row
            for row in share_register.register_rows(self.get_queryset())
            if row.subscription.pk == entry.pk
        )
        content = share_register.certificate_pdf(row, today_in(self.cooperative))
        return pdf_response(content, share_register.certificate_filename(row))

"""Billing rates, the co-op's billing settings and its invoicing details."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.response import Response

from api.filters import IdFilter
from api.serializers.billing_rates import (
    BillingRateSerializer,
    BillingRateUpdateSerializer,
    BillingSettingsSerializer,
    InvoicingDetailsSerializer,
)
from api.views.core import COOP_SLUG, CoopScopedViewSet
from billing import rate_services, setup
from billing.configuration import settings_of
from billing.models import BillingRate, BillingSettings
from coop import services
from coop.models import Cooperative
from coop.models.cooperative import Role

SCHEMA = {"parameters": [COOP_SLUG]}
KEEPERS = (Role.ADMIN, Role.TREASURER)


class BillingRateFilter(django_filters.FilterSet):
    client = IdFilter(
        field_name="client_id", help_text="client id: its rates and its projects' rates"
    )
    project = IdFilter(field_name="project_id", help_text="project id")
    member = IdFilter(field_name="member_id", help_text="member id")

    class Meta:
        model = BillingRate
        fields = ["client", "project", "member"]


@extend_schema_view(
    list=extend_schema(**SCHEMA, summary="Hourly rates at every level (every member may read)"),
    retrieve=extend_schema(**SCHEMA, summary="One hourly rate"),
    create=extend_schema(
        **SCHEMA,
        summary="Add a rate (treasurer): no client/project/member is the co-op's default",
    ),
    partial_update=extend_schema(
        **SCHEMA,
        request=BillingRateUpdateSerializer,
        summary="Change a rate's amount or start day (treasurer)",
    ),
    destroy=extend_schema(
        **SCHEMA, summary="Delete a rate no issued invoice billed hours by (treasurer)"
    ),
)
class BillingRateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    CoopScopedViewSet,
):
    serializer_class = BillingRateSerializer
    write_roles = KEEPERS
    filterset_class = BillingRateFilter
    ordering_fields = ["valid_from", "scope"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_serializer_class(self):
        if self.action == "partial_update":
            return BillingRateUpdateSerializer
        return BillingRateSerializer

    def scoped_queryset(self, cooperative):
        return BillingRate.objects.filter(cooperative=cooperative).order_by(
            "scope", "-valid_from", "id"
        )

    def perform_create(self, serializer):
        serializer.instance = rate_services.create_rate(
            cooperative=self.cooperative, actor=self.membership, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = rate_services.update_rate(
            billing_rate=serializer.instance, actor=self.membership, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        rate_services.delete_rate(billing_rate=instance, actor=self.membership)


class CoopSingletonViewSet(CoopScopedViewSet):
    """One object per co-op at the collection's address: GET, PUT (every field) and PATCH."""

    write_roles = KEEPERS
    http_method_names = ["get", "put", "patch", "head", "options"]

    def current(self):
        raise NotImplementedError

    def get_object(self):
        # The one object: also what OPTIONS describes for PUT.
        return self.current()

    def save(self, data: dict):
        raise NotImplementedError

    def retrieve(self, request, coop_slug):
        return Response(self.get_serializer(self.current()).data)

    def update(self, request, coop_slug):
        partial = request.method == "PATCH"
        serializer = self.get_serializer(self.current(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return Response(self.get_serializer(self.save(serializer.validated_data)).data)

    def partial_update(self, request, coop_slug):
        return self.update(request, coop_slug)


@extend_schema_view(
    retrieve=extend_schema(**SCHEMA, summary="The co-op's billing settings (every member)"),
    update=extend_schema(**SCHEMA, summary="Set the billing settings, every field (treasurer)"),
    partial_update=extend_schema(**SCHEMA, summary="Change some billing settings (treasurer)"),
)
class BillingSettingsViewSet(CoopSingletonViewSet):
    serializer_class = BillingSettingsSerializer
    model = BillingSettings

    def current(self):
        return settings_of(self.cooperative)

    def save(self, data):
        return setup.update_billing_settings(
            cooperative=self.cooperative, actor=self.membership, **data
        )


@extend_schema_view(
    retrieve=extend_schema(
        **SCHEMA, summary="The co-op's details as its invoices print them (every member)"
    ),
    update=extend_schema(**SCHEMA, summary="Set the invoicing details, every field (treasurer)"),
    partial_update=extend_schema(**SCHEMA, summary="Change some invoicing details (treasurer)"),
)
class InvoicingDetailsViewSet(CoopSingletonViewSet):
    serializer_class = InvoicingDetailsSerializer
    model = Cooperative

    def current(self):
        return self.cooperative

    def save(self, data):
        return services.update_invoicing_details(
            cooperative=self.cooperative, actor=self.membership, **data
        )

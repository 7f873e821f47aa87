"""Co-ops, members, clients and projects."""

from functools import cached_property

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.permissions import HasCoopRole, TokenScope
from api.scoping import CooperativeScopedMixin, membership_for
from api.serializers.core import (
    ClientSerializer,
    CooperativeSerializer,
    MemberSerializer,
    MemberStatusSerializer,
    ProjectSerializer,
)
from coop import services
from coop.errors import InvalidInput
from coop.models import Client, Cooperative, Member, Project
from coop.models.cooperative import Role

COOP_SLUG = OpenApiParameter("coop_slug", str, OpenApiParameter.PATH, description="co-op slug")


class CooperativeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The co-ops you belong to. Admins may change settings and bylaws."""

    serializer_class = CooperativeSerializer
    permission_classes = [TokenScope, HasCoopRole]
    write_roles = (Role.ADMIN,)
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Cooperative.objects.none()
        return Cooperative.objects.filter(
            members__in=Member.objects.current().filter(user=self.request.user)
        ).distinct()

    @cached_property
    def membership(self) -> Member:
        return membership_for(self.request, self.kwargs["slug"])

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request.user.is_authenticated:
            context["memberships"] = {
                m.cooperative_id: m for m in Member.objects.current().filter(user=self.request.user)
            }
        return context

    def get_object(self):
        return self.membership.cooperative

    def perform_update(self, serializer):
        serializer.instance = services.update_cooperative(
            cooperative=serializer.instance, actor=self.membership, **serializer.validated_data
        )


class CoopScopedViewSet(CooperativeScopedMixin, viewsets.GenericViewSet):
    """A viewset under coops/{slug}/: subclasses give `scoped_queryset(cooperative)`."""

    permission_classes = [TokenScope, HasCoopRole]

    def scoped_queryset(self, cooperative: Cooperative):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no co-op
            model = getattr(self, "model", None) or self.get_serializer_class().Meta.model
            return model.objects.none()
        return self.scoped_queryset(self.cooperative)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "coop_slug" in self.kwargs and self.request.user.is_authenticated:
            context["cooperative"] = self.cooperative
            context["viewer"] = self.membership
        return context


@extend_schema_view(
    list=extend_schema(parameters=[COOP_SLUG]),
    retrieve=extend_schema(parameters=[COOP_SLUG]),
    create=extend_schema(parameters=[COOP_SLUG]),
    partial_update=extend_schema(parameters=[COOP_SLUG]),
)
class MemberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    CoopScopedViewSet,
):
    """The co-op's members. Admins add members and change roles; members edit their bank details."""

    serializer_class = MemberSerializer
    filterset_fields = ["status"]
    ordering_fields = ["id", "joined_on"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    write_roles: tuple[str, ...] = ()  # the service decides: admins, or a member on themself

    def get_permissions(self):
        # Adding members and changing a status are for admins: refuse before reading the body.
        self.write_roles = (Role.ADMIN,) if self.action in ("create", "change_status") else ()
        return super().get_permissions()

    def scoped_queryset(self, cooperative):
        return Member.objects.filter(cooperative=cooperative).select_related("user")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        user = data.pop("user")
        if data.pop("probation_ends_on", None) is not None:
            raise InvalidInput(
                _(
                    "The end of a probation is set on admission, from the bylaws' "
                    "probation_months: move it afterwards (PATCH …/members/{id}/)."
                ),
                field="probation_ends_on",
            )
        serializer.instance = services.add_member(
            cooperative=self.cooperative,
            actor=self.membership,
            email=user["email"],
            full_name=user.get("full_name", ""),
            **data,
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if "user" in data or "status" in data:
            field = "status" if "status" in data else "email"
            raise InvalidInput(
                _(
                    "A member's status changes through its own request (POST …/status/), and "
                    "the e-mail address belongs to the person, not to the membership."
                ),
                field=field,
            )
        serializer.instance = services.update_member(
            member=serializer.instance, actor=self.membership, **data
        )

    @extend_schema(
        request=MemberStatusSerializer, responses=MemberSerializer, parameters=[COOP_SLUG]
    )
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, coop_slug, pk=None):
        """Admit, put on leave or record the departure of a member (admins)."""
        serializer = MemberStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = services.change_member_status(
            member=self.get_object(), actor=self.membership, **serializer.validated_data
        )
        return Response(self.get_serializer(member).data)


@extend_schema_view(
    list=extend_schema(parameters=[COOP_SLUG]),
    retrieve=extend_schema(parameters=[COOP_SLUG]),
    create=extend_schema(parameters=[COOP_SLUG]),
    partial_update=extend_schema(parameters=[COOP_SLUG]),
)
class ClientViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    CoopScopedViewSet,
):
    """The co-op's clients; admins and the treasurer manage them."""

    serializer_class = ClientSerializer
    write_roles = (Role.ADMIN, Role.TREASURER)
    ordering_fields = ["name"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped_queryset(self, cooperative):
        return Client.objects.filter(cooperative=cooperative)

    def perform_create(self, serializer):
        serializer.instance = services.create_client(
            cooperative=self.cooperative, actor=self.membership, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_client(
            client=serializer.instance, actor=self.membership, **serializer.validated_data
        )


@extend_schema_view(
    list=extend_schema(parameters=[COOP_SLUG]),
    retrieve=extend_schema(parameters=[COOP_SLUG]),
    create=extend_schema(parameters=[COOP_SLUG]),
    partial_update=extend_schema(parameters=[COOP_SLUG]),
)
class ProjectViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    CoopScopedViewSet,
):
    """The co-op's projects; admins and the treasurer manage them."""

    serializer_class = ProjectSerializer
    write_roles = (Role.ADMIN, Role.TREASURER)
    filterset_fields = ["client", "active"]
    ordering_fields = ["name"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped_queryset(self, cooperative):
        return Project.objects.filter(cooperative=cooperative).select_related("client")

    def perform_create(self, serializer):
        serializer.instance = services.create_project(
            cooperative=self.cooperative, actor=self.membership, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_project(
            project=serializer.instance, actor=self.membership, **serializer.validated_data
        )

"""Distribution policy versions: every member reads them; the treasurer adopts a new one."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from api.idempotency import IdempotentCreateMixin
from api.serializers.payroll import PolicySerializer
from api.views.core import COOP_SLUG, CoopScopedViewSet
from coop.models.cooperative import Role
from payroll.models import DistributionPolicy
from payroll.services import policies

SCHEMA = {"parameters": [COOP_SLUG]}
TREASURER = (Role.TREASURER,)


@extend_schema_view(
    list=extend_schema(**SCHEMA, summary="Policy versions, newest first"),
    retrieve=extend_schema(**SCHEMA, summary="One version of the distribution policy"),
    create=extend_schema(**SCHEMA, summary="Adopt a new policy version (treasurer)"),
)
class PolicyViewSet(
    IdempotentCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    CoopScopedViewSet,
):
    serializer_class = PolicySerializer
    write_roles = TREASURER

    def scoped_queryset(self, cooperative):
        return DistributionPolicy.objects.filter(cooperative=cooperative)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data["commons_recipients"] = [
            {k: str(v) if k == "weight" else v for k, v in r.items()}
            for r in data.get("commons_recipients", [])
        ]
        serializer.instance = policies.adopt_policy(
            actor=self.membership, cooperative=self.cooperative, **data
        )

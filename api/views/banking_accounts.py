"""The co-op's bank accounts: every member reads, the treasurer writes."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from api.serializers.banking_accounts import BankAccountSerializer
from api.views.core import COOP_SLUG, CoopScopedViewSet
from banking import accounts
from banking.selectors import accounts_with_balances
from coop.models.cooperative import Role

SCHEMA = {"parameters": [COOP_SLUG]}


@extend_schema_view(
    list=extend_schema(**SCHEMA, summary="The co-op's bank accounts with balances (every member)"),
    retrieve=extend_schema(**SCHEMA, summary="One bank account"),
    create=extend_schema(**SCHEMA, summary="Add a bank account (treasurer)"),
    partial_update=extend_schema(
        **SCHEMA, summary="Change a bank account or its CSV mapping (treasurer)"
    ),
    destroy=extend_schema(
        **SCHEMA, summary="Remove a bank account without statements (treasurer; 409 otherwise)"
    ),
)
class BankAccountViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    CoopScopedViewSet,
):
    serializer_class = BankAccountSerializer
    write_roles = (Role.TREASURER,)
    ordering_fields = ["name", "id"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def scoped_queryset(self, cooperative):
        return accounts_with_balances(cooperative)

    def _with_balance(self, account):
        return accounts_with_balances(self.cooperative).get(pk=account.pk)

    def perform_create(self, serializer):
        account = accounts.create_account(
            cooperative=self.cooperative, actor=self.membership, **serializer.validated_data
        )
        serializer.instance = self._with_balance(account)

    def perform_update(self, serializer):
        account = accounts.update_account(
            account=serializer.instance, actor=self.membership, **serializer.validated_data
        )
        serializer.instance = self._with_balance(account)

    def perform_destroy(self, instance):
        accounts.delete_account(account=instance, actor=self.membership)

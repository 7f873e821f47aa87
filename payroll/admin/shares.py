"""The register of members and shares in the admin: read only (its figures change through
distributions, its address and reason for leaving through `payroll.shares`)."""

from django.contrib import admin

from coop.admin_read_only import ReadOnlyAdmin
from payroll.share_models import Subscription


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = [
        "member", "cooperative", "subscribed_on", "shares", "nominal_value",
        "amount_subscribed", "amount_paid", "exited_on",
    ]  # fmt: skip
    list_filter = ["cooperative"]
    search_fields = ["member__user__email", "member__user__full_name", "member__legal_name"]
    list_select_related = ["cooperative", "member__user"]
    date_hierarchy = "subscribed_on"

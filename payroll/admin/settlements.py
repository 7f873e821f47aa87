"""Departed members' settlements in the admin: read, and approved or recomputed by the
treasurer through the services (drafts are made by the departure, or on the settlements page)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy, ngettext

from coop.admin_read_only import ReadOnlyAdmin
from payroll import settlement_approval, settlements
from payroll.admin.base import act_on_each
from payroll.settlement_models import Settlement, SettlementInstalment


class SettlementInstalmentInline(admin.TabularInline):
    model = SettlementInstalment
    fields = ["number", "due_month", "amount", "interest", "paid_line", "paid_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Settlement)
class SettlementAdmin(ReadOnlyAdmin):
    list_display = [
        "member", "cooperative", "departed_on", "balance", "retained", "refundable", "status",
    ]  # fmt: skip
    list_filter = ["cooperative", "status"]
    search_fields = ["member__user__full_name", "member__user__email", "member__legal_name"]
    list_select_related = ["cooperative", "member__user"]
    inlines = [SettlementInstalmentInline]
    actions = ["approve_selected", "recompute_selected"]

    @admin.action(description=gettext_lazy("Approve selected settlements"))
    def approve_selected(self, request, queryset):
        act_on_each(
            self,
            request,
            queryset,
            lambda actor, settlement: settlement_approval.approve_settlement(
                actor=actor, settlement=settlement
            ),
            lambda n: ngettext(
                "Approved %(count)d settlement.", "Approved %(count)d settlements.", n
            ),
        )

    @admin.action(description=gettext_lazy("Recompute selected draft settlements"))
    def recompute_selected(self, request, queryset):
        act_on_each(
            self,
            request,
            queryset,
            lambda actor, settlement: settlements.recompute_settlement(
                actor=actor, settlement=settlement
            ),
            lambda n: ngettext(
                "Recomputed %(count)d settlement.", "Recomputed %(count)d settlements.", n
            ),
        )

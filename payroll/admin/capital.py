"""Interest runs and losses of the capital accounts, read-only: the treasurer makes them on the
capital accounts page or through the API (`payroll.capital_interest`, `payroll.capital_losses`),
which book and audit them."""

from django.contrib import admin

from coop.admin_read_only import ReadOnlyAdmin
from payroll.capital_models import (
    CapitalInterestLine,
    CapitalInterestRun,
    CapitalLoss,
    CapitalLossShare,
)


class InterestLineInline(admin.TabularInline):
    model = CapitalInterestLine
    extra = 0
    can_delete = False
    fields = ["member", "amount", "entry", "explanation"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LossShareInline(admin.TabularInline):
    model = CapitalLossShare
    extra = 0
    can_delete = False
    fields = ["member", "minutes", "amount", "entry"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CapitalInterestRun)
class CapitalInterestRunAdmin(ReadOnlyAdmin):
    list_display = ["cooperative", "period_start", "period_end", "rate", "total", "run_at"]
    list_filter = ["cooperative"]
    list_select_related = ["cooperative"]
    inlines = [InterestLineInline]


@admin.register(CapitalLoss)
class CapitalLossAdmin(ReadOnlyAdmin):
    list_display = [
        "cooperative", "period_start", "period_end", "amount", "method", "from_reserve", "date",
    ]  # fmt: skip
    list_filter = ["cooperative", "method"]
    list_select_related = ["cooperative"]
    inlines = [LossShareInline]

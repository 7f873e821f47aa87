"""Members' expense claims in the admin: read, and approved by the treasurer through the service
(members file claims on their page; rejecting needs a reason, given on the claims page)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy, ngettext

from coop.admin_read_only import ReadOnlyAdmin
from payroll import claims
from payroll.admin.base import act_on_each
from payroll.models import ExpenseClaim


@admin.register(ExpenseClaim)
class ExpenseClaimAdmin(ReadOnlyAdmin):
    list_display = ["date", "cooperative", "member", "payee", "category", "amount", "status"]
    list_filter = ["cooperative", "status", ("date", admin.DateFieldListFilter)]
    search_fields = ["payee", "note", "member__user__full_name", "member__user__email"]
    list_select_related = ["cooperative", "member__user"]
    date_hierarchy = "date"
    actions = ["approve_selected"]

    @admin.action(description=gettext_lazy("Approve selected expense claims"))
    def approve_selected(self, request, queryset):
        act_on_each(
            self,
            request,
            queryset,
            lambda actor, claim: claims.approve_claim(actor=actor, claim=claim),
            lambda n: ngettext(
                "Approved %(count)d expense claim.", "Approved %(count)d expense claims.", n
            ),
        )

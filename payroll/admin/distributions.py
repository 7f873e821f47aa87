"""Admin of distributions (the treasurer's buttons as actions), and read-only lists of capital
entries, document failures and documents.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy, ngettext

from coop.admin_read_only import ReadOnlyAdmin
from payroll import distributing
from payroll.admin.base import act_on_each
from payroll.capital_models import CapitalEntryTie
from payroll.models import (
    CapitalAccountEntry,
    Distribution,
    DistributionDocument,
    DistributionLine,
    DocumentFailure,
)


class DistributionLineInline(admin.TabularInline):
    model = DistributionLine
    fk_name = "distribution"
    extra = 0
    can_delete = False
    fields = ["kind", "name", "member", "minutes", "weight", "share", "cash", "retained"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DocumentFailureInline(admin.TabularInline):
    """The files that could not be generated, shown as FAILED with their reason."""

    model = DocumentFailure
    extra = 0
    can_delete = False
    verbose_name = gettext_lazy("failed file")
    verbose_name_plural = gettext_lazy("failed files (regenerate them after fixing the cause)")
    fields = ["kind", "member", "reason", "attempts", "failed_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Distribution)
class DistributionAdmin(admin.ModelAdmin):
    """Read-only: a draft changes only by recomputing, and approved, paid or void runs never
    change. The actions call the services as the user's treasurer membership."""

    list_display = [
        "month", "cooperative", "status", "surplus", "commons", "member_pool", "policy",
    ]  # fmt: skip
    list_filter = ["cooperative", "status"]
    list_select_related = ["cooperative", "policy"]
    search_fields = ["cooperative__name", "cooperative__slug"]
    date_hierarchy = "month"
    inlines = [DocumentFailureInline, DistributionLineInline]
    actions = [
        "recompute_drafts", "approve_drafts", "void_drafts", "mark_paid", "regenerate_files",
    ]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _run(self, request, queryset, service, done):
        act_on_each(
            self,
            request,
            queryset,
            lambda actor, run: service(actor=actor, distribution=run),
            done,
        )

    @admin.action(description=gettext_lazy("Recompute selected drafts"))
    def recompute_drafts(self, request, queryset):
        self._run(
            request,
            queryset,
            distributing.recompute_draft,
            lambda n: ngettext("Recomputed %(count)d draft.", "Recomputed %(count)d drafts.", n),
        )

    @admin.action(description=gettext_lazy("Approve selected drafts"))
    def approve_drafts(self, request, queryset):
        self._run(
            request,
            queryset,
            distributing.approve_distribution,
            lambda n: ngettext(
                "Approved %(count)d draft (or opened its vote, where the policy says so).",
                "Approved %(count)d drafts (or opened their vote, where the policy says so).",
                n,
            ),
        )

    @admin.action(description=gettext_lazy("Void selected drafts"))
    def void_drafts(self, request, queryset):
        self._run(
            request,
            queryset,
            distributing.void_draft,
            lambda n: ngettext("Voided %(count)d draft.", "Voided %(count)d drafts.", n),
        )

    @admin.action(description=gettext_lazy("Mark selected as paid"))
    def mark_paid(self, request, queryset):
        self._run(
            request,
            queryset,
            distributing.mark_paid,
            lambda n: ngettext(
                "Marked %(count)d distribution as paid.",
                "Marked %(count)d distributions as paid.",
                n,
            ),
        )

    @admin.action(description=gettext_lazy("Regenerate the failed files of selected"))
    def regenerate_files(self, request, queryset):
        self._run(
            request,
            queryset,
            distributing.regenerate_documents,
            lambda n: ngettext(
                "The failed files of %(count)d distribution are being generated again.",
                "The failed files of %(count)d distributions are being generated again.",
                n,
            ),
        )


class CapitalEntryTieInline(admin.TabularInline):
    """What a debit takes of the earlier credits (payroll.redemption_ties): read-only."""

    model = CapitalEntryTie
    fk_name = "debit"
    extra = 0
    can_delete = False
    fields = ["credit", "amount"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CapitalAccountEntry)
class CapitalAccountEntryAdmin(ReadOnlyAdmin):
    """Entries are made by the services: allocations on approval, redemptions and adjustments
    from the capital accounts page; a debit lists the credits it took."""

    inlines = [CapitalEntryTieInline]

    list_display = ["date", "cooperative", "member", "kind", "amount", "distribution"]
    list_filter = ["cooperative", "kind"]
    search_fields = ["member__user__email", "member__user__full_name", "note"]
    list_select_related = ["cooperative", "member__user", "distribution"]
    date_hierarchy = "date"


@admin.register(DocumentFailure)
class DocumentFailureAdmin(ReadOnlyAdmin):
    """FAILED files; the Distribution admin's action regenerates them."""

    list_display = ["distribution", "kind", "member", "attempts", "reason", "failed_at"]
    list_filter = ["distribution__cooperative", "kind"]
    list_select_related = ["distribution__cooperative", "member__user"]


@admin.register(DistributionDocument)
class DistributionDocumentAdmin(ReadOnlyAdmin):
    list_display = ["distribution", "kind", "member", "generated_at"]
    list_filter = ["distribution__cooperative", "kind"]
    search_fields = ["member__user__email", "member__user__full_name"]
    date_hierarchy = "generated_at"
    list_select_related = ["distribution__cooperative", "member__user"]

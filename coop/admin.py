"""Django admin for the core domain; every change made here is written to the audit log."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.forms.models import model_to_dict

from coop.audit import record
from coop.models import (
    AuditEvent,
    Client,
    Cooperative,
    Member,
    MemberStatusChange,
    Project,
    TimeEntry,
    User,
)


def _actor_member(request, cooperative):
    return Member.objects.filter(cooperative=cooperative, user=request.user).first() or request.user


class AuditedAdmin(admin.ModelAdmin):
    """Saves and deletions run in one transaction with their audit event."""

    def cooperative_of(self, obj):
        return obj.cooperative

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            verb = "updated" if change else "created"
            changed = {name: str(form.cleaned_data.get(name)) for name in form.changed_data}
            changed.pop("iban", None)
            cooperative = self.cooperative_of(obj)
            record(
                cooperative,
                _actor_member(request, cooperative),
                f"admin.{obj._meta.model_name}.{verb}",
                obj,
                {"changed": changed},
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            cooperative = self.cooperative_of(obj)
            snapshot = {k: str(v) for k, v in model_to_dict(obj).items() if k != "iban"}
            record(
                cooperative,
                _actor_member(request, cooperative),
                f"admin.{obj._meta.model_name}.deleted",
                obj,
                {"was": snapshot},
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password", "full_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class CooperativeAdmin(AuditedAdmin):
    list_display = ["name", "slug", "currency", "time_zone", "founded_on"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["audit_head", "audit_length"]

    def cooperative_of(self, obj):
        return obj


admin.site.register(Cooperative, CooperativeAdmin)


class MemberStatusChangeInline(admin.TabularInline):
    model = MemberStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["status", "effective_on", "recorded_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Member)
class MemberAdmin(AuditedAdmin):
    list_display = [
        "user",
        "cooperative",
        "status",
        "status_since",
        "is_admin",
        "is_treasurer",
        "is_secretary",
        "rate_weight",
    ]
    list_filter = ["cooperative", "status", "is_admin", "is_treasurer", "is_secretary"]
    search_fields = ["user__email", "user__full_name", "legal_name"]
    list_select_related = ["user", "cooperative"]
    autocomplete_fields = ["user"]
    inlines = [MemberStatusChangeInline]

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            status_changed = "status" in form.changed_data or not change
            super().save_model(request, obj, form, change)
            if status_changed:
                MemberStatusChange.objects.create(
                    member=obj, status=obj.status, effective_on=obj.status_since
                )


@admin.register(Client)
class ClientAdmin(AuditedAdmin):
    list_display = ["name", "cooperative"]
    list_filter = ["cooperative"]
    search_fields = ["name"]


@admin.register(Project)
class ProjectAdmin(AuditedAdmin):
    list_display = ["name", "client", "cooperative", "active", "budget_hours"]
    list_filter = ["cooperative", "active"]
    search_fields = ["name", "client__name"]
    list_select_related = ["client", "cooperative"]


@admin.register(TimeEntry)
class TimeEntryAdmin(AuditedAdmin):
    list_display = ["date", "member", "project", "minutes", "description"]
    list_filter = ["cooperative", "project"]
    search_fields = ["description", "member__user__email"]
    date_hierarchy = "date"
    list_select_related = ["member__user", "project"]
    raw_id_fields = ["member", "project"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["sequence", "cooperative", "created_at", "actor_label", "verb", "object_type"]
    list_filter = ["cooperative", "verb"]
    search_fields = ["verb", "actor_label", "object_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

"""Django admin for personal access tokens: read-only, never the hash, and a revoke action."""

from django.contrib import admin, messages
from django.utils.translation import ngettext

from api.models import PersonalToken
from api.services import revoke_token


class RevokedFilter(admin.SimpleListFilter):
    title = "revoked"
    parameter_name = "revoked"

    def lookups(self, request, model_admin):
        return [("no", "not revoked"), ("yes", "revoked")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(PersonalToken)
class PersonalTokenAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "name",
        "key_prefix",
        "read_only",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["read_only", RevokedFilter]
    list_select_related = ["user"]
    search_fields = ["user__email", "name", "key_prefix"]
    date_hierarchy = "created_at"
    # key_hash is left out on purpose: with it, anyone reading the admin could test guesses offline.
    fields = list_display
    readonly_fields = list_display
    actions = ["revoke_selected"]

    def has_add_permission(self, request) -> bool:
        return False  # a token is created by its owner, who alone sees the key

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoked tokens stay listed: when and what was revoked is worth keeping

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("api.change_personaltoken")

    @admin.action(description="Revoke selected tokens", permissions=["revoke"])
    def revoke_selected(self, request, queryset):
        live = queryset.filter(revoked_at__isnull=True)
        count = 0
        for token in live:
            revoke_token(token=token, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )

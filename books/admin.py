"""The books in the Django admin, read-only: the chart, the role mapping and the journal.
Entries are written by the money events' services only (`books.journal`)."""

from django.contrib import admin

from books.models import AccountMapping, JournalEntry, JournalLine, LedgerAccount
from coop.admin_read_only import ReadOnlyAdmin


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ["number", "name", "type", "cooperative"]
    list_filter = ["cooperative", "type"]
    search_fields = ["number", "name"]


@admin.register(AccountMapping)
class AccountMappingAdmin(ReadOnlyAdmin):
    list_display = ["role", "account", "cooperative"]
    list_filter = ["cooperative"]


class JournalLineInline(admin.TabularInline):
    model = JournalLine
    fields = ["account", "amount", "member", "memo"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ["date", "kind", "description", "cooperative", "reverses"]
    list_filter = ["cooperative", "kind"]
    date_hierarchy = "date"
    search_fields = ["description", "source_id"]
    inlines = [JournalLineInline]
    list_select_related = ["cooperative", "reverses"]

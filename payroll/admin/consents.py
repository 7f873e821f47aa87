"""Members' consents to written notices of allocation (United States), read-only: the treasurer
records and withdraws them on the consents page or through the API (audited services)."""

from django.contrib import admin

from coop.admin_read_only import ReadOnlyAdmin
from payroll.consent_models import AllocationConsent


@admin.register(AllocationConsent)
class AllocationConsentAdmin(ReadOnlyAdmin):
    list_display = ["member", "cooperative", "method", "given_on", "withdrawn_on"]
    list_filter = ["method", "cooperative"]
    search_fields = ["member__user__full_name", "member__user__email"]

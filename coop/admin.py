"""Django admin for the core domain; every change made here is written to the audit log.

What the co-op decides under its bylaws is not edited here: a member's status and roles change
on the members page (directly or through a proposal, as the bylaws say), hours of a month that
was distributed are locked, and audit events and invitations are read-only. Actions call the
same services as the web pages.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from coop import clock, invitations
from coop.audit import record, verify_chain
from coop.bylaws import floors_changed
from coop.errors import DomainError
from coop.hours.services import ensure_month_open, locked_months
from coop.models import (
    AuditEvent,
    Client,
    Cooperative,
    Invitation,
    Member,
    MemberStatusChange,
    Project,
    TimeEntry,
    User,
)
from coop.months import month_of
from coop.services import floors_by_proposal_only

admin.site.site_header = gettext_lazy("Cooperage administration")
admin.site.site_title = gettext_lazy("Cooperage administration")
admin.site.index_title = gettext_lazy("Co-ops, members, hours, proposals and money")


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
        (
            gettext_lazy("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups")},
        ),
        (gettext_lazy("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


def _report_chains(modeladmin, request, cooperatives) -> None:
    """Verify each co-op's audit chain and say which hold and where the others break."""
    for cooperative in cooperatives:
        problem = verify_chain(cooperative)
        if problem is None:
            modeladmin.message_user(
                request,
                ngettext(
                    "%(coop)s: the audit chain of %(count)d event is intact.",
                    "%(coop)s: the audit chain of %(count)d events is intact.",
                    cooperative.audit_length,
                )
                % {"coop": cooperative.name, "count": cooperative.audit_length},
                messages.SUCCESS,
            )
        else:
            modeladmin.message_user(request, _("Audit chain broken: %s") % problem, messages.ERROR)


class CooperativeAdminForm(forms.ModelForm):
    """The bylaws settings are edited here, except their floors: those change only through a
    passed bylaws proposal (a new co-op starts with the floors it is founded with)."""

    class Meta:
        model = Cooperative
        fields = [
            "name", "slug", "currency", "time_zone", "founded_on", "legal_profile", "bylaws",
            "legal_name", "iban", "bic",
        ]  # fmt: skip

    def clean_bylaws(self):
        bylaws = self.cleaned_data.get("bylaws")
        if self.instance.pk is not None and floors_changed(self.instance.bylaws, bylaws):
            raise forms.ValidationError(floors_by_proposal_only(), code="floors_by_proposal")
        return bylaws


class CooperativeAdmin(AuditedAdmin):
    form = CooperativeAdminForm
    list_display = [
        "name", "slug", "currency", "time_zone", "founded_on", "legal_profile", "audit_length",
    ]  # fmt: skip
    search_fields = ["name", "slug"]
    date_hierarchy = "created_at"
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["audit_head", "audit_length"]
    actions = ["verify_audit_chain"]

    def cooperative_of(self, obj):
        return obj

    def has_delete_permission(self, request, obj=None):
        return False  # a co-op's records are kept; its members depart

    @admin.action(description=gettext_lazy("Verify the audit chain"))
    def verify_audit_chain(self, request, queryset):
        _report_chains(self, request, queryset)


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
    date_hierarchy = "status_since"
    inlines = [MemberStatusChangeInline]
    # Governed by the bylaws: changed on the members page, directly or by a passed proposal.
    governed = [
        "cooperative", "user", "status", "status_since", "joined_on", "departed_on",
        "is_admin", "is_treasurer", "is_secretary",
    ]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return self.governed if obj is not None else []

    def has_add_permission(self, request):
        return False  # people join by invitation (the members page) or through the API

    def has_delete_permission(self, request, obj=None):
        return False  # a member departs; their hours, ballots and shares stay theirs

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


class TimeEntryForm(forms.ModelForm):
    class Meta:
        model = TimeEntry
        fields = [
            "cooperative", "member", "project", "date", "minutes", "description", "adjusts",
            "source", "source_fingerprint",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        cooperative, day = data.get("cooperative"), data.get("date")
        if cooperative is not None and day is not None:
            try:
                ensure_month_open(cooperative, day)
            except DomainError as error:
                self.add_error("date", error.message)
        return data


@admin.register(TimeEntry)
class TimeEntryAdmin(AuditedAdmin):
    """Hours of a month that was distributed are locked here as on every page."""

    form = TimeEntryForm
    list_display = ["date", "member", "project", "minutes", "description"]
    list_filter = ["cooperative", "project"]
    search_fields = ["description", "member__user__email"]
    date_hierarchy = "date"
    list_select_related = ["member__user", "project"]
    raw_id_fields = ["member", "project"]

    def _locked(self, obj) -> bool:
        return obj is not None and month_of(obj.date) in locked_months(obj.cooperative)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._locked(obj)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only, never deleted: the hash chain would show it (`manage.py verify_audit`)."""

    list_display = ["sequence", "cooperative", "created_at", "actor_label", "verb", "object_type"]
    list_filter = ["cooperative", "verb", "object_type"]
    search_fields = ["verb", "actor_label", "object_id"]
    list_select_related = ["cooperative"]
    date_hierarchy = "created_at"
    actions = ["verify_audit_chain"]

    @admin.action(description=gettext_lazy("Verify the audit chain of the selected events' co-ops"))
    def verify_audit_chain(self, request, queryset):
        ids = queryset.values_list("cooperative_id", flat=True).distinct()
        _report_chains(self, request, Cooperative.objects.filter(pk__in=ids))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InvitationStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Invitation.State.choices

    def queryset(self, request, queryset):
        now = clock.now()
        open_ = queryset.filter(accepted_at__isnull=True, revoked_at__isnull=True)
        return {
            Invitation.State.PENDING: open_.filter(expires_at__gt=now),
            Invitation.State.EXPIRED: open_.filter(expires_at__lte=now),
            Invitation.State.ACCEPTED: queryset.filter(accepted_at__isnull=False),
            Invitation.State.REVOKED: queryset.filter(revoked_at__isnull=False),
        }.get(self.value(), queryset)


def _admin_of(request, cooperative) -> Member | None:
    return (
        Member.objects.current()
        .filter(cooperative=cooperative, user=request.user, is_admin=True)
        .select_related("cooperative", "user")
        .first()
    )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only (never the token's hash); resend and revoke as the co-op's admin."""

    list_display = [
        "email", "cooperative", "state_label", "roles", "invited_by", "sent_at", "expires_at",
        "accepted_at", "revoked_at",
    ]  # fmt: skip
    fields = [
        "cooperative", "email", "roles", "invited_by", "sent_at", "expires_at", "accepted_at",
        "revoked_at", "member", "created_at",
    ]  # fmt: skip
    readonly_fields = fields
    list_filter = ["cooperative", InvitationStateFilter]
    search_fields = ["email"]
    list_select_related = ["cooperative", "invited_by__user"]
    date_hierarchy = "created_at"
    actions = ["resend_selected", "revoke_selected"]

    @admin.display(description=gettext_lazy("state"))
    def state_label(self, obj):
        return obj.get_state_display()

    def has_add_permission(self, request):
        return False  # invitations are sent from the members page, which mails the link

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _each(self, request, queryset, act, done):
        count = 0
        for invitation in queryset.select_related("cooperative"):
            actor = _admin_of(request, invitation.cooperative)
            if actor is None:
                self.message_user(
                    request,
                    _("%(email)s: you are not an admin of %(coop)s.")
                    % {"email": invitation.email, "coop": invitation.cooperative.name},
                    messages.ERROR,
                )
                continue
            try:
                act(invitation=invitation, actor=actor)
            except DomainError as error:
                self.message_user(request, f"{invitation.email}: {error.message}", messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done(count), messages.SUCCESS)

    @admin.action(description=gettext_lazy("Resend selected invitations (a new link)"))
    def resend_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            invitations.resend_invitation,
            lambda n: ngettext("%(count)d invitation resent.", "%(count)d invitations resent.", n)
            % {"count": n},
        )

    @admin.action(description=gettext_lazy("Revoke selected invitations"))
    def revoke_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            invitations.revoke_invitation,
            lambda n: ngettext("%(count)d invitation revoked.", "%(count)d invitations revoked.", n)
            % {"count": n},
        )

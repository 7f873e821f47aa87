"""Django admin of payroll. Every write is a service call (audited); nothing is edited in place.

The acting member is the admin user's membership in the row's co-op; a user who is not that
co-op's treasurer is refused (a staff user who is no member must never act as the system).
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coop.errors import DomainError, InvalidInputs
from coop.models import Cooperative, Member
from payroll import distributing, services
from payroll.models import (
    CapitalAccountEntry,
    Distribution,
    DistributionDocument,
    DistributionLine,
    DistributionPolicy,
    DocumentFailure,
    Expense,
    Revenue,
)


def treasurer_of(request: HttpRequest, cooperative: Cooperative) -> Member | None:
    """The admin user's membership in the co-op when it holds the treasurer role."""
    return (
        Member.objects.current()
        .filter(cooperative=cooperative, user=request.user, is_treasurer=True)
        .select_related("cooperative", "user")
        .first()
    )


class ServiceAddForm(forms.ModelForm):
    """An add form whose row is created by a service on behalf of the co-op's treasurer."""

    request: HttpRequest

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        cooperative = data.get("cooperative")
        if cooperative is not None:
            self.actor = treasurer_of(self.request, cooperative)
            if self.actor is None:
                self.add_error(
                    "cooperative",
                    _("Only the treasurer of %s may record this.") % cooperative.name,
                )
        return data


class ServiceAdmin(admin.ModelAdmin):
    """Rows are added through `create(request, form)` (a service), never changed or deleted.

    A refusal the form could not foresee (a race: the month was approved meanwhile) comes back
    as a message on the add page; the transaction of the admin view is rolled back.
    """

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request  # a fresh class per call: modelform_factory
        return form

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return super().get_readonly_fields(request, obj)
        return [field.name for field in self.model._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def create(self, request: HttpRequest, form: Any) -> Any:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        created = self.create(request, form)
        obj.pk = created.pk
        obj.__dict__.update({k: v for k, v in created.__dict__.items() if not k.startswith("_")})
        obj._state.adding = False


class RevenueForm(ServiceAddForm):
    class Meta:
        model = Revenue
        fields = [
            "cooperative", "client", "project", "amount", "received_on", "invoice_reference",
            "note",
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        cooperative, client = data.get("cooperative"), data.get("client")
        if cooperative and client and client.cooperative_id != cooperative.pk:
            self.add_error("client", _("This client is not one of the co-op's."))
        project = data.get("project")
        if client and project and project.client_id != client.pk:
            self.add_error("project", _("This project is not one of the client's."))
        if cooperative and data.get("received_on"):
            try:
                services.ensure_money_month_open(cooperative, data["received_on"])
            except DomainError as error:
                self.add_error("received_on", error.message)
        return data


@admin.register(Revenue)
class RevenueAdmin(ServiceAdmin):
    form = RevenueForm
    list_display = ["received_on", "cooperative", "client", "project", "amount", "currency"]
    list_filter = ["cooperative", ("received_on", admin.DateFieldListFilter)]
    search_fields = ["client__name", "invoice_reference", "note"]
    list_select_related = ["cooperative", "client", "project"]
    date_hierarchy = "received_on"
    raw_id_fields = ["client", "project"]

    def create(self, request, form):
        data = form.cleaned_data
        return services.record_revenue(
            actor=form.actor,
            cooperative=data["cooperative"],
            client=data["client"],
            project=data.get("project"),
            amount=data["amount"],
            received_on=data["received_on"],
            invoice_reference=data.get("invoice_reference", ""),
            note=data.get("note", ""),
        )


class ExpenseForm(ServiceAddForm):
    class Meta:
        model = Expense
        fields = ["cooperative", "category", "amount", "date", "payee", "note", "receipt"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("cooperative") and data.get("date"):
            try:
                services.ensure_money_month_open(data["cooperative"], data["date"])
            except DomainError as error:
                self.add_error("date", error.message)
        return data


def _act_on_each(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    act: Callable[[Member, Any], Any],
    done: str,
) -> None:
    """Run a service on each selected row as the user's treasurer membership; report refusals."""
    succeeded, refusals = 0, []
    for obj in queryset.select_related("cooperative"):
        actor = treasurer_of(request, obj.cooperative)
        if actor is None:
            refusals.append(
                _("%(row)s: you are not the treasurer of %(coop)s.")
                % {"row": obj, "coop": obj.cooperative.name}
            )
            continue
        try:
            act(actor, obj)
        except DomainError as error:
            refusals.append(f"{obj}: {error.message}")
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, done % {"count": succeeded}, messages.SUCCESS)
    for refusal in refusals:
        modeladmin.message_user(request, refusal, messages.ERROR)


@admin.register(Expense)
class ExpenseAdmin(ServiceAdmin):
    form = ExpenseForm
    list_display = ["date", "cooperative", "category", "payee", "amount", "currency", "status"]
    list_filter = ["cooperative", "status", "category", ("date", admin.DateFieldListFilter)]
    search_fields = ["payee", "note"]
    list_select_related = ["cooperative"]
    date_hierarchy = "date"
    actions = ["approve_selected", "reject_selected"]

    def create(self, request, form):
        data = form.cleaned_data
        return services.record_expense(
            actor=form.actor,
            cooperative=data["cooperative"],
            category=data["category"],
            amount=data["amount"],
            date=data["date"],
            payee=data["payee"],
            note=data.get("note", ""),
            receipt=data.get("receipt") or None,
        )

    @admin.action(description=gettext_lazy("Approve selected expenses"))
    def approve_selected(self, request, queryset):
        _act_on_each(
            self,
            request,
            queryset,
            lambda actor, expense: services.decide_expense(
                actor=actor, expense=expense, approve=True
            ),
            _("Approved %(count)d expenses."),
        )

    @admin.action(description=gettext_lazy("Reject selected expenses"))
    def reject_selected(self, request, queryset):
        _act_on_each(
            self,
            request,
            queryset,
            lambda actor, expense: services.decide_expense(
                actor=actor, expense=expense, approve=False
            ),
            _("Rejected %(count)d expenses."),
        )


class PolicyForm(ServiceAddForm):
    class Meta:
        model = DistributionPolicy
        fields = ["cooperative", *services.POLICY_FIELDS, "note"]
        help_texts = {
            name: gettext_lazy("A fraction of 1: 0.15 is 15 %.")
            for name in ("commons_pct", "reserve_pct", "education_pct", "cash_pct")
        } | {
            "commons_recipients": gettext_lazy(
                'A list such as [{"name": "Django Software Foundation", "weight": "2"}, '
                '{"name": "OpenStreetMap Foundation", "weight": "1", "iban": "…"}].'
            )
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        cooperative = data.get("cooperative")
        if cooperative and cooperative.settings["policy_adoption"] == "vote":
            self.add_error(
                "cooperative",
                _(
                    "The bylaws say distribution policies are adopted by vote: draft a policy "
                    "proposal with the action adopt_distribution_policy."
                ),
            )
        if self.errors:
            return data
        recipients = data.get("commons_recipients") or []
        if not isinstance(recipients, list) or not all(isinstance(r, dict) for r in recipients):
            self.add_error("commons_recipients", _("Give a list of objects with name and weight."))
            return data
        try:
            data["commons_recipients"] = [
                {**r, "weight": str(Decimal(str(r.get("weight"))))} for r in recipients
            ]
            services.policy_terms({name: data.get(name) for name in services.POLICY_FIELDS})
        except ArithmeticError:
            self.add_error("commons_recipients", _("Every weight is a number, such as 2."))
        except InvalidInputs as error:
            for field, problems in error.errors.items():
                target = field if field in self.fields else None
                if field.startswith("commons_recipients"):
                    target = "commons_recipients"
                for problem in problems:
                    self.add_error(target, problem)
        return data


@admin.register(DistributionPolicy)
class DistributionPolicyAdmin(ServiceAdmin):
    """Policies are adopted (a new version), never edited: the add form calls adopt_policy."""

    form = PolicyForm
    list_display = ["cooperative", "version", "method", "commons_pct", "approval", "adopted_at"]
    list_filter = ["cooperative", "method", "approval"]
    list_select_related = ["cooperative"]
    search_fields = ["cooperative__name", "cooperative__slug", "note"]
    date_hierarchy = "adopted_at"

    def create(self, request, form):
        data = form.cleaned_data
        return services.adopt_policy(
            actor=form.actor,
            cooperative=data["cooperative"],
            note=data.get("note", ""),
            **{name: data.get(name) for name in services.POLICY_FIELDS},
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
        _act_on_each(
            self,
            request,
            queryset,
            lambda actor, run: service(actor=actor, distribution=run),
            done,
        )

    @admin.action(description=gettext_lazy("Recompute selected drafts"))
    def recompute_drafts(self, request, queryset):
        self._run(
            request, queryset, distributing.recompute_draft, _("Recomputed %(count)d drafts.")
        )

    @admin.action(description=gettext_lazy("Approve selected drafts"))
    def approve_drafts(self, request, queryset):
        self._run(
            request,
            queryset,
            distributing.approve_distribution,
            _("Approved %(count)d drafts (or opened their vote, where the policy says so)."),
        )

    @admin.action(description=gettext_lazy("Void selected drafts"))
    def void_drafts(self, request, queryset):
        self._run(request, queryset, distributing.void_draft, _("Voided %(count)d drafts."))

    @admin.action(description=gettext_lazy("Mark selected as paid"))
    def mark_paid(self, request, queryset):
        self._run(request, queryset, distributing.mark_paid, _("Marked %(count)d as paid."))

    @admin.action(description=gettext_lazy("Regenerate the failed files of selected"))
    def regenerate_files(self, request, queryset):
        self._run(
            request,
            queryset,
            distributing.regenerate_documents,
            _("The failed files of %(count)d distributions are being generated again."),
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CapitalAccountEntry)
class CapitalAccountEntryAdmin(ReadOnlyAdmin):
    """Entries are made by the services: allocations on approval, redemptions and adjustments
    from the capital accounts page."""

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

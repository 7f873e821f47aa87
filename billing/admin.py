"""Django admin for billing. Rates and settings are edited here through the same services as the
pages (their checks and audit events); invoices, their lines, billed entries and payments are
read-only: an issued invoice never changes, and drafts, issues, credit notes and payments go
through the treasurer's pages and the API."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from billing import rate_services, setup
from billing.models import (
    BilledEntry,
    BillingRate,
    BillingSettings,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentRevenue,
)
from coop.admin_read_only import ReadOnlyAdmin
from coop.errors import DomainError, InvalidInputs
from coop.models import Member


def _actor(request, cooperative) -> Member | None:
    """The admin's membership in the co-op, or the system (a superuser from outside it)."""
    return Member.objects.filter(cooperative=cooperative, user=request.user).first()


class ServiceForm(forms.ModelForm):
    """Checks a change by running its service and rolling it back: the form shows the refusal
    next to the field the service names; `save_model` then runs it for real."""

    request: Any = None

    def run(self, actor: Member | None) -> Any:
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            with transaction.atomic():
                self.run(actor=None)
                transaction.set_rollback(True)
        except InvalidInputs as error:
            for field, messages in error.errors.items():
                self.add_error(field if field in self.fields else None, messages)
        except DomainError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        return data


class BillingRateForm(ServiceForm):
    class Meta:
        model = BillingRate
        fields = ["cooperative", "client", "project", "member", "rate", "currency", "valid_from"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "currency" in self.fields:
            self.fields["currency"].required = False
            self.fields["currency"].help_text = _("empty: the client’s currency, or the co-op’s")
        if "rate" in self.fields:
            self.fields["rate"].validators = []  # the service says why, in its words

    def run(self, actor):
        data = self.cleaned_data
        if self.instance.pk is None:
            return rate_services.create_rate(
                cooperative=data["cooperative"],
                actor=actor,
                rate=data["rate"],
                valid_from=data["valid_from"],
                currency=data.get("currency") or "",
                client=data.get("client"),
                project=data.get("project"),
                member=data.get("member"),
            )
        return rate_services.update_rate(
            billing_rate=self.instance,
            actor=actor,
            rate=data["rate"],
            valid_from=data["valid_from"],
        )


@admin.register(BillingRate)
class BillingRateAdmin(admin.ModelAdmin):
    form = BillingRateForm
    list_display = ["scope", "rate", "currency", "valid_from", "cooperative"]
    list_filter = ["cooperative"]
    search_fields = ["scope", "client__name", "project__name"]
    list_select_related = ["cooperative"]
    autocomplete_fields = ["client", "project", "member"]

    def get_readonly_fields(self, request, obj=None):
        # A rate's level and currency stay: delete it and add another.
        return ["cooperative", "client", "project", "member", "currency"] if obj else []

    def save_model(self, request, obj, form, change):
        cooperative = obj.cooperative
        saved = form.run(actor=_actor(request, cooperative))
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        rate_services.delete_rate(billing_rate=obj, actor=_actor(request, obj.cooperative))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class BillingSettingsForm(ServiceForm):
    class Meta:
        model = BillingSettings
        fields = [
            "cooperative", "number_pattern", "standard_vat_rate", "reduced_vat_rate",
            "exemption_note", "dunning_days",
        ]  # fmt: skip

    def run(self, actor):
        data = dict(self.cleaned_data)
        cooperative = data.pop("cooperative", None) or self.instance.cooperative
        data["dunning_days"] = data.get("dunning_days") or []
        return setup.update_billing_settings(cooperative=cooperative, actor=actor, **data)


@admin.register(BillingSettings)
class BillingSettingsAdmin(admin.ModelAdmin):
    form = BillingSettingsForm
    list_display = ["cooperative", "number_pattern", "standard_vat_rate", "reduced_vat_rate"]

    def get_readonly_fields(self, request, obj=None):
        return ["cooperative"] if obj else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            # The co-op is read-only, so it is not in the form's data: take the row's.
            form.base_fields.pop("cooperative", None)
        return form

    def save_model(self, request, obj, form, change):
        saved = form.run(actor=_actor(request, obj.cooperative))
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class InvoiceLineInline(ReadOnlyInline):
    model = InvoiceLine
    fields = ["position", "description", "minutes", "quantity", "unit_price", "net",
              "vat_category", "vat_rate"]  # fmt: skip
    readonly_fields = fields


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["received_on", "amount", "currency", "amount_in_coop_currency"]
    readonly_fields = fields


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "status", "client", "issue_date", "gross_total", "currency"]
    list_filter = ["cooperative", "status", "kind"]
    search_fields = ["number", "client__name"]
    list_select_related = ["client"]
    inlines = [InvoiceLineInline, PaymentInline]


class BilledEntryInline(ReadOnlyInline):
    model = BilledEntry
    fields = ["entry"]
    readonly_fields = fields


@admin.register(InvoiceLine)
class InvoiceLineAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "net", "vat_category"]
    search_fields = ["invoice__number", "description"]
    inlines = [BilledEntryInline]


@admin.register(BilledEntry)
class BilledEntryAdmin(ReadOnlyAdmin):
    list_display = ["entry", "line"]
    list_select_related = ["entry", "line__invoice"]


class PaymentRevenueInline(ReadOnlyInline):
    model = PaymentRevenue
    fields = ["revenue"]
    readonly_fields = fields


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["invoice", "received_on", "amount", "currency"]
    list_filter = ["cooperative"]
    list_select_related = ["invoice"]
    inlines = [PaymentRevenueInline]

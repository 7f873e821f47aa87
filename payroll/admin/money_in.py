"""Admin of revenue and expenses: recorded, approved and rejected through the services."""

from typing import Any

from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from coop.errors import DomainError
from payroll.admin.base import ServiceAddForm, ServiceAdmin, act_on_each
from payroll.models import Expense, Revenue
from payroll.services import money_checks, money_in, spending


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
                money_checks.ensure_money_month_open(cooperative, data["received_on"])
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
        return money_in.record_revenue(
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
                money_checks.ensure_money_month_open(data["cooperative"], data["date"])
            except DomainError as error:
                self.add_error("date", error.message)
        return data


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
        return spending.record_expense(
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
        act_on_each(
            self,
            request,
            queryset,
            lambda actor, expense: spending.decide_expense(
                actor=actor, expense=expense, approve=True
            ),
            lambda n: ngettext("Approved %(count)d expense.", "Approved %(count)d expenses.", n),
        )

    @admin.action(description=gettext_lazy("Reject selected expenses"))
    def reject_selected(self, request, queryset):
        act_on_each(
            self,
            request,
            queryset,
            lambda actor, expense: spending.decide_expense(
                actor=actor, expense=expense, approve=False
            ),
            lambda n: ngettext("Rejected %(count)d expense.", "Rejected %(count)d expenses.", n),
        )

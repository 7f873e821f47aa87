"""Django admin for the bank. Accounts are added, changed and removed here through the same
services as the pages (their checks and audit events); statements and their transactions are
read-only: they change only by importing a file."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction

from banking import accounts
from banking.models import BankAccount, BankMatch, BankStatement, BankTransaction
from coop.admin_read_only import ReadOnlyAdmin
from coop.errors import DomainError, InvalidInputs
from coop.models import Member

ACCOUNT_FIELDS = [
    "name", "iban", "bic", "other_identifier", "currency", "opening_balance", "opening_date",
    "csv_mapping",
]  # fmt: skip


def _actor(request, cooperative) -> Member | None:
    """The admin's membership in the co-op, or the system (a superuser from outside it)."""
    return Member.objects.filter(cooperative=cooperative, user=request.user).first()


class BankAccountForm(forms.ModelForm):
    """Checks a change by running its service and rolling it back, so that the refusal shows
    next to the field it names; `save_model` then runs it for real."""

    request: Any = None

    class Meta:
        model = BankAccount
        fields = ["cooperative", *ACCOUNT_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("iban", "bic", "currency"):
            if name in self.fields:
                self.fields[name].validators = []  # the service says why, in its words
                self.fields[name].max_length = 50

    def run(self, actor: Member | None) -> BankAccount:
        data = {name: self.cleaned_data.get(name) for name in ACCOUNT_FIELDS}
        data["csv_mapping"] = data["csv_mapping"] or {}
        if self.instance.pk is None:
            return accounts.create_account(
                cooperative=self.cleaned_data["cooperative"], actor=actor, **data
            )
        return accounts.update_account(account=self.instance, actor=actor, **data)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        cooperative = data.get("cooperative") or self.instance.cooperative
        try:
            with transaction.atomic():
                self.run(actor=_actor(self.request, cooperative) if self.request else None)
                transaction.set_rollback(True)
        except InvalidInputs as error:
            for field, messages in error.errors.items():
                self.add_error(field if field in self.fields else None, messages)
        except DomainError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        return data


@admin.register(BankAccount)
class BankAccountAdmin(admin.ModelAdmin):
    form = BankAccountForm
    list_display = [
        "name",
        "iban",
        "other_identifier",
        "currency",
        "opening_balance",
        "cooperative",
    ]
    list_filter = ["cooperative", "currency"]
    search_fields = ["name", "iban", "other_identifier"]
    list_select_related = ["cooperative"]

    def get_readonly_fields(self, request, obj=None):
        return ["cooperative"] if obj else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            form.base_fields.pop("cooperative", None)
        form.request = request
        return form

    def save_model(self, request, obj, form, change):
        saved = form.run(actor=_actor(request, obj.cooperative))
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        # An account with statements stays on record (the service refuses it too).
        return super().has_delete_permission(request, obj) and not (
            obj is not None and obj.statements.exists()
        )

    def delete_model(self, request, obj):
        accounts.delete_account(account=obj, actor=_actor(request, obj.cooperative))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(BankStatement)
class BankStatementAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "format", "closing_date", "closing_balance", "transaction_count"]
    list_filter = ["account__cooperative", "format"]
    list_select_related = ["account"]


@admin.register(BankTransaction)
class BankTransactionAdmin(ReadOnlyAdmin):
    list_display = ["booking_date", "amount", "counterparty_name", "account"]
    list_filter = ["account__cooperative"]
    search_fields = ["counterparty_name", "remittance_information", "bank_reference"]
    list_select_related = ["account"]


@admin.register(BankMatch)
class BankMatchAdmin(ReadOnlyAdmin):
    """Matches change only through reconciling (the pages and the API), which records what each
    confirm and undo did; here they are read."""

    list_display = ["transaction", "kind", "amount", "status", "confidence", "confirmed_at"]
    list_filter = ["transaction__account__cooperative", "status", "kind"]
    search_fields = [
        "transaction__counterparty_name",
        "transaction__remittance_information",
        "invoice__number",
        "note",
    ]
    list_select_related = ["transaction", "transaction__account"]

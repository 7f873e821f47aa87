"""Pages of the co-op's bank accounts under /c/<slug>/bank/: the list with balances, adding
and changing an account, its CSV columns, removing it. Every member reads; the treasurer writes
(403 otherwise). A refused form is shown again with the message next to the field (400, or 409
for a conflict such as an account with statements)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from banking import accounts
from banking.forms import AccountForm, CsvMappingForm, field_of_problem
from banking.models import BankAccount
from banking.selectors import accounts_with_balances
from coop import access
from coop.errors import DomainError, InvalidInputs
from coop.forms import refuse_form
from coop.models import Member

# What a member who is not the treasurer is told.
REFUSAL = gettext_lazy("Only the treasurer may change the bank accounts.")


def _account_or_404(member: Member, pk: int) -> BankAccount:
    return get_object_or_404(BankAccount, cooperative=member.cooperative, pk=pk)


def _context(member: Member, **extra) -> dict:
    return {
        "member": member,
        "cooperative": member.cooperative,
        "is_treasurer": member.is_treasurer,
        "section": "accounts",
        **extra,
    }


@login_required
def account_list(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = access.membership(request, coop_slug)
    context = _context(member, accounts=list(accounts_with_balances(member.cooperative)))
    return render(request, "banking/account_list.html", context)


def _form_page(
    request: HttpRequest,
    member: Member,
    form: AccountForm,
    account: BankAccount | None,
    status: int = 200,
) -> HttpResponse:
    context = _context(member, form=form, account=account)
    return render(request, "banking/account_form.html", context, status=status)


@login_required
def account_new(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = access.treasurer_or_403(request, coop_slug, REFUSAL)
    if request.method != "POST":
        initial = {"currency": member.cooperative.currency, "opening_balance": 0}
        return _form_page(request, member, AccountForm(initial=initial), None)
    form = AccountForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            account = accounts.create_account(
                cooperative=member.cooperative, actor=member, **form.cleaned_data
            )
        except DomainError as error:
            status = refuse_form(form, error)
        else:
            messages.success(request, _("Added the account %(name)s.") % {"name": account.name})
            return redirect("bank-accounts", coop_slug)
    return _form_page(request, member, form, None, status)


@login_required
def account_edit(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = access.treasurer_or_403(request, coop_slug, REFUSAL)
    account = _account_or_404(member, pk)
    if request.method != "POST":
        initial = {name: getattr(account, name) for name in AccountForm.base_fields}
        return _form_page(request, member, AccountForm(initial=initial), account)
    form = AccountForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            accounts.update_account(account=account, actor=member, **form.cleaned_data)
        except DomainError as error:
            status = refuse_form(form, error)
        else:
            messages.success(request, _("Saved the account %(name)s.") % {"name": account.name})
            return redirect("bank-accounts", coop_slug)
    return _form_page(request, member, form, account, status)


@login_required
@require_POST
def account_delete(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = access.treasurer_or_403(request, coop_slug, REFUSAL)
    account = _account_or_404(member, pk)
    try:
        accounts.delete_account(account=account, actor=member)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Removed the account %(name)s.") % {"name": account.name})
    return redirect("bank-accounts", coop_slug)


@login_required
def account_csv(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    """The columns of the bank's CSV export for this account: every member reads them, the
    treasurer saves them."""
    member = access.membership(request, coop_slug)
    account = _account_or_404(member, pk)
    status = 200
    if request.method == "POST":
        if not member.is_treasurer:
            raise PermissionDenied(_("Only the treasurer may change the bank accounts."))
        form = CsvMappingForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                accounts.save_csv_mapping(account=account, actor=member, mapping=form.mapping())
            except InvalidInputs as error:
                for problem in error.errors.get("csv_mapping", []):
                    field = field_of_problem(problem)
                    form.add_error(field if field in form.fields else None, problem)
            except DomainError as error:
                status = refuse_form(form, error)
            else:
                messages.success(
                    request,
                    _("Saved the CSV columns of %(name)s.") % {"name": account.name},
                )
                return redirect("bank-account-csv", coop_slug, account.pk)
    else:
        form = CsvMappingForm(initial=CsvMappingForm.initial_of(account.csv_mapping))
    context = _context(member, form=form, account=account)
    return render(request, "banking/account_csv.html", context, status=status)

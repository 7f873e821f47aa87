"""Pages of bank statements: the list (with each account's balance over time), a statement and
its transactions, and the upload: file → preview → confirm. Every member reads; the treasurer
uploads (403 for other members, 404 for anyone outside the co-op).

The previewed file is kept on the server (`banking.kept_statements`) behind a signed token, so
that confirming needs no second upload.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from banking import importing, kept_statements, statement_presenters, statement_selectors
from banking.statement_forms import StatementUploadForm
from coop import access
from coop.errors import DomainError
from coop.models import Member
from coop.models.cooperative import Role

TRANSACTIONS_PER_PAGE = 100
STATEMENTS_PER_PAGE = 50

# What a member who is not the treasurer is told.
REFUSAL = gettext_lazy("Only the treasurer may import bank statements.")


def _context(member: Member, **extra) -> dict:
    return {
        "member": member,
        "cooperative": member.cooperative,
        "is_treasurer": member.has_role(Role.TREASURER),
        "nav_section": "bank",
        "section": "statements",  # banking/_subnav.html
        **extra,
    }


@login_required
def statement_list(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = access.membership(request, coop_slug)
    accounts = []
    for account in statement_selectors.accounts_of(member.cooperative):
        series = statement_selectors.balance_over_time(account)
        accounts.append(
            {
                "account": account,
                "balance": series[-1].balance,
                "chart": statement_presenters.balance_chart(account, series),
            }
        )
    statements = Paginator(statement_selectors.statements_of(member.cooperative),
                           STATEMENTS_PER_PAGE).get_page(request.GET.get("page"))  # fmt: skip
    return render(
        request,
        "banking/statements/list.html",
        _context(member, accounts=accounts, page=statements),
    )


@login_required
def statement_detail(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = access.membership(request, coop_slug)
    statement = get_object_or_404(statement_selectors.statements_of(member.cooperative), pk=pk)
    transactions = Paginator(statement.transactions.order_by("booking_date", "id"),
                             TRANSACTIONS_PER_PAGE)  # fmt: skip
    page = transactions.get_page(request.GET.get("page"))
    return render(
        request,
        "banking/statements/detail.html",
        _context(member, statement=statement, page=page, currency=statement.account.currency),
    )


@login_required
def statement_upload(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = access.treasurer_or_403(request, coop_slug, REFUSAL)
    cooperative = member.cooperative
    if request.method != "POST":
        form = StatementUploadForm(cooperative=cooperative)
        return render(request, "banking/statements/upload.html", _context(member, form=form))
    form = StatementUploadForm(request.POST, request.FILES, cooperative=cooperative)
    if not form.is_valid():
        return render(
            request, "banking/statements/upload.html", _context(member, form=form),
            status=form.status,
        )  # fmt: skip
    upload, account = form.cleaned_data["file"], form.cleaned_data["account"]
    chosen_format = form.cleaned_data["format"] or None
    closing_balance = form.cleaned_data["closing_balance"]
    preview = importing.preview_statement(
        actor=member, cooperative=cooperative, data=upload, format=chosen_format, account=account,
        closing_balance=closing_balance,
    )  # fmt: skip
    token = ""
    if preview.ok:
        token = kept_statements.keep(
            member, upload, upload.name or "", chosen_format or "", account.pk if account else None,
            "" if closing_balance is None else str(closing_balance),
        )  # fmt: skip
    return render(
        request,
        "banking/statements/preview.html",
        _context(member, preview=preview, token=token, file_name=upload.name, form=form),
        status=200 if preview.ok else 400,
    )


@login_required
@require_POST
def statement_confirm(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = access.treasurer_or_403(request, coop_slug, REFUSAL)
    cooperative = member.cooperative
    token = request.POST.get("kept", "")
    value = kept_statements.kept(member, token)
    form = StatementUploadForm(cooperative=cooperative)
    if value is None:
        error = _("The previewed file is no longer kept (after an hour): upload it again.")
        return render(
            request, "banking/statements/upload.html", _context(member, form=form, error=error),
            status=400,
        )  # fmt: skip
    account = None
    if value.get("account"):
        account = statement_selectors.accounts_of(cooperative).filter(pk=value["account"]).first()
    try:
        with default_storage.open(value["file"], "rb") as handle:
            result = importing.import_statement(
                actor=member,
                cooperative=cooperative,
                data=handle,
                file_name=value["name"],
                format=value["format"] or None,
                account=account,
                closing_balance=Decimal(value["closing_balance"])
                if value.get("closing_balance")
                else None,
            )
    except DomainError as refused:
        kept_statements.forget(member, token)
        return render(
            request, "banking/statements/upload.html",
            _context(member, form=form, error=refused.message), status=refused.status,
        )  # fmt: skip
    kept_statements.forget(member, token)
    messages.success(request, _import_sentence(result))
    return redirect("bank-statement", coop_slug=cooperative.slug, pk=result.statements[0].pk)


def _import_sentence(result: importing.ImportResult) -> str:
    count = len(result.statements)
    sentences = [
        ngettext(
            "%(count)d statement was imported.", "%(count)d statements were imported.", count
        ) % {"count": count},
        ngettext(
            "%(count)d transaction was added.", "%(count)d transactions were added.", result.added
        ) % {"count": result.added},
    ]  # fmt: skip
    if result.skipped:
        sentences.append(
            ngettext(
                "%(count)d transaction was imported before and was skipped.",
                "%(count)d transactions were imported before and were skipped.",
                result.skipped,
            )
            % {"count": result.skipped}
        )
    return " ".join(sentences)

"""Pages of the journal (filtered, a page at a time, each entry with its lines and a link to
its source record), the chart of accounts with balances, and one account's ledger with its
running balance. Every member of the co-op reads them."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from books import selectors, source_pages
from books.forms import JournalFilterForm, PeriodFilterForm
from books.reports import shown
from books.views import access

ENTRIES_PER_PAGE = 50
LINES_PER_PAGE = 100


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def journal_page(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = access.membership(request, coop_slug)
    cooperative = member.cooperative
    form = JournalFilterForm(request.GET or None, cooperative=cooperative)
    if form.is_bound and not form.is_valid():
        context = access.context(member, "journal", form=form, page=None)
        return render(request, "books/journal.html", context, status=400)
    filters = form.filters() if form.is_bound else selectors.JournalFilters()
    page = Paginator(selectors.journal(cooperative, filters), ENTRIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    entries = [
        (entry, source_pages.link(cooperative.slug, entry.source_type, entry.source_id))
        for entry in page.object_list
    ]
    context = access.context(
        member, "journal", form=form, page=page, entries=entries,
        query=_query_without_page(request),
        filtered=any(request.GET.get(name) for name in form.fields),
    )  # fmt: skip
    return render(request, "books/journal.html", context)


@login_required
def accounts_page(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = access.membership(request, coop_slug)
    accounts = [
        (account, shown(account.type, account.signed_balance))  # type: ignore[attr-defined]
        for account in selectors.accounts_with_balances(member.cooperative)
    ]
    return render(
        request, "books/accounts.html", access.context(member, "accounts", accounts=accounts)
    )


@login_required
def ledger_page(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = access.membership(request, coop_slug)
    cooperative = member.cooperative
    account = get_object_or_404(selectors.accounts_of(cooperative), pk=pk)
    form = PeriodFilterForm(request.GET or None, cooperative=cooperative)
    context = access.context(member, "accounts", account=account, form=form)
    if form.is_bound and not form.is_valid():
        return render(request, "books/ledger.html", context, status=400)
    data = form.cleaned_data if form.is_bound else {}
    first, last, holder = data.get("date_after"), data.get("date_before"), data.get("member")
    opening = selectors.opening_balance(account, first, holder)
    page = Paginator(selectors.ledger_lines(account, first, last, holder), LINES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context.update(
        page=page,
        lines=selectors.with_balances(account, list(page.object_list), opening),
        opening=shown(account.type, opening),
        first=first,
        query=_query_without_page(request),
    )
    return render(request, "books/ledger.html", context)

"""Pages of balances, funds and reports: every member of the co-op reads them.

A report of a period without entries shows a message saying so (the API answers 404); a year
or month the query string cannot be read as is a 400 naming it.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from books import balances, periods, presenters, reports, ties
from books.views import access
from coop.clock import today_in
from coop.errors import InvalidInput
from coop.models import Member

REPORTS = {
    "trial-balance": (reports.trial_balance, "books/report_trial_balance.html"),
    "balance-sheet": (reports.balance_sheet, "books/report_balance_sheet.html"),
    "income-statement": (reports.income_statement, "books/report_income_statement.html"),
    "ties": (ties.ties_to_money_pages, "books/report_ties.html"),
}


def _period(request: HttpRequest, member: Member) -> periods.Period:
    return periods.from_query(
        year_value=request.GET.get("year"),
        month_value=request.GET.get("month"),
        today=today_in(member.cooperative),
    )


def _refused(request: HttpRequest, member: Member, section: str, error: InvalidInput):
    context = access.context(member, section, error=error.message, field=error.field)
    return render(request, "books/refused.html", context, status=error.status)


@login_required
def balances_page(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = access.membership(request, coop_slug)
    cooperative = member.cooperative
    shown = balances.role_balances(cooperative)
    capital = balances.members_capital(cooperative)
    context = access.context(
        member, "balances",
        balances=shown,
        labels=presenters.role_labels(),
        chart=presenters.balances_chart(shown, cooperative.currency) if shown else None,
        capital=capital,
        bank_tie=balances.bank_tie(cooperative),
    )  # fmt: skip
    return render(request, "books/balances.html", context)


@login_required
def funds_page(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = access.membership(request, coop_slug)
    try:
        period = _period(request, member)
    except InvalidInput as error:
        return _refused(request, member, "funds", error)
    currency = member.cooperative.currency
    histories = [
        (history, presenters.fund_chart(history, currency))
        for history in balances.fund_histories(member.cooperative, period)
    ]
    context = access.context(
        member, "funds", period=period, histories=histories, labels=presenters.role_labels()
    )
    return render(request, "books/funds.html", context)


@login_required
def report_page(request: HttpRequest, coop_slug: str, report: str) -> HttpResponse:
    member = access.membership(request, coop_slug)
    if report not in REPORTS:
        raise Http404("No such report.")
    build, template = REPORTS[report]
    try:
        period = _period(request, member)
    except InvalidInput as error:
        return _refused(request, member, report, error)
    cooperative = member.cooperative
    context = access.context(
        member, report, period=period, report=report, title=presenters.report_titles()[report]
    )
    try:
        result = build(cooperative, period)
    except reports.NoBooks as empty:
        context["empty"] = empty.message
        return render(request, template, context)
    context["result"] = result
    if isinstance(result, reports.BalanceSheet):
        context["chart"] = presenters.balance_sheet_chart(result, cooperative.currency)
    elif isinstance(result, reports.IncomeStatement):
        context["chart"] = presenters.income_chart(result, cooperative.currency)
    return render(request, template, context)

"""The month overview: revenue, expenses and the month's books; the treasurer records and decides.

A refused form is shown again with the message next to the field (400, or 409 for a conflict,
such as a locked month).
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop.access import membership, treasurer_or_403
from coop.clock import today_in
from coop.errors import DomainError
from coop.forms import refuse_form
from coop.models import Cooperative, Member
from coop.months import month_bounds, month_label
from coop.templatetags.money import amount as shown_amount
from payroll import presenters, selectors
from payroll.downloads import receipt_response
from payroll.forms import ExpenseForm, RevenueForm, month_choice
from payroll.models import Expense, Revenue
from payroll.services import money_in, spending
from payroll.views.access import context_for, overview_url, posted_month


def _month_day(cooperative: Cooperative, month: datetime.date) -> datetime.date:
    """The day a new entry of the month defaults to: today, or the month's last day."""
    first, last = month_bounds(month)
    return min(max(today_in(cooperative), first), last)


def _overview(
    request: HttpRequest,
    member: Member,
    month: datetime.date,
    *,
    revenue_form: RevenueForm | None = None,
    expense_form: ExpenseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    cooperative = member.cooperative
    books = selectors.month_books(cooperative, month)
    context = context_for(
        member,
        "month",
        books=books,
        month=books.month,
        month_label=month_label(books.month),
        previous_month=books.month - datetime.timedelta(days=1),
        next_month=month_bounds(books.month)[1] + datetime.timedelta(days=1),
        chart=books.chart,
        surplus=books.distribution.surplus if books.distribution else None,
        proposal_url=presenters.proposal_url(
            books.distribution and books.distribution.approval_proposal
        ),
    )
    if member.is_treasurer and not books.locked:
        day = _month_day(cooperative, books.month)
        context.update(
            clients=selectors.clients_with_projects(cooperative),
            categories=list(
                Expense.objects.filter(cooperative=cooperative)
                .order_by("category")
                .values_list("category", flat=True)
                .distinct()[:100]
            ),
            revenue_form=revenue_form
            or RevenueForm(cooperative=cooperative, initial={"received_on": day}),
            expense_form=expense_form or ExpenseForm(initial={"date": day}),
        )
    return render(request, "payroll/overview.html", context, status=status)


@login_required
def overview(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = membership(request, coop_slug)
    month = month_choice(request.GET.get("month")) or selectors.default_month(member.cooperative)
    return _overview(request, member, month)


@login_required
@require_POST
def record_revenue(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = treasurer_or_403(request, coop_slug)
    cooperative = member.cooperative
    form = RevenueForm(request.POST, cooperative=cooperative)
    status = 400
    if form.is_valid():
        try:
            revenue = money_in.record_revenue(
                actor=member, cooperative=cooperative, **form.cleaned_data
            )
        except DomainError as error:
            status = refuse_form(form, error, {"date": "received_on"})
        else:
            messages.success(
                request,
                _("Recorded %(amount)s %(currency)s from %(client)s.")
                % {
                    "amount": shown_amount(revenue.amount, revenue.currency),
                    "currency": revenue.currency,
                    "client": revenue.client.name,
                },
            )
            return redirect(overview_url(cooperative, revenue.received_on))
    return _overview(
        request, member, posted_month(request, member), revenue_form=form, status=status
    )


@login_required
@require_POST
def delete_revenue(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = treasurer_or_403(request, coop_slug)
    revenue = get_object_or_404(Revenue, cooperative=member.cooperative, pk=pk)
    try:
        money_in.delete_revenue(actor=member, revenue=revenue)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Deleted the revenue of %s.") % revenue.received_on)
    return redirect(overview_url(member.cooperative, revenue.received_on))


@login_required
@require_POST
def record_expense(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = treasurer_or_403(request, coop_slug)
    cooperative = member.cooperative
    form = ExpenseForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["receipt"] = data["receipt"] or None
        try:
            expense = spending.record_expense(actor=member, cooperative=cooperative, **data)
        except DomainError as error:
            status = refuse_form(form, error)
        else:
            messages.success(
                request,
                _("Recorded the expense of %(amount)s %(currency)s to %(payee)s: approve it below.")
                % {
                    "amount": shown_amount(expense.amount, expense.currency),
                    "currency": expense.currency,
                    "payee": expense.payee,
                },
            )
            return redirect(overview_url(cooperative, expense.date))
    return _overview(
        request, member, posted_month(request, member), expense_form=form, status=status
    )


@login_required
@require_POST
def decide_expense(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = treasurer_or_403(request, coop_slug)
    expense = get_object_or_404(Expense, cooperative=member.cooperative, pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        messages.error(request, _("Choose to approve or to reject the expense."))
    else:
        try:
            expense = spending.decide_expense(
                actor=member, expense=expense, approve=decision == "approve"
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("The expense to %(payee)s is %(status)s.")
                % {"payee": expense.payee, "status": expense.get_status_display()},
            )
    return redirect(overview_url(member.cooperative, expense.date))


@login_required
@require_POST
def propose_expense(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    """Draft the spending proposal that approves an expense above the limit, and go to it."""
    member = treasurer_or_403(request, coop_slug)
    expense = get_object_or_404(Expense, cooperative=member.cooperative, pk=pk)
    try:
        proposal = spending.draft_expense_proposal(actor=member, expense=expense)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(overview_url(member.cooperative, expense.date))
    messages.success(
        request,
        _("A spending proposal is drafted: check it, then open it for discussion and the vote."),
    )
    return redirect(presenters.proposal_url(proposal))


@login_required
def expense_receipt(request: HttpRequest, coop_slug: str, pk: int) -> FileResponse:
    member = membership(request, coop_slug)
    expense = get_object_or_404(Expense, cooperative=member.cooperative, pk=pk)
    return receipt_response(expense)

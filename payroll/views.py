"""Web pages of the co-op's money: every member reads, the treasurer writes through the services.

Refusals: a member who is not the treasurer gets 403 on every write; a file that holds other
members' bank details answers 404 to them. A rule of the services that refuses a button
(409-type: a locked month, a draft already approved) comes back as a flash message on the page;
a refused form is shown again with the message next to the field (400, or 409 for a conflict).
"""

import datetime
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import BaseFormSet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop.clock import today_in
from coop.errors import DomainError, InvalidInputs
from coop.forms import refuse_form
from coop.hours.durations import format_minutes
from coop.models import Cooperative, Member
from coop.models.cooperative import Role
from coop.months import month_bounds, month_label
from coop.selectors import membership_or_404
from coop.templatetags.money import amount as shown_amount
from payroll import capital, distributing, selectors, services
from payroll.documents import sepa_unavailable_reason
from payroll.downloads import document_response, receipt_response
from payroll.forms import (
    CapitalEntryForm,
    ExpenseForm,
    PolicyForm,
    RevenueForm,
    as_percent,
    month_choice,
    recipients_formset,
)
from payroll.models import (
    Distribution,
    DistributionDocument,
    DistributionLine,
    DistributionPolicy,
    DocumentFailure,
    Expense,
    Revenue,
)

# Helpers ----------------------------------------------------------------------------------------


def _membership(request: HttpRequest, coop_slug: str, *, departed_ok: bool = False) -> Member:
    """The viewer's membership; a departed member only on the reads of their own money."""
    member = membership_or_404(request.user, coop_slug, departed_ok=departed_ok)
    request.session["current_coop"] = coop_slug
    return member


def _treasurer(request: HttpRequest, coop_slug: str) -> Member:
    member = _membership(request, coop_slug)
    if not member.is_treasurer:
        raise PermissionDenied(_("Only the treasurer may do this."))
    return member


def _context(member: Member, section: str, **extra: Any) -> dict[str, Any]:
    cooperative = member.cooperative
    return {
        "member": member,
        "cooperative": cooperative,
        "currency": cooperative.currency,
        "is_treasurer": member.is_treasurer,
        "section": section,
        **extra,
    }


def _overview_url(cooperative: Cooperative, month: datetime.date) -> str:
    url = reverse("money-overview", args=[cooperative.slug])
    return f"{url}?month={month:%Y-%m}"


def _distribution_url(distribution: Distribution) -> str:
    return reverse("money-distribution", args=[distribution.cooperative.slug, distribution.pk])


def proposal_url(proposal: Any) -> str | None:
    """The governance page of a proposal."""
    if proposal is None:
        return None
    return reverse("proposal", args=[proposal.cooperative.slug, proposal.pk])


def _percent(fraction: Decimal) -> str:
    """0.125 → "12.5" or "12,5": a percentage as the reader's language writes it."""
    return localize(Decimal(as_percent(fraction)))


def policy_terms(policy: DistributionPolicy, currency: str) -> list[tuple[str, str]]:
    """A policy's terms as a member reads them: percentages as percent."""
    recipients = ", ".join(
        f"{r['name']} ({_('weight')} {r['weight']})" for r in policy.commons_recipients
    )
    terms = [
        (_("Split of the member pool"), str(policy.get_method_display())),
        (
            _("Commons"),
            f"{_percent(policy.commons_pct)} %" + (f" — {recipients}" if recipients else ""),
        ),
        (_("Collective reserve"), f"{_percent(policy.reserve_pct)} %"),
        (_("Education fund"), f"{_percent(policy.education_pct)} %"),
        (
            _("Paid in cash"),
            _("%(cash)s %% of each share; %(retained)s %% credited to capital")
            % {
                "cash": _percent(policy.cash_pct),
                "retained": _percent(1 - policy.cash_pct),
            },
        ),
    ]
    if policy.base_rate is not None:
        terms.append((_("Base rate"), f"{localize(policy.base_rate)} {currency} / h"))
    terms += [
        (_("Maximum pay ratio"), _("%s to 1") % localize(policy.max_pay_ratio.normalize())),
        (_("Losses carried forward"), _("yes") if policy.carry_losses else _("no")),
        (_("Approval"), str(policy.get_approval_display())),
    ]
    return terms


# Month overview ---------------------------------------------------------------------------------


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
    context = _context(
        member,
        "month",
        books=books,
        month=books.month,
        month_label=month_label(books.month),
        previous_month=books.month - datetime.timedelta(days=1),
        next_month=month_bounds(books.month)[1] + datetime.timedelta(days=1),
        chart=books.chart,
        surplus=books.distribution.surplus if books.distribution else None,
        proposal_url=proposal_url(books.distribution and books.distribution.approval_proposal),
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
    member = _membership(request, coop_slug)
    month = month_choice(request.GET.get("month")) or selectors.default_month(member.cooperative)
    return _overview(request, member, month)


def _posted_month(request: HttpRequest, member: Member) -> datetime.date:
    return month_choice(request.POST.get("month")) or selectors.default_month(member.cooperative)


@login_required
@require_POST
def record_revenue(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = _treasurer(request, coop_slug)
    cooperative = member.cooperative
    form = RevenueForm(request.POST, cooperative=cooperative)
    status = 400
    if form.is_valid():
        try:
            revenue = services.record_revenue(
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
            return redirect(_overview_url(cooperative, revenue.received_on))
    return _overview(
        request, member, _posted_month(request, member), revenue_form=form, status=status
    )


@login_required
@require_POST
def delete_revenue(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = _treasurer(request, coop_slug)
    revenue = get_object_or_404(Revenue, cooperative=member.cooperative, pk=pk)
    try:
        services.delete_revenue(actor=member, revenue=revenue)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Deleted the revenue of %s.") % revenue.received_on)
    return redirect(_overview_url(member.cooperative, revenue.received_on))


@login_required
@require_POST
def record_expense(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = _treasurer(request, coop_slug)
    cooperative = member.cooperative
    form = ExpenseForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["receipt"] = data["receipt"] or None
        try:
            expense = services.record_expense(actor=member, cooperative=cooperative, **data)
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
            return redirect(_overview_url(cooperative, expense.date))
    return _overview(
        request, member, _posted_month(request, member), expense_form=form, status=status
    )


@login_required
@require_POST
def decide_expense(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = _treasurer(request, coop_slug)
    expense = get_object_or_404(Expense, cooperative=member.cooperative, pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        messages.error(request, _("Choose to approve or to reject the expense."))
    else:
        try:
            expense = services.decide_expense(
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
    return redirect(_overview_url(member.cooperative, expense.date))


@login_required
def expense_receipt(request: HttpRequest, coop_slug: str, pk: int) -> FileResponse:
    member = _membership(request, coop_slug)
    expense = get_object_or_404(Expense, cooperative=member.cooperative, pk=pk)
    return receipt_response(expense)


# Distributions ----------------------------------------------------------------------------------


@login_required
def distribution_list(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = _membership(request, coop_slug)
    runs = list(selectors.distributions(member.cooperative))
    return render(
        request,
        "payroll/distribution_list.html",
        _context(member, "distributions", distributions=runs),
    )


@login_required
@require_POST
def draft_distribution(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = _treasurer(request, coop_slug)
    month = _posted_month(request, member)
    try:
        distribution = distributing.create_draft(
            actor=member, cooperative=member.cooperative, month=month
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_overview_url(member.cooperative, month))
    messages.success(
        request,
        _("Drafted the distribution of %s: check it, then approve it.") % month_label(month),
    )
    return redirect(_distribution_url(distribution))


@dataclass(frozen=True)
class MemberRow:
    line: DistributionLine
    hours: str
    show_iban: bool
    payslip: DistributionDocument | None


def _documents(distribution: Distribution) -> dict[tuple[str, int | None], DistributionDocument]:
    return {(d.kind, d.member_id): d for d in distribution.documents.all()}


@login_required
def distribution_detail(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = _membership(request, coop_slug)
    distribution = selectors.distribution_or_none(member.cooperative, pk)
    if distribution is None:
        raise Http404(_("No such distribution."))
    documents = _documents(distribution)
    sepa = documents.get((DistributionDocument.Kind.SEPA, None))
    failures = [
        failure
        for failure in selectors.document_failures(distribution)
        if member.is_treasurer or failure.member_id in (None, member.pk)
    ]
    lines = list(distribution.lines.all())
    rows = [
        MemberRow(
            line=line,
            hours=format_minutes(line.minutes),
            show_iban=member.is_treasurer or line.member_id == member.pk,
            payslip=documents.get((DistributionDocument.Kind.PAYSLIP, line.member_id)),
        )
        for line in lines
        if line.kind == DistributionLine.Kind.MEMBER
    ]
    final = distribution.status in selectors.FINAL
    proposal = distribution.approval_proposal
    context = _context(
        member,
        "distributions",
        distribution=distribution,
        month_label=month_label(distribution.month),
        rows=rows,
        commons_lines=[line for line in lines if line.kind == DistributionLine.Kind.COMMONS],
        adjustments=[line for line in lines if line.kind == DistributionLine.Kind.ADJUSTMENT],
        totals={
            "minutes": format_minutes(sum(row.line.minutes for row in rows)),
            "share": sum((row.line.share for row in rows), Decimal(0)),
            "cash": sum((row.line.cash for row in rows), Decimal(0)),
            "retained": sum((row.line.retained for row in rows), Decimal(0)),
        },
        terms=policy_terms(distribution.policy, distribution.currency),
        policy=distribution.policy,
        percents={
            "commons": as_percent(distribution.policy.commons_pct),
            "reserve": as_percent(distribution.policy.reserve_pct),
            "education": as_percent(distribution.policy.education_pct),
        },
        chart=selectors.chart_parts(distribution),
        surplus=distribution.surplus,
        final=final,
        my_payslip=documents.get((DistributionDocument.Kind.PAYSLIP, member.pk)),
        report=documents.get((DistributionDocument.Kind.REPORT, None)),
        payments_csv=documents.get((DistributionDocument.Kind.CSV, None)),
        sepa=sepa,
        no_sepa_because=final and not sepa and sepa_unavailable_reason(distribution, lines),
        payslip_count=sum(1 for kind, _member in documents if kind == "payslip"),
        failures=failures,
        max_attempts=DocumentFailure.MAX_ATTEMPTS,
        generating=final and not documents and not failures,
        proposal=proposal,
        proposal_url=proposal_url(proposal),
        vote_open=proposal is not None and proposal.state in ("draft", "discussion", "voting"),
        by_vote=distribution.policy.approval == DistributionPolicy.Approval.VOTE,
        policy_changed=(
            distribution.status == Distribution.Status.DRAFT
            and services.current_policy(member.cooperative) != distribution.policy
        ),
    )
    return render(request, "payroll/distribution.html", context)


def _approved_message(distribution: Distribution) -> str:
    if distribution.status == Distribution.Status.DRAFT and distribution.approval_proposal_id:
        return _(
            "The members now vote on the distribution of %s: it is approved when the vote passes."
        ) % month_label(distribution.month)
    return _(
        "Approved the distribution of %s: the month is locked and the payslips are being made."
    ) % month_label(distribution.month)


ACTIONS = {
    "recompute": (
        distributing.recompute_draft,
        lambda d: _("Recomputed with the month's current figures and policy."),
    ),
    "approve": (distributing.approve_distribution, _approved_message),
    "void": (
        distributing.void_draft,
        lambda d: _("Voided the draft: %s can be drafted again.") % month_label(d.month),
    ),
    "pay": (distributing.mark_paid, lambda d: _("Marked as paid.")),
    "regenerate": (
        distributing.regenerate_documents,
        lambda d: _("The files that failed are being generated again."),
    ),
}


@login_required
@require_POST
def distribution_action(request: HttpRequest, coop_slug: str, pk: int, action: str) -> HttpResponse:
    member = _treasurer(request, coop_slug)
    distribution = get_object_or_404(Distribution, cooperative=member.cooperative, pk=pk)
    service, success = ACTIONS[action]
    try:
        distribution = service(actor=member, distribution=distribution)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success(distribution))
    return redirect(_distribution_url(distribution))


# Files of a distribution ------------------------------------------------------------------------


def _file(document: DistributionDocument) -> FileResponse:
    return document_response(document)


def _missing(
    request: HttpRequest, distribution: Distribution, kind: str, member: Member | None = None
) -> HttpResponse:
    messages.error(request, selectors.missing_document(distribution, kind, member).message)
    return redirect(_distribution_url(distribution))


def _document(
    request: HttpRequest, distribution: Distribution, kind: str, member: Member | None = None
) -> HttpResponse:
    document = DistributionDocument.objects.filter(
        distribution=distribution, kind=kind, member=member
    ).first()
    return _file(document) if document else _missing(request, distribution, kind, member)


@login_required
def my_payslip(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = _membership(request, coop_slug, departed_ok=True)
    distribution, owner = selectors.payslip_for(member, pk, member.pk)
    return _document(request, distribution, DistributionDocument.Kind.PAYSLIP, owner)


@login_required
def member_payslip(request: HttpRequest, coop_slug: str, pk: int, member_id: int) -> HttpResponse:
    member = _membership(request, coop_slug, departed_ok=True)
    distribution, owner = selectors.payslip_for(member, pk, member_id)
    return _document(request, distribution, DistributionDocument.Kind.PAYSLIP, owner)


@login_required
def all_payslips(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    """Every payslip of the distribution in one ZIP file (treasurer)."""
    member = _membership(request, coop_slug)
    if not member.has_role(Role.TREASURER):
        raise Http404(_("No such file."))
    distribution = get_object_or_404(Distribution, cooperative=member.cooperative, pk=pk)
    payslips = DistributionDocument.objects.filter(
        distribution=distribution, kind=DistributionDocument.Kind.PAYSLIP
    ).order_by("member_id")
    if not payslips:
        return _missing(request, distribution, DistributionDocument.Kind.PAYSLIP)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for document in payslips:
            with document.file.open("rb") as handle:
                archive.writestr(document.file.name.rsplit("/", 1)[-1], handle.read())
    buffer.seek(0)
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=f"payslips-{distribution.cooperative.slug}-{distribution.month:%Y-%m}.zip",
    )


@login_required
def distribution_file(request: HttpRequest, coop_slug: str, pk: int, kind: str) -> HttpResponse:
    """The report (every member), the payments CSV and the SEPA file (treasurer: bank details)."""
    member = _membership(request, coop_slug)
    distribution = selectors.distribution_file_for(member, pk, kind)
    return _document(request, distribution, kind)


# Policies ---------------------------------------------------------------------------------------


def _policies(
    request: HttpRequest,
    member: Member,
    form: PolicyForm | None = None,
    formset: BaseFormSet | None = None,
    recipient_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    cooperative = member.cooperative
    versions = list(selectors.policies(cooperative))
    by_vote = cooperative.settings["policy_adoption"] == "vote"
    context = _context(
        member,
        "policies",
        versions=[
            (
                policy,
                policy_terms(policy, cooperative.currency),
                proposal_url(policy.adopted_by_proposal),
            )
            for policy in versions
        ],
        by_vote=by_vote,
    )
    if member.is_treasurer and not by_vote:
        current = versions[0] if versions else None
        context.update(
            form=form or PolicyForm(initial=PolicyForm.initial_from(current)),
            formset=formset or recipients_formset(policy=current),
            recipient_errors=recipient_errors or [],
        )
    return render(request, "payroll/policies.html", context, status=status)


@login_required
def policy_list(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = _membership(request, coop_slug)
    if request.method != "POST":
        return _policies(request, member)
    if not member.is_treasurer:
        raise PermissionDenied(_("Only the treasurer adopts a distribution policy."))
    form = PolicyForm(request.POST)
    formset = recipients_formset(request.POST)
    recipient_errors: list[str] = []
    status = 400
    if form.is_valid() and formset.is_valid():
        filled = [f for f in formset.forms if f.recipient() is not None]
        fields = dict(form.cleaned_data)
        note = fields.pop("note")
        try:
            policy = services.adopt_policy(
                actor=member,
                cooperative=member.cooperative,
                note=note,
                commons_recipients=[f.recipient() for f in filled],
                **fields,
            )
        except DomainError as error:
            status = error.status
            recipient_errors = _refuse_policy(form, filled, error)
        else:
            messages.success(
                request,
                _("Adopted version %s of the policy: the next draft uses it.") % policy.version,
            )
            return redirect("money-policies", member.cooperative.slug)
    return _policies(request, member, form, formset, recipient_errors, status)


def _refuse_policy(form: PolicyForm, filled: list[Any], error: DomainError) -> list[str]:
    """Place the service's errors: `commons_recipients[1].weight` goes to that row."""
    errors = error.errors if isinstance(error, InvalidInputs) else {error.field: [error.message]}
    left: list[str] = []
    for key, problems in errors.items():
        key = key or ""
        if key.startswith("commons_recipients["):
            index, _dot, name = key[len("commons_recipients[") :].partition("].")
            row = filled[int(index)] if index.isdigit() and int(index) < len(filled) else None
            if row is not None and name in row.fields:
                for problem in problems:
                    row.add_error(name, problem)
                continue
        if key == "commons_recipients" or key.startswith("commons_recipients"):
            left += problems
        else:
            for problem in problems:
                form.add_error(key if key in form.fields else None, problem)
    return left


# Statements and capital -------------------------------------------------------------------------


@login_required
def my_statements(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = _membership(request, coop_slug, departed_ok=True)
    statements = selectors.member_statements(member)
    return render(
        request,
        "payroll/statements.html",
        _context(
            member,
            "me",
            statements=statements,
            rows=[(s, format_minutes(s.line.minutes)) for s in statements.statements],
            year_hours=format_minutes(statements.year_minutes),
        ),
    )


def _capital(
    request: HttpRequest, member: Member, form: CapitalEntryForm | None = None, status: int = 200
) -> HttpResponse:
    cooperative = member.cooperative
    balances = selectors.capital_balances_for(member)
    return render(
        request,
        "payroll/capital.html",
        _context(
            member,
            "capital",
            balances=balances,
            total=sum((b.balance for b in balances), Decimal(0)),
            form=form
            or CapitalEntryForm(cooperative=cooperative, initial={"date": today_in(cooperative)}),
        ),
        status=status,
    )


@login_required
def capital_accounts(request: HttpRequest, coop_slug: str) -> HttpResponse:
    if request.method != "POST":  # everyone's balances: the treasurer's read, 404 for others
        return _capital(request, _membership(request, coop_slug))
    member = _treasurer(request, coop_slug)
    form = CapitalEntryForm(request.POST, cooperative=member.cooperative)
    status = 400
    if form.is_valid():
        try:
            entry = capital.record_capital_entry(actor=member, **form.cleaned_data)
        except DomainError as error:
            status = refuse_form(form, error)
        else:
            messages.success(
                request,
                _("Recorded the %(kind)s of %(amount)s %(currency)s for %(member)s.")
                % {
                    "kind": entry.get_kind_display(),
                    "amount": shown_amount(entry.amount, member.cooperative.currency),
                    "currency": member.cooperative.currency,
                    "member": entry.member.display_name,
                },
            )
            return redirect("money-capital", member.cooperative.slug)
    return _capital(request, member, form, status)


@login_required
def capital_account(request: HttpRequest, coop_slug: str, member_id: int) -> HttpResponse:
    """One member's capital ledger: the member's own, or anyone's for the treasurer."""
    member = _membership(request, coop_slug, departed_ok=True)
    owner, ledger = selectors.capital_ledger_for(member, member_id)
    return render(
        request,
        "payroll/capital_account.html",
        _context(
            member,
            "capital",
            owner=owner,
            ledger=ledger,
            balance=ledger[-1].balance if ledger else Decimal(0),
        ),
    )

"""The expense claims page: a member files claims and follows their own; the treasurer decides."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop.access import membership, treasurer_or_403
from coop.errors import DomainError
from coop.forms import refuse_form
from coop.money import format_money
from payroll import claims, presenters
from payroll.claim_selectors import visible_claims
from payroll.downloads import receipt_response
from payroll.forms import ExpenseClaimForm
from payroll.models import Expense
from payroll.selectors import spending_limit
from payroll.views.access import context_for


def _page_url(member) -> str:
    return reverse("money-claims", args=[member.cooperative.slug])


def _page(request: HttpRequest, member, form: ExpenseClaimForm, status: int = 200) -> HttpResponse:
    cooperative = member.cooperative
    shown = list(visible_claims(member).order_by("-created_at", "-id"))
    categories = (
        Expense.objects.filter(cooperative=cooperative)
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )
    context = context_for(
        member,
        "claims",
        claims=shown,
        waiting=[claim for claim in shown if claim.status == "submitted"],
        form=form,
        categories=list(categories),
        spending_limit=spending_limit(cooperative),
    )
    return render(request, "payroll/claims.html", context, status=status)


@login_required
def claim_list(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = membership(request, coop_slug)
    if request.method != "POST":
        return _page(request, member, ExpenseClaimForm())
    form = ExpenseClaimForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            claim = claims.file_claim(actor=member, **form.cleaned_data)
        except DomainError as error:
            status = refuse_form(form, error)
        else:
            messages.success(
                request,
                _("Your claim of %(amount)s to %(payee)s is filed: the treasurer decides it.")
                % {"amount": format_money(claim.amount, claim.currency), "payee": claim.payee},
            )
            return redirect(_page_url(member))
    return _page(request, member, form, status=status)


@login_required
@require_POST
def claim_action(request: HttpRequest, coop_slug: str, pk: int, action: str) -> HttpResponse:
    """Approve, reject, put to a vote (the treasurer) or withdraw (its member)."""
    member = (
        membership(request, coop_slug)
        if action == "withdraw"
        else treasurer_or_403(request, coop_slug)
    )
    claim = get_object_or_404(visible_claims(member), pk=pk)
    try:
        if action == "approve":
            claim = claims.approve_claim(actor=member, claim=claim)
        elif action == "reject":
            claim = claims.reject_claim(
                actor=member, claim=claim, reason=request.POST.get("reason", "")
            )
        elif action == "withdraw":
            claim = claims.withdraw_claim(actor=member, claim=claim)
        else:
            proposal = claims.draft_claim_proposal(actor=member, claim=claim)
            messages.success(
                request,
                _("A spending proposal is drafted: check it, then open it for the vote."),
            )
            return redirect(presenters.proposal_url(proposal))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The claim of %(name)s to %(payee)s is %(status)s.")
            % {
                "name": claim.member.display_name,
                "payee": claim.payee,
                "status": claim.get_status_display(),
            },
        )
    return redirect(_page_url(member))


@login_required
def claim_receipt(request: HttpRequest, coop_slug: str, pk: int) -> FileResponse:
    """The receipt, to the claim's member and the treasurer only (another's is not found)."""
    member = membership(request, coop_slug)
    return receipt_response(get_object_or_404(visible_claims(member), pk=pk))

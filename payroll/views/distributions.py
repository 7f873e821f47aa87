"""Distributions: the list, drafting one, its page, and the treasurer's buttons (recompute,
approve, void, mark paid, regenerate the files); a refused button is a flash message.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop.access import membership, treasurer_or_403
from coop.errors import DomainError
from coop.models import Member
from coop.money import format_money
from coop.months import month_label
from payroll import distributing, presenters, selectors, shares
from payroll.forms import money_field
from payroll.models import Distribution
from payroll.views.access import context_for, distribution_url, overview_url, posted_month


@login_required
def distribution_list(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = membership(request, coop_slug)
    runs = list(selectors.distributions(member.cooperative))
    return render(
        request,
        "payroll/distribution_list.html",
        context_for(member, "distributions", distributions=runs),
    )


@login_required
@require_POST
def draft_distribution(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = treasurer_or_403(request, coop_slug)
    month = posted_month(request, member)
    try:
        distribution = distributing.create_draft(
            actor=member, cooperative=member.cooperative, month=month
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(overview_url(member.cooperative, month))
    messages.success(
        request,
        _("Drafted the distribution of %s: check it, then approve it.") % month_label(month),
    )
    return redirect(distribution_url(distribution))


@login_required
def distribution_detail(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = membership(request, coop_slug)
    distribution = selectors.distribution_or_none(member.cooperative, pk)
    if distribution is None:
        raise Http404(_("No such distribution."))
    context = context_for(
        member, "distributions", **presenters.distribution_page(distribution, member)
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
    member = treasurer_or_403(request, coop_slug)
    distribution = get_object_or_404(Distribution, cooperative=member.cooperative, pk=pk)
    service, success = ACTIONS[action]
    try:
        distribution = service(actor=member, distribution=distribution)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success(distribution))
    return redirect(distribution_url(distribution))


class InstalmentForm(forms.Form):
    member = forms.IntegerField(min_value=1)
    amount = money_field(_("Instalment"))


@login_required
@require_POST
def change_buyin_instalment(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    """The treasurer changes a member's buy-in instalment on a draft (payroll.shares)."""
    member = treasurer_or_403(request, coop_slug)
    distribution = get_object_or_404(Distribution, cooperative=member.cooperative, pk=pk)
    form = InstalmentForm(request.POST)
    if not form.is_valid():
        for problems in form.errors.values():
            messages.error(request, " ".join(problems))
        return redirect(distribution_url(distribution))
    payer = get_object_or_404(
        Member, cooperative=member.cooperative, pk=form.cleaned_data["member"]
    )
    try:
        shares.set_instalment(
            actor=member, distribution=distribution, member=payer,
            amount=form.cleaned_data["amount"],
        )  # fmt: skip
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The buy-in instalment of %(name)s is now %(amount)s.")
            % {
                "name": payer.display_name,
                "amount": format_money(form.cleaned_data["amount"], distribution.currency),
            },
        )
    return redirect(distribution_url(distribution))

"""The settlements pages: the treasurer drafts and approves departed members' settlements; a
departed member reads their own until it is paid in full."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop.access import membership, treasurer_or_403
from coop.errors import DomainError
from coop.models import Member
from coop.models.cooperative import MemberStatus
from coop.pdf import pdf_response
from payroll import presenters, settlement_approval, settlement_pdf, settlements
from payroll.settlement_models import Settlement
from payroll.settlement_presenters import (
    approval_in_words,
    settlement_figures,
    settlement_terms_in_words,
)
from payroll.settlement_selectors import visible_settlements
from payroll.views.access import context_for

ACTIONS = ("approve", "recompute")


def _detail_url(settlement: Settlement) -> str:
    return reverse("money-settlement", args=[settlement.cooperative.slug, settlement.pk])


@login_required
def settlement_list(request: HttpRequest, coop_slug: str) -> HttpResponse:
    """The treasurer's list, with the departed members who have no settlement yet; anyone else
    is taken to their own settlement (a departed member's, until it is settled)."""
    member = membership(request, coop_slug, departed_ok=True)
    shown = list(visible_settlements(member))
    if not member.is_treasurer and len(shown) == 1:
        return redirect(_detail_url(shown[0]))
    without = (
        Member.objects.filter(
            cooperative_id=member.cooperative_id,
            status=MemberStatus.DEPARTED,
            settlement__isnull=True,
        ).select_related("user")
        if member.is_treasurer
        else Member.objects.none()
    )
    return render(
        request,
        "payroll/settlements.html",
        context_for(member, "settlements", settlements=shown, without=list(without)),
    )


@login_required
@require_POST
def draft_settlement(request: HttpRequest, coop_slug: str) -> HttpResponse:
    treasurer = treasurer_or_403(request, coop_slug)
    leaver = Member.objects.filter(
        cooperative_id=treasurer.cooperative_id, pk=request.POST.get("member") or 0
    ).first()
    if leaver is None:
        messages.error(request, _("Choose a departed member."))
        return redirect("money-settlements", coop_slug=coop_slug)
    try:
        settlement = settlements.draft_settlement(actor=treasurer, member=leaver)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("money-settlements", coop_slug=coop_slug)
    messages.success(
        request,
        _("The settlement of %(name)s is drafted from the bylaws: check it, then approve it.")
        % {"name": leaver.display_name},
    )
    return redirect(_detail_url(settlement))


@login_required
def settlement_detail(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = membership(request, coop_slug, departed_ok=True)
    settlement = get_object_or_404(visible_settlements(member), pk=pk)
    instalments = list(settlement.instalments.all())
    return render(
        request,
        "payroll/settlement.html",
        context_for(
            member,
            "settlements",
            settlement=settlement,
            instalments=instalments,
            figures=settlement_figures(instalments),
            approval=approval_in_words(settlement),
            terms=settlement_terms_in_words(settlement),
        ),
    )


@login_required
def settlement_file(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    """The settlement statement as a PDF, for whoever may read the settlement."""
    member = membership(request, coop_slug, departed_ok=True)
    settlement = get_object_or_404(visible_settlements(member), pk=pk)
    return pdf_response(settlement_pdf.build(settlement), settlement_pdf.file_name(settlement))


@login_required
@require_POST
def settlement_action(request: HttpRequest, coop_slug: str, pk: int, action: str) -> HttpResponse:
    """Approve (or put to the vote) or recompute a draft (the treasurer)."""
    treasurer = treasurer_or_403(request, coop_slug)
    settlement = get_object_or_404(visible_settlements(treasurer), pk=pk)
    try:
        if action == "approve":
            settlement = settlement_approval.approve_settlement(
                actor=treasurer, settlement=settlement
            )
        else:
            settlement = settlements.recompute_settlement(actor=treasurer, settlement=settlement)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_detail_url(settlement))
    if settlement.status == Settlement.Status.DRAFT and settlement.approval_proposal:
        messages.success(request, _("The bylaws leave it to a vote: the members now vote on it."))
        return redirect(presenters.proposal_url(settlement.approval_proposal))
    messages.success(
        request,
        _("The settlement of %(name)s is %(status)s.")
        % {"name": settlement.member.display_name, "status": settlement.get_status_display()},
    )
    return redirect(_detail_url(settlement))

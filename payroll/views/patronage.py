"""The United States yearly documents: notices of allocation, members' consents, 1099-PATR."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop import pdf, spreadsheet
from coop.access import membership, treasurer_or_403
from coop.clock import today_in
from coop.errors import DomainError
from coop.forms import refuse_form
from payroll import consents, patronage, patronage_files, selectors
from payroll.consent_models import AllocationConsent
from payroll.forms import AllocationConsentForm, WithdrawConsentForm
from payroll.views.access import context_for


@login_required
def notice_file(request: HttpRequest, coop_slug: str, member_id: int, year: int) -> HttpResponse:
    member = membership(request, coop_slug, departed_ok=True)
    notice = selectors.allocation_notice_for(member, member_id, year)
    return pdf.pdf_response(
        patronage_files.notice_pdf(notice), patronage_files.notice_file_name(notice)
    )


@login_required
def patr_file(request: HttpRequest, coop_slug: str, year: int) -> HttpResponse:
    member = membership(request, coop_slug)
    selectors.us_documents_for(member)
    rows = patronage.patr_rows(member.cooperative, year)
    name = f"1099-patr-{member.cooperative.slug}-{year}.csv"
    return HttpResponse(
        patronage_files.patr_csv(rows, year),
        content_type=spreadsheet.CONTENT_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _consents_page(request, member, form=None, status=200) -> HttpResponse:
    cooperative = member.cooperative
    return render(
        request,
        "payroll/consents.html",
        context_for(
            member,
            "capital",
            consents=AllocationConsent.objects.filter(cooperative=cooperative).select_related(
                "member__user"
            ),
            form=form
            or AllocationConsentForm(
                cooperative=cooperative, initial={"given_on": today_in(cooperative)}
            ),
            today=today_in(cooperative),
        ),
        status=status,
    )


@login_required
def consent_list(request: HttpRequest, coop_slug: str) -> HttpResponse:
    """Members' consents to written notices of allocation (treasurer, United States)."""
    member = membership(request, coop_slug)
    selectors.us_documents_for(member)
    if request.method != "POST":
        return _consents_page(request, member)
    member = treasurer_or_403(request, coop_slug)
    form = AllocationConsentForm(request.POST, cooperative=member.cooperative)
    status = 400
    if form.is_valid():
        try:
            consent = consents.record_consent(actor=member, **form.cleaned_data)
        except DomainError as error:
            status = refuse_form(form, error)
        else:
            messages.success(
                request,
                _("Recorded the consent of %(member)s.") % {"member": consent.member.display_name},
            )
            return redirect("money-consents", member.cooperative.slug)
    return _consents_page(request, member, form, status)


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = treasurer_or_403(request, coop_slug)
    selectors.us_documents_for(member)
    consent = get_object_or_404(AllocationConsent, cooperative=member.cooperative, pk=pk)
    form = WithdrawConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["withdrawn_on"]))
        return redirect("money-consents", member.cooperative.slug)
    try:
        consents.withdraw_consent(
            actor=member, consent=consent, withdrawn_on=form.cleaned_data["withdrawn_on"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Recorded that %(member)s withdrew their consent.")
            % {"member": consent.member.display_name},
        )
    return redirect("money-consents", member.cooperative.slug)

"""The published records of closed proposals: the ballot file, the minutes, the register (PDF).

What is not published yet is refused by the read-rule selectors (409, `coop/refused.html`).
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from coop import pdf
from coop.errors import DomainError
from coop.refusals import refused_page
from governance import minutes, selectors
from governance.forms import RegisterForm
from governance.views.access import detail_url, membership, proposal_or_404


@login_required
def proposal_ballots(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    """The published ballot file of a closed proposal, as counted: `manage.py recount` it."""
    member = membership(request, coop_slug, departed_ok=True)
    proposal = proposal_or_404(member, pk)
    try:
        document = selectors.published_ballot_file(proposal)
    except DomainError as error:
        return refused_page(request, error, detail_url(proposal))
    response = HttpResponse(
        json.dumps(document, indent=2, ensure_ascii=False) + "\n",
        content_type="application/json; charset=utf-8",
    )
    filename = f"{coop_slug}-proposal-{proposal.pk}-ballots.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def proposal_minutes(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    """The minutes of a closed proposal (PDF)."""
    member = membership(request, coop_slug, departed_ok=True)
    proposal = proposal_or_404(member, pk)
    try:
        comments = selectors.minutes_for(proposal)
    except DomainError as error:
        return refused_page(request, error, detail_url(proposal))
    return pdf.pdf_response(
        minutes.proposal_minutes_pdf(proposal, comments),
        f"{coop_slug}-proposal-{proposal.pk}-minutes.pdf",
    )


@login_required
def decision_register(request: HttpRequest, coop_slug: str) -> HttpResponse:
    """The register of decisions (PDF) for the period chosen on the list page."""
    member = membership(request, coop_slug, departed_ok=True)
    form = RegisterForm(request.GET, cooperative=member.cooperative)
    if not request.GET:  # the link without a period: this year so far
        form = RegisterForm(
            {name: field.initial for name, field in form.fields.items()},
            cooperative=member.cooperative,
        )
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return redirect(reverse("proposals", args=[coop_slug]) + "#register")
    first, last = form.cleaned_data["first"], form.cleaned_data["last"]
    proposals = list(selectors.closed_between(member.cooperative, first, last))
    return pdf.pdf_response(
        minutes.decision_register_pdf(member.cooperative, proposals, first, last),
        f"{coop_slug}-decisions-{first}-{last}.pdf",
    )

"""Delegations of a member's vote, and the member's calendar feed of open votes."""

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop.errors import DomainError
from coop.forms import refuse_form
from coop.models.cooperative import MemberStatus
from governance import calendar, selectors, services
from governance.forms import DelegationForm
from governance.models import CalendarFeed, Proposal
from governance.views.access import OPEN_STATES, detail_url, membership


@login_required
def delegations(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = membership(request, coop_slug)
    form = DelegationForm(request.POST or None, member=member)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                delegation = services.delegate_vote(
                    actor=member,
                    delegate=form.cleaned_data["delegate"],
                    kind=form.cleaned_data["kind"] or "",
                )
            except DomainError as error:
                status = refuse_form(form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s now votes for you on %(what)s, unless you vote yourself.")
                    % {"name": delegation.delegate.display_name, "what": _kind_words(delegation)},
                )
                return redirect("delegations", coop_slug)
        else:
            status = 400
    context = {
        "member": member,
        "cooperative": member.cooperative,
        "form": form,
        "mine": [(d, _kind_words(d)) for d in selectors.active_delegations(member)],
        "to_me": [(d, _kind_words(d)) for d in selectors.delegations_to(member)],
        "section": "delegations",
    }
    return render(request, "governance/delegations.html", context, status=status)


def _kind_words(delegation: Any) -> str:
    if not delegation.kind:
        return _("every kind of proposal")
    return _("%s proposals") % delegation.get_kind_display()


@login_required
@require_POST
def delegation_revoke(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = membership(request, coop_slug)
    try:
        services.revoke_delegation(actor=member, kind=request.POST.get("kind", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The delegation was revoked: you vote for yourself."))
    return redirect("delegations", coop_slug)


# Calendar feed ----------------------------------------------------------------------------------


@login_required
@require_POST
def calendar_renew(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = membership(request, coop_slug)
    services.renew_calendar_feed(member=member)
    messages.success(request, _("Your calendar address is ready; any older one stopped working."))
    return redirect(reverse("proposals", args=[coop_slug]) + "#calendar")


def calendar_feed(request: HttpRequest, coop_slug: str, token: str) -> HttpResponse:
    """The member's deadlines as iCalendar; the secret address is the only credential."""
    feed = (
        CalendarFeed.objects.filter(token=token, member__cooperative__slug=coop_slug)
        .exclude(member__status=MemberStatus.DEPARTED)
        .select_related("member__cooperative", "member__user")
        .first()
    )
    if feed is None or not secrets.compare_digest(feed.token, token):
        raise Http404("No such calendar.")
    member = feed.member
    proposals = list(
        selectors.visible_proposals(member)
        .filter(state__in=OPEN_STATES)
        .select_related("cooperative")
    )

    def link(proposal: Proposal) -> str:
        return request.build_absolute_uri(detail_url(proposal))

    text = calendar.calendar_document(member, proposals, link, request.get_host().split(":")[0])
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{coop_slug}-votes.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response

"""The list of proposals, drafting, and the buttons that open, withdraw, close or delete one.

Bad input is shown on the form next to the field it names (status 400); a refusal of a button
(withdrawing twice, opening too early) comes back as a flash message on the proposal's page.
"""

import datetime
import zoneinfo
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop import clock
from coop.errors import DomainError, InvalidInputs
from coop.forms import refuse_form
from coop.models import Cooperative, Member
from governance import selectors, services
from governance.action_forms import SEP, ActionDetailsForm
from governance.actions.registry import available as available_actions
from governance.floors import floors_table
from governance.forms import ProposalForm, RegisterForm
from governance.models import CalendarFeed, Method, Proposal, State
from governance.views.access import (
    CLOSED_PER_PAGE,
    FINISHED_STATES,
    OPEN_STATES,
    detail_url,
    membership,
    proposal_or_404,
    zone_of,
)

# The list ---------------------------------------------------------------------------------------


@login_required
def proposal_list(request: HttpRequest, coop_slug: str) -> HttpResponse:
    """Open votes first (deadline, whether I voted), then my drafts, then the closed ones."""
    member = membership(request, coop_slug, departed_ok=True)
    proposals = selectors.visible_proposals(member)
    state = request.GET.get("state", "")
    if state not in State.values:
        state = ""
    if state:
        rows = proposals.filter(state=state)
        if state in FINISHED_STATES:
            rows = rows.order_by("-closes_at", "-id")
        page = Paginator(rows, CLOSED_PER_PAGE).get_page(request.GET.get("page"))
        sections = [{"key": state, "title": State(state).label, "page": page, "paged": True}]
    else:
        finished = proposals.filter(state__in=FINISHED_STATES).order_by("-closes_at", "-id")
        sections = [
            {"key": "open", "title": _("Open"), "rows": proposals.filter(state__in=OPEN_STATES)},
            {
                "key": "drafts",
                "title": _("Your drafts"),
                "rows": proposals.filter(state=State.DRAFT, author=member),
            },
            {
                "key": "closed",
                "title": _("Decided and withdrawn"),
                "page": Paginator(finished, CLOSED_PER_PAGE).get_page(request.GET.get("page")),
                "paged": True,
            },
        ]
    feed = CalendarFeed.objects.filter(member=member).first()
    feed_url = (
        request.build_absolute_uri(reverse("proposal-calendar", args=[coop_slug, feed.token]))
        if feed
        else ""
    )
    context = {
        "member": member,
        "cooperative": member.cooperative,
        "sections": sections,
        "state": state,
        "states": State.choices,
        "feed_url": feed_url,
        "register_form": RegisterForm(cooperative=member.cooperative),
        "section": "proposals",
    }
    return render(request, "governance/proposal_list.html", context)


# Drafting ---------------------------------------------------------------------------------------


def _next_hour(zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    now = clock.now().astimezone(zone)
    return now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)


def _new_initial(cooperative: Cooperative) -> dict[str, Any]:
    defaults = floors_table(cooperative)["general"]
    opens = _next_hour(zone_of(cooperative)) + datetime.timedelta(days=3)
    return {
        "kind": "general",
        "method": Method.MAJORITY,
        "quorum": defaults["quorum"],
        "threshold": defaults["threshold"],
        "prefill": ProposalForm.prefill_for(
            "general", Method.MAJORITY, defaults["quorum"], defaults["threshold"]
        ),
        "opens_at": opens,
        "closes_at": opens + datetime.timedelta(days=7),
    }


def _draft_initial(proposal: Proposal) -> dict[str, Any]:
    fields = (
        "title", "body", "kind", "method", "seats", "quorum", "threshold", "secret",
        "allow_early_close", "show_results_while_voting", "discussion_starts_at", "opens_at",
        "closes_at",
    )  # fmt: skip
    initial = {name: getattr(proposal, name) for name in fields}
    initial["options"] = "\n".join(proposal.options)
    initial["action"] = proposal.action
    initial["prefill"] = ProposalForm.prefill_for(
        proposal.kind, proposal.method, proposal.quorum, proposal.threshold
    )
    return initial


def _after_save(request: HttpRequest, member: Member, proposal: Proposal, *, opening: bool):
    if not opening:
        messages.success(request, _("Draft saved. Only you and the secretaries can see it."))
        return redirect(detail_url(proposal))
    try:
        proposal = services.open_proposal(actor=member, proposal=proposal)
    except DomainError as error:
        messages.error(request, _("Saved as a draft, but not opened: %s") % error.message)
        return redirect("proposal-edit", proposal.cooperative.slug, proposal.pk)
    if proposal.state == State.VOTING:
        messages.success(request, _("The proposal is open and voting has started."))
    else:
        messages.success(request, _("The proposal is open for discussion until voting opens."))
    return redirect(detail_url(proposal))


def _refuse(form: ProposalForm, details: ActionDetailsForm, action: str, error: DomainError) -> int:
    """Show a refusal next to the field it names: `action_payload.commons_pct` is the chosen
    action's field of that name (`commons_recipients[1].weight` its recipients' field,
    `buyin.monthly_max` the field `buyin_monthly_max`), and what names no field of the action
    goes under the action's choice."""
    errors = error.errors if isinstance(error, InvalidInputs) else {error.field: [error.message]}
    rest: dict[str, list[str]] = {}
    for key, problems in errors.items():
        path = (key or "").removeprefix("action_payload").lstrip(".").split("[")[0]
        names = [f"{action}{SEP}{name}" for name in (path.replace(".", "_"), path.split(".")[0])]
        target = next((name for name in names if name in details.fields), "")
        if path and target and (key or "").startswith("action_payload"):
            for problem in problems:
                details.add_error(target, problem)
        elif (key or "").startswith("action_payload"):
            rest.setdefault("action", []).extend(problems)
        else:
            rest.setdefault(key or "", []).extend(problems)
    if rest:
        refuse_form(form, InvalidInputs(rest))
    return error.status


def _proposal_form_page(
    request: HttpRequest, member: Member, proposal: Proposal | None
) -> HttpResponse:
    cooperative = member.cooperative
    status = 200
    names = [action.name for action in available_actions()]
    with timezone.override(zone_of(cooperative)):
        if request.method == "POST":
            form = ProposalForm(request.POST)
            details = ActionDetailsForm(request.POST, cooperative=cooperative, actions=names)
            if form.is_valid() and details.is_valid():
                terms = form.terms()
                # The chosen action's fields make its payload; its validator decides.
                terms["action_payload"] = details.payload(terms["action"])
                try:
                    if proposal is None:
                        proposal = services.create_proposal(actor=member, **terms)
                    else:
                        proposal = services.update_draft(actor=member, proposal=proposal, **terms)
                except DomainError as error:
                    status = _refuse(form, details, terms["action"], error)
                else:
                    return _after_save(request, member, proposal, opening="open" in request.POST)
            else:
                status = 400
        else:
            initial = _new_initial(cooperative) if proposal is None else _draft_initial(proposal)
            form = ProposalForm(initial=initial)
            details = ActionDetailsForm(
                cooperative=cooperative,
                actions=names,
                action=proposal.action if proposal else "",
                payload=proposal.action_payload if proposal else None,
            )
        context = {
            "member": member,
            "cooperative": cooperative,
            "form": form,
            "details": details,
            "proposal": proposal,
            "floors": floors_table(cooperative),
            "actions": available_actions(),
            "section": "new" if proposal is None else "",
        }
        return render(request, "governance/proposal_form.html", context, status=status)


@login_required
def proposal_new(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = membership(request, coop_slug)
    return _proposal_form_page(request, member, None)


@login_required
def proposal_edit(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = membership(request, coop_slug)
    proposal = proposal_or_404(member, pk)
    if proposal.state != State.DRAFT:
        state = proposal.get_state_display()
        messages.error(request, _("Only a draft can be changed; this one is %s.") % state)
        return redirect(detail_url(proposal))
    return _proposal_form_page(request, member, proposal)


def _state_change(request: HttpRequest, coop_slug: str, pk: int, change: str) -> HttpResponse:
    """Open, withdraw, close or delete a proposal through its service; refusals are flashed."""
    member = membership(request, coop_slug)
    proposal = proposal_or_404(member, pk)
    try:
        if change == "open":
            proposal = services.open_proposal(actor=member, proposal=proposal)
            done = _("The proposal is open.")
        elif change == "withdraw":
            services.withdraw_proposal(actor=member, proposal=proposal)
            done = _("The proposal was withdrawn.")
        elif change == "close":
            services.close_proposal(proposal=proposal, actor=member)
            done = _("Voting was closed and the ballots counted.")
        else:
            services.delete_draft(actor=member, proposal=proposal)
            messages.success(request, _("The draft was deleted."))
            return redirect("proposals", coop_slug)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(detail_url(proposal))


@login_required
@require_POST
def proposal_open(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    return _state_change(request, coop_slug, pk, "open")


@login_required
@require_POST
def proposal_withdraw(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    return _state_change(request, coop_slug, pk, "withdraw")


@login_required
@require_POST
def proposal_close(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    return _state_change(request, coop_slug, pk, "close")


@login_required
@require_POST
def proposal_delete(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    return _state_change(request, coop_slug, pk, "delete")

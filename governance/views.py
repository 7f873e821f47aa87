"""Web pages of governance: proposals, drafting, ballots, results, delegations, calendar feed.

Every page is scoped to the co-op in the URL: a user who is not a current member of it gets 404,
and so does anyone asking for a draft they may not see. Refusals of the services never become a
500: bad input is shown on the form next to the field it names (status 400); a conflict with
the state of things (voting after the close, a second secret ballot, withdrawing twice) comes
back as a flash message on the proposal's page.
"""

import datetime
import json
import secrets
import zoneinfo
from fractions import Fraction
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop import clock, pdf
from coop.errors import DomainError, InvalidInput
from coop.forms import refuse_form
from coop.models import Cooperative, Member
from coop.models.cooperative import MemberStatus, Role
from coop.refusals import refused_page
from coop.selectors import membership_or_404
from governance import calendar, minutes, selectors, services
from governance.actions.registry import available as available_actions
from governance.count_sheet import count_number, stv_stage_rows
from governance.floors import floors_table
from governance.forms import CommentForm, DelegationForm, ProposalForm, RegisterForm, ballot_form
from governance.models import CalendarFeed, Comment, Method, Proposal, State
from governance.rendering import render_markdown

OPEN_STATES = (State.DISCUSSION, State.VOTING)
FINISHED_STATES = (State.CLOSED, State.WITHDRAWN)
CLOSED_PER_PAGE = 25

# Helpers ----------------------------------------------------------------------------------------


def _membership(request: HttpRequest, coop_slug: str, *, departed_ok: bool = False) -> Member:
    """The viewer's membership; a departed member only on the published decisions' reads."""
    member = membership_or_404(request.user, coop_slug, departed_ok=departed_ok)
    request.session["current_coop"] = coop_slug
    return member


def _proposal(member: Member, pk: int) -> Proposal:
    """A proposal the member may see, annotated by `visible_proposals`; 404 for anything else."""
    proposal = selectors.visible_proposals(member).filter(pk=pk).first()
    if proposal is None:
        raise Http404("No such proposal.")
    return proposal


def _zone(cooperative: Cooperative) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(cooperative.time_zone)


def _detail_url(proposal: Proposal) -> str:
    return reverse("proposal", args=[proposal.cooperative.slug, proposal.pk])


def _may_manage(member: Member, proposal: Proposal) -> bool:
    return member.pk == proposal.author_id or member.has_role(Role.SECRETARY)


# The list ---------------------------------------------------------------------------------------


@login_required
def proposal_list(request: HttpRequest, coop_slug: str) -> HttpResponse:
    """Open votes first (deadline, whether I voted), then my drafts, then the closed ones."""
    member = _membership(request, coop_slug, departed_ok=True)
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
    opens = _next_hour(_zone(cooperative)) + datetime.timedelta(days=3)
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
        "allow_early_close", "discussion_starts_at", "opens_at", "closes_at",
    )  # fmt: skip
    initial = {name: getattr(proposal, name) for name in fields}
    initial["options"] = "\n".join(proposal.options)
    initial["action"] = proposal.action
    initial["action_payload"] = (
        json.dumps(proposal.action_payload, indent=2, ensure_ascii=False)
        if proposal.action_payload
        else ""
    )
    initial["prefill"] = ProposalForm.prefill_for(
        proposal.kind, proposal.method, proposal.quorum, proposal.threshold
    )
    return initial


def _after_save(request: HttpRequest, member: Member, proposal: Proposal, *, opening: bool):
    if not opening:
        messages.success(request, _("Draft saved. Only you and the secretaries can see it."))
        return redirect(_detail_url(proposal))
    try:
        proposal = services.open_proposal(actor=member, proposal=proposal)
    except DomainError as error:
        messages.error(request, _("Saved as a draft, but not opened: %s") % error.message)
        return redirect("proposal-edit", proposal.cooperative.slug, proposal.pk)
    if proposal.state == State.VOTING:
        messages.success(request, _("The proposal is open and voting has started."))
    else:
        messages.success(request, _("The proposal is open for discussion until voting opens."))
    return redirect(_detail_url(proposal))


def _proposal_form_page(
    request: HttpRequest, member: Member, proposal: Proposal | None
) -> HttpResponse:
    cooperative = member.cooperative
    status = 200
    with timezone.override(_zone(cooperative)):
        if request.method == "POST":
            form = ProposalForm(request.POST)
            if form.is_valid():
                try:
                    if proposal is None:
                        proposal = services.create_proposal(actor=member, **form.terms())
                    else:
                        proposal = services.update_draft(
                            actor=member, proposal=proposal, **form.terms()
                        )
                except DomainError as error:
                    status = refuse_form(form, error)
                else:
                    return _after_save(request, member, proposal, opening="open" in request.POST)
            else:
                status = 400
        else:
            initial = _new_initial(cooperative) if proposal is None else _draft_initial(proposal)
            form = ProposalForm(initial=initial)
        context = {
            "member": member,
            "cooperative": cooperative,
            "form": form,
            "proposal": proposal,
            "floors": floors_table(cooperative),
            "actions": available_actions(),
            "section": "new" if proposal is None else "",
        }
        return render(request, "governance/proposal_form.html", context, status=status)


@login_required
def proposal_new(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = _membership(request, coop_slug)
    return _proposal_form_page(request, member, None)


@login_required
def proposal_edit(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = _membership(request, coop_slug)
    proposal = _proposal(member, pk)
    if proposal.state != State.DRAFT:
        state = proposal.get_state_display()
        messages.error(request, _("Only a draft can be changed; this one is %s.") % state)
        return redirect(_detail_url(proposal))
    return _proposal_form_page(request, member, proposal)


def _state_change(request: HttpRequest, coop_slug: str, pk: int, change: str) -> HttpResponse:
    """Open, withdraw, close or delete a proposal through its service; refusals are flashed."""
    member = _membership(request, coop_slug)
    proposal = _proposal(member, pk)
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
    return redirect(_detail_url(proposal))


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


# The proposal's page ----------------------------------------------------------------------------


def _number(text: str) -> str:
    """A count from the tally ("3", "5/2", "12345/100000") as members read it: 3, 2.5, 0.12345."""
    return count_number(text)


def ballot_text(content: dict[str, Any]) -> str:
    """A ballot in one line: "agree", "block: reason", "1. A  2. B", "A: 4, B: 1"."""
    if "choice" in content:
        reason = content.get("reason")
        return f"{content['choice']}: {reason}" if reason else content["choice"]
    if "ranking" in content:
        return "  ".join(f"{n}. {o}" for n, o in enumerate(content["ranking"], 1)) or "—"
    if "approve" in content:
        return ", ".join(content["approve"]) or "—"
    if "scores" in content:
        return ", ".join(f"{o}: {s}" for o, s in content["scores"].items()) or "—"
    return json.dumps(content, ensure_ascii=False)


def _tied_options(result: dict[str, Any]) -> list[str]:
    """Who is level in a tie: the tied winners, or the last two of an instant runoff."""
    if len(result.get("winners", [])) > 1:
        return result["winners"]
    if result.get("rounds"):
        return list(result["rounds"][-1]["counts"])
    return result["winners"] if result.get("winners") else result.get("ranking", [[]])[0]


def _outcome_sentence(proposal: Proposal, result: dict[str, Any]) -> str:
    """The stored outcome statement, or one sentence made from the count."""
    if proposal.outcome_statement:
        return proposal.outcome_statement
    turnout = _("%(turnout)s of %(eligible)s eligible members voted (quorum %(quorum)s).") % {
        "turnout": _number(result["turnout"]),
        "eligible": result["eligible"],
        "quorum": result["quorum"],
    }
    outcome = result["outcome"]
    winners = ", ".join(result.get("winners", []))
    if outcome == "no_quorum":
        return _("No quorum: the proposal is not decided.") + " " + turnout
    if outcome == "tie":
        tied = ", ".join(_tied_options(result))
        return _("A tie between %s: the co-op decides how to break it.") % tied + " " + turnout
    if "counts" in result:
        ordered = selectors.in_order(result["counts"], proposal)
        counts = ", ".join(f"{_number(v)} {k}" for k, v in ordered.items())
        verdict = _("Passed") if outcome == "passed" else _("Rejected")
        return f"{verdict}: {counts}. {turnout}"
    if outcome == "passed":
        return _("Chosen: %s.") % winners + " " + turnout
    return _("Rejected: no option was chosen.") + " " + turnout


def _bars(values: dict[str, str]) -> list[tuple[str, str, float]]:
    """(name, count as read, bar length in percent of the largest) for the result chart."""
    exact = {name: Fraction(value) for name, value in values.items()}
    largest = max(exact.values(), default=Fraction(0)) or Fraction(1)
    return [
        (name, _number(values[name]), round(float(value / largest) * 100, 1))
        for name, value in exact.items()
    ]


def _result_context(proposal: Proposal, member: Member) -> dict[str, Any]:
    result = proposal.tally.get("result") or {}
    document = proposal.tally.get("ballot_file") or {"ballots": []}
    ballots = document["ballots"]
    names: dict[str, str] = {}
    if not proposal.secret:
        emails = [ballot.get("member") for ballot in ballots]
        others = Member.objects.filter(
            cooperative_id=member.cooperative_id, user__email__in=emails
        ).select_related("user")
        names = {other.user.email: other.display_name for other in others}
    rows = [
        {
            "who": names.get(ballot.get("member", ""), ballot.get("member", "")),
            "ballot": ballot_text(ballot),
            "weight": ballot.get("weight", ""),
            "receipt": ballot.get("receipt", ""),
        }
        for ballot in ballots
    ]
    numbers = {
        key: _bars(selectors.in_order(result.get(key, {}), proposal))
        for key in ("counts", "totals")
    }
    irv_rounds = [
        {**r, "counts": {o: _number(v) for o, v in r["counts"].items()}}
        for r in result.get("rounds", [])
    ]
    stv_stages = stv_stage_rows(result.get("stages", []))
    return {
        "result": result,
        "outcome": _outcome_sentence(proposal, result) if result else "",
        "counts": numbers["counts"],
        "totals": numbers["totals"],
        "irv_rounds": irv_rounds,
        "stv_stages": stv_stages,
        "published_ballots": rows,
        "early": proposal.tally.get("early", False),
    }


def _applied_delegation(member: Member, proposal: Proposal):
    """The member's delegation that carries their vote on this proposal, if any."""
    active = {d.kind: d for d in selectors.active_delegations(member)}
    return active.get(proposal.kind) or active.get("")


def _ballot_kind(proposal: Proposal) -> str:
    if proposal.is_choice:
        return "choice"
    return "ranked" if proposal.is_ranked else proposal.method


def _render_detail(
    request: HttpRequest,
    member: Member,
    proposal: Proposal,
    *,
    form: BaseForm | None = None,
    comment_form: CommentForm | None = None,
    receipt: str | None = None,
    found: str | None = None,
    status: int = 200,
) -> HttpResponse:
    now = clock.now()
    voting_open = proposal.state == State.VOTING and now < proposal.closes_at
    current = selectors.my_ballot(proposal, member) if proposal.i_voted else None
    may_vote = voting_open and proposal.i_am_eligible and not (proposal.secret and proposal.i_voted)
    if may_vote and form is None:
        form = ballot_form(proposal, current=current)
    comments = Comment.objects.filter(proposal=proposal).select_related("author__user")
    context = {
        "member": member,
        "cooperative": member.cooperative,
        "proposal": proposal,
        "body_html": render_markdown(proposal.body),
        "comments": [(comment, render_markdown(comment.body)) for comment in comments],
        "comment_form": (comment_form or CommentForm()) if proposal.state in OPEN_STATES else None,
        "voting_open": voting_open,
        "ballot_form": form if may_vote else None,
        "ballot_kind": _ballot_kind(proposal),
        "my_ballot": ballot_text(current) if current else "",
        "receipt": receipt,
        "receipt_fingerprint": services.receipt_hash(receipt)[:16] if receipt else "",
        "found": found,
        "ballots_cast": proposal.secret_votes if proposal.secret else proposal.open_ballots,
        "delegation": None if proposal.secret else _applied_delegation(member, proposal),
        "may_manage": _may_manage(member, proposal),
        "is_secretary": member.has_role(Role.SECRETARY),
        "section": "",
    }
    if proposal.state == State.CLOSED:
        context.update(_result_context(proposal, member))
    return render(request, "governance/proposal_detail.html", context, status=status)


@login_required
def proposal_detail(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = _membership(request, coop_slug, departed_ok=True)
    return _render_detail(request, member, _proposal(member, pk))


@login_required
@require_POST
def proposal_vote(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    """Cast or change a ballot. A secret ballot's receipt is shown in this answer only."""
    member = _membership(request, coop_slug)
    proposal = _proposal(member, pk)
    if proposal.state != State.VOTING:
        messages.error(request, _("Voting on this proposal is not open."))
        return redirect(_detail_url(proposal))
    form = ballot_form(proposal, request.POST)
    if not form.is_valid():
        return _render_detail(request, member, proposal, form=form, status=400)
    try:
        receipt = services.cast_vote(actor=member, proposal=proposal, ballot=form.ballot())
    except InvalidInput as error:
        # The service names the ballot part first: "reason: a block is a reasoned objection".
        field, _sep, _rest = error.message.partition(":")
        form.add_error(field if field in form.fields else None, error.message)
        return _render_detail(request, member, proposal, form=form, status=400)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_detail_url(proposal))
    messages.success(request, _("Your vote was changed.") if proposal.i_voted else _("You voted."))
    proposal = _proposal(member, pk)
    if proposal.state == State.CLOSED:
        messages.info(request, _("Every eligible member has voted: voting closed early."))
    if receipt:
        # Rendered here and never stored: only its hash is kept, with the ballot.
        return _render_detail(request, member, proposal, receipt=receipt)
    return redirect(_detail_url(proposal))


@login_required
@require_POST
def proposal_find_receipt(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    """Find a secret ballot in the published list by its receipt code (POST: kept out of logs)."""
    member = _membership(request, coop_slug)
    proposal = _proposal(member, pk)
    code = request.POST.get("receipt", "").strip()
    found = services.receipt_hash(code) if code else None
    ballots = (proposal.tally.get("ballot_file") or {}).get("ballots", [])
    if found and not any(ballot.get("receipt") == found for ballot in ballots):
        messages.error(request, _("No ballot in the published list has this receipt code."))
        found = None
    return _render_detail(request, member, proposal, found=found)


@login_required
@require_POST
def proposal_comment(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = _membership(request, coop_slug)
    proposal = _proposal(member, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(actor=member, proposal=proposal, body=form.cleaned_data["body"])
        except InvalidInput as error:
            return _render_detail(
                request, member, proposal, comment_form=form, status=refuse_form(form, error)
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your comment was added."))
        return redirect(_detail_url(proposal) + "#comments")
    if proposal.state not in OPEN_STATES:
        messages.error(request, _("Comments are open during discussion and voting."))
        return redirect(_detail_url(proposal))
    return _render_detail(request, member, proposal, comment_form=form, status=400)


@login_required
def proposal_ballots(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    """The published ballot file of a closed proposal, as counted: `manage.py recount` it."""
    member = _membership(request, coop_slug, departed_ok=True)
    proposal = _proposal(member, pk)
    try:
        document = selectors.published_ballot_file(proposal)
    except DomainError as error:
        return refused_page(request, error, _detail_url(proposal))
    response = HttpResponse(
        json.dumps(document, indent=2, ensure_ascii=False) + "\n",
        content_type="application/json; charset=utf-8",
    )
    filename = f"{coop_slug}-proposal-{proposal.pk}-ballots.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def proposal_turnout(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    """The live turnout, polled by the proposal's page while voting is open."""
    member = _membership(request, coop_slug)
    proposal = _proposal(member, pk)
    context = {"proposal": proposal, "ballots_cast": selectors.ballots_cast(proposal)}
    return render(request, "governance/_turnout.html", context)


@login_required
def proposal_minutes(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    """The minutes of a closed proposal (PDF)."""
    member = _membership(request, coop_slug, departed_ok=True)
    proposal = _proposal(member, pk)
    try:
        comments = selectors.minutes_for(proposal)
    except DomainError as error:
        return refused_page(request, error, _detail_url(proposal))
    return pdf.pdf_response(
        minutes.proposal_minutes_pdf(proposal, comments),
        f"{coop_slug}-proposal-{proposal.pk}-minutes.pdf",
    )


@login_required
def decision_register(request: HttpRequest, coop_slug: str) -> HttpResponse:
    """The register of decisions (PDF) for the period chosen on the list page."""
    member = _membership(request, coop_slug, departed_ok=True)
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


# Delegations ------------------------------------------------------------------------------------


@login_required
def delegations(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = _membership(request, coop_slug)
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
    member = _membership(request, coop_slug)
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
    member = _membership(request, coop_slug)
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
        return request.build_absolute_uri(_detail_url(proposal))

    text = calendar.calendar_document(member, proposals, link, request.get_host().split(":")[0])
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{coop_slug}-votes.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response

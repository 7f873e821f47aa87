"""The proposal's page: discussion, the ballot form, the live turnout and, once closed, the result.

A conflict with the state of things (voting after the close, a second secret ballot) comes back
as a flash message; a refused ballot is shown again with the message next to its field (400).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop import clock
from coop.errors import DomainError, InvalidInput
from coop.forms import refuse_form
from coop.models import Member
from coop.models.cooperative import Role
from governance import presenters, selectors, services
from governance.ballot_forms import ballot_form
from governance.forms import CommentForm
from governance.models import Comment, Proposal, State
from governance.rendering import render_markdown
from governance.views.access import OPEN_STATES, detail_url, may_manage, membership, proposal_or_404


def _result_context(proposal: Proposal, member: Member) -> dict[str, Any]:
    names: dict[str, str] = {}
    if not proposal.secret:
        ballots = (proposal.tally.get("ballot_file") or {}).get("ballots", [])
        emails = [ballot.get("member") for ballot in ballots]
        others = Member.objects.filter(
            cooperative_id=member.cooperative_id, user__email__in=emails
        ).select_related("user")
        names = {other.user.email: other.display_name for other in others}
    figures = presenters.vote_figures(proposal, proposal.tally.get("result") or {})
    return {
        **presenters.result_figures(proposal),
        "outcome": presenters.outcome_sentence(proposal),
        "published_ballots": presenters.published_ballots(proposal, names),
        "early_sentence": presenters.early_close_sentence(proposal),
        "closed_early": presenters.closed_early(proposal),
        "ballots_cast_text": presenters.ballots_cast_text(figures),
        "votes_counted_text": presenters.votes_counted_text(figures),
        "action_name": presenters.action_name(proposal),
        "action_outcome": presenters.action_outcome(proposal),
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
        "term_rows": presenters.term_rows(proposal),
        "running": presenters.running_figures(
            proposal, selectors.running_count(proposal, viewer_voted=bool(proposal.i_voted))
        ),
        "comments": [(comment, render_markdown(comment.body)) for comment in comments],
        "comment_form": (comment_form or CommentForm()) if proposal.state in OPEN_STATES else None,
        "voting_open": voting_open,
        "ballot_form": form if may_vote else None,
        "ballot_kind": _ballot_kind(proposal),
        "my_ballot": presenters.ballot_text(current) if current else "",
        "receipt": receipt,
        "receipt_fingerprint": services.receipt_hash(receipt)[:16] if receipt else "",
        "found": found,
        "ballots_cast": proposal.secret_votes if proposal.secret else proposal.open_ballots,
        "delegation": None if proposal.secret else _applied_delegation(member, proposal),
        "may_manage": may_manage(member, proposal),
        "is_secretary": member.has_role(Role.SECRETARY),
        "section": "",
    }
    if proposal.state == State.CLOSED:
        context.update(_result_context(proposal, member))
    return render(request, "governance/proposal_detail.html", context, status=status)


@login_required
def proposal_detail(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = membership(request, coop_slug, departed_ok=True)
    return _render_detail(request, member, proposal_or_404(member, pk))


@login_required
@require_POST
def proposal_vote(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    """Cast or change a ballot. A secret ballot's receipt is shown in this answer only."""
    member = membership(request, coop_slug)
    proposal = proposal_or_404(member, pk)
    if proposal.state != State.VOTING:
        messages.error(request, _("Voting on this proposal is not open."))
        return redirect(detail_url(proposal))
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
        return redirect(detail_url(proposal))
    messages.success(request, _("Your vote was changed.") if proposal.i_voted else _("You voted."))
    proposal = proposal_or_404(member, pk)
    if proposal.state == State.CLOSED:
        messages.info(request, _("Every eligible member has voted: voting closed early."))
    if receipt:
        # Rendered here and never stored: only its hash is kept, with the ballot.
        return _render_detail(request, member, proposal, receipt=receipt)
    return redirect(detail_url(proposal))


@login_required
@require_POST
def proposal_find_receipt(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    """Find a secret ballot in the published list by its receipt code (POST: kept out of logs)."""
    member = membership(request, coop_slug)
    proposal = proposal_or_404(member, pk)
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
    member = membership(request, coop_slug)
    proposal = proposal_or_404(member, pk)
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
        return redirect(detail_url(proposal) + "#comments")
    if proposal.state not in OPEN_STATES:
        messages.error(request, _("Comments are open during discussion and voting."))
        return redirect(detail_url(proposal))
    return _render_detail(request, member, proposal, comment_form=form, status=400)


@login_required
def proposal_turnout(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    """The live turnout, polled by the proposal's page while voting is open."""
    member = membership(request, coop_slug)
    proposal = proposal_or_404(member, pk)
    context = {"proposal": proposal, "ballots_cast": selectors.ballots_cast(proposal)}
    return render(request, "governance/_turnout.html", context)

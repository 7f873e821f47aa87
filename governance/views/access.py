"""What every proposal page asks first: the viewer's membership and the proposal they may see.

Every page is scoped to the co-op in the URL: a user who is not a current member of it gets 404,
and so does anyone asking for a draft they may not see.
"""

import zoneinfo

from django.http import Http404, HttpRequest
from django.urls import reverse

from coop.models import Cooperative, Member
from coop.models.cooperative import Role
from coop.selectors import membership_or_404
from governance import selectors
from governance.models import Proposal, State

OPEN_STATES = (State.DISCUSSION, State.VOTING)
FINISHED_STATES = (State.CLOSED, State.WITHDRAWN)
CLOSED_PER_PAGE = 25


def membership(request: HttpRequest, coop_slug: str, *, departed_ok: bool = False) -> Member:
    """The viewer's membership; a departed member only on the published decisions' reads."""
    member = membership_or_404(request.user, coop_slug, departed_ok=departed_ok)
    request.session["current_coop"] = coop_slug
    return member


def proposal_or_404(member: Member, pk: int) -> Proposal:
    """A proposal the member may see, annotated by `visible_proposals`; 404 for anything else."""
    proposal = selectors.visible_proposals(member).filter(pk=pk).first()
    if proposal is None:
        raise Http404("No such proposal.")
    return proposal


def zone_of(cooperative: Cooperative) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(cooperative.time_zone)


def detail_url(proposal: Proposal) -> str:
    return reverse("proposal", args=[proposal.cooperative.slug, proposal.pk])


def may_manage(member: Member, proposal: Proposal) -> bool:
    return member.pk == proposal.author_id or member.has_role(Role.SECRETARY)

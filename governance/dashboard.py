"""Governance's panels on coop's pages: votes waiting for me; open decisions about members."""

from typing import Any

from django.http import HttpRequest

from coop.dashboard import MEMBERS, register
from coop.models import Member
from coop.models.cooperative import MemberStatus, Role
from governance import selectors, services
from governance.models import State

SHOWN = 8
MEMBER_ACTIONS = ("admit_member", "change_member_status", "change_member_roles")


def votes_panel(request: HttpRequest, member: Member) -> tuple[str, dict[str, Any]]:
    """Open votes I may cast and have not (soonest deadline first), and discussions to follow."""
    proposals = selectors.visible_proposals(member)
    waiting = list(
        proposals.filter(state=State.VOTING, i_am_eligible=True, i_voted=False)[: SHOWN + 1]
    )
    discussing = list(proposals.filter(state=State.DISCUSSION).order_by("opens_at")[:SHOWN])
    return "governance/dashboard/votes.html", {
        # Who does not vote now is not told they have voted on everything: an applicant, say.
        "votes": member.status in services.voting_statuses(member.cooperative),
        "applicant": member.status == MemberStatus.APPLICANT,
        "waiting": waiting[:SHOWN],
        "more_waiting": len(waiting) > SHOWN,
        "discussing": discussing,
    }


def member_decisions_panel(
    request: HttpRequest, member: Member
) -> tuple[str, dict[str, Any]] | None:
    """Proposals that would admit a member or change a status or roles, not yet decided."""
    proposals = selectors.visible_proposals(member).filter(
        action__in=MEMBER_ACTIONS, state__in=(State.DRAFT, State.DISCUSSION, State.VOTING)
    )
    rows = list(proposals[:50])
    if not rows and not member.has_role(Role.ADMIN):
        return None
    ids = {row.action_payload.get("member") for row in rows}
    names = {
        other.pk: other.display_name
        for other in Member.objects.filter(
            cooperative_id=member.cooperative_id, pk__in=ids
        ).select_related("user")
    }
    return "governance/dashboard/member_decisions.html", {
        "decisions": [(row, names.get(row.action_payload.get("member"), "")) for row in rows],
    }


def register_governance_panels() -> None:
    register(votes_panel, name="governance.votes", order=20)
    register(member_decisions_panel, name="governance.member_decisions", page=MEMBERS, order=20)

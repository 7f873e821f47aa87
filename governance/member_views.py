"""Drafting a membership proposal from the members page: admit, change a status, set roles.

Where the bylaws leave a decision about a member to a vote, the members page (coop) posts here
with the change; this view drafts the proposal with the matching action
(governance/actions/membership.py) and sends its author to the draft, to check it and open it.
"""

import datetime
import zoneinfo
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop import clock
from coop.errors import DomainError
from coop.models import Member
from coop.models.cooperative import MemberStatus, Role
from coop.selectors import membership_or_404
from governance import floors, services
from governance.models import Kind, Method

# At least these, and at least the bylaws floors of membership proposals.
DISCUSSION = datetime.timedelta(days=3)
VOTING = datetime.timedelta(days=7)


def _terms(target: Member, change: str, data: Any) -> dict[str, Any]:
    """The title, body, action and payload of the proposal for this change."""
    name = target.display_name
    if change == "roles":
        roles = [role for role in Role.values if role in data.getlist("roles")]
        labels = ", ".join(str(Role(role).label) for role in roles) or _("no role")
        return {
            "title": _("Roles of %(name)s: %(roles)s") % {"name": name, "roles": labels},
            "action": "change_member_roles",
            "action_payload": {"member": target.pk, "roles": roles},
        }
    status = data.get("status", "")
    label = MemberStatus(status).label if status in MemberStatus.values else status
    if change == "admission":
        return {
            "title": _("Admit %(name)s as a %(status)s member") % {"name": name, "status": label},
            "action": "admit_member",
            "action_payload": {"member": target.pk, "status": status},
        }
    payload = {"member": target.pk, "status": status}
    if data.get("effective_on"):
        payload["effective_on"] = data["effective_on"]
    return {
        "title": _("Status of %(name)s: %(status)s") % {"name": name, "status": label},
        "action": "change_member_status",
        "action_payload": payload,
    }


@login_required
@require_POST
def propose_member_change(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = membership_or_404(request.user, coop_slug)
    try:
        target_id = int(request.POST.get("member", ""))
    except ValueError:
        raise Http404("No such member.") from None
    target = (
        Member.objects.filter(cooperative_id=member.cooperative_id, pk=target_id)
        .select_related("user")
        .first()
    )
    if target is None:
        raise Http404("No such member.")
    change = request.POST.get("change", "")
    if change not in ("admission", "status", "roles"):
        messages.error(request, _("Choose what to change: admission, status or roles."))
        return redirect("coop-members", coop_slug)
    zone = zoneinfo.ZoneInfo(member.cooperative.time_zone)
    next_hour = clock.now().astimezone(zone).replace(minute=0, second=0, microsecond=0)
    floor = floors.floors_for(member.cooperative, Kind.MEMBERSHIP)
    opens = next_hour + datetime.timedelta(hours=1) + max(DISCUSSION, floor.discussion)
    # A membership decision gives or takes power: it is decided by a method that applies the
    # threshold floor of the kind (supermajority where that floor is above 1/2).
    method = Method.SUPERMAJORITY if floor.threshold > floors.HALF else Method.MAJORITY
    terms = _terms(target, change, request.POST)
    body = _(
        "Drafted from the members page. When this proposal passes, the change is carried out "
        "and recorded in the audit log."
    )
    try:
        proposal = services.create_proposal(
            actor=member,
            kind=Kind.MEMBERSHIP,
            method=method,
            body=body,
            opens_at=opens,
            closes_at=opens + max(VOTING, floor.voting),
            **terms,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("coop-members", coop_slug)
    messages.success(
        request,
        _("A draft proposal was created. Check its dates and text, then open it for discussion."),
    )
    return redirect("proposal-edit", coop_slug, proposal.pk)

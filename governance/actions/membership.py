"""The membership decisions a passed proposal carries out: admit, change status, change roles.

`admit_member` also ends a probation: its payload then puts three outcomes to a single-choice
vote (governance.actions.probation_outcomes), and only the winning one is carried out.
"""

import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coop import services as coop_services
from coop.errors import InvalidInput
from coop.models import Cooperative, Member
from coop.models.cooperative import MemberStatus, Role
from governance.actions import probation_outcomes, registry


def _member(cooperative: Cooperative, payload: dict[str, Any]) -> Member:
    member_id = payload.get("member")
    if isinstance(member_id, bool) or not isinstance(member_id, int):
        raise InvalidInput(_("Choose the member."), field="action_payload.member")
    member = Member.objects.filter(cooperative=cooperative, pk=member_id).first()
    if member is None:
        raise InvalidInput(
            _("No member of this co-op has the number %(id)s.") % {"id": member_id},
            field="action_payload.member",
        )
    return member


def _effective_on(payload: dict[str, Any]) -> datetime.date | None:
    value = payload.get("effective_on")
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput(
            _("“%(value)s” is not a date: write it as YYYY-MM-DD, such as 2026-12-04.")
            % {"value": value},
            field="action_payload.effective_on",
        ) from None


def _validate_admission(cooperative: Cooperative, payload: dict[str, Any]) -> dict[str, Any]:
    member = _member(cooperative, payload)
    if probation_outcomes.puts_outcomes(payload):
        return probation_outcomes.validate(member, payload)
    status = payload.get("status", MemberStatus.PROBATIONARY)
    if member.status == MemberStatus.PROBATIONARY:
        # The end of a probation: a probationary member is admitted as a full member.
        if status != MemberStatus.ACTIVE:
            raise InvalidInput(
                _("%(name)s is on probation: admitting them makes them an active member.")
                % {"name": member.display_name},
                field="action_payload.status",
            )
        return {"member": member.pk, "status": status}
    if member.status != MemberStatus.APPLICANT:
        raise InvalidInput(
            _("%(name)s is not an applicant.") % {"name": member.display_name},
            field="action_payload.member",
        )
    if status not in (MemberStatus.PROBATIONARY, MemberStatus.ACTIVE):
        raise InvalidInput(
            _("An applicant is admitted as a probationary or an active member."),
            field="action_payload.status",
        )
    return {"member": member.pk, "status": status}


def _admit(cooperative: Cooperative, payload: dict[str, Any], proposal: Any) -> dict[str, Any]:
    member = _member(cooperative, payload)
    if probation_outcomes.puts_outcomes(payload):
        return probation_outcomes.carry_out(member, payload, proposal)
    coop_services.change_member_status(member=member, actor=None, status=payload["status"])
    return {"member": member.pk, "status": payload["status"]}


def _validate_status_change(cooperative: Cooperative, payload: dict[str, Any]) -> dict[str, Any]:
    member = _member(cooperative, payload)
    status = payload.get("status")
    if status not in MemberStatus.values:
        raise InvalidInput(_("Choose the member's new status."), field="action_payload.status")
    normalized = {"member": member.pk, "status": status}
    effective_on = _effective_on(payload)
    if effective_on:
        normalized["effective_on"] = effective_on.isoformat()
    return normalized


def _change_status(
    cooperative: Cooperative, payload: dict[str, Any], proposal: Any
) -> dict[str, Any]:
    member = _member(cooperative, payload)
    coop_services.change_member_status(
        member=member, actor=None, status=payload["status"], effective_on=_effective_on(payload)
    )
    return payload


def _validate_roles(cooperative: Cooperative, payload: dict[str, Any]) -> dict[str, Any]:
    member = _member(cooperative, payload)
    roles = payload.get("roles")
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise InvalidInput(
            _('Give the roles as a list, such as ["treasurer"], or [] for none.'),
            field="action_payload.roles",
        )
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise InvalidInput(
            _("There is no role “%(role)s”: the roles are %(roles)s.")
            % {"role": sorted(unknown)[0], "roles": ", ".join(Role.values)},
            field="action_payload.roles",
        )
    return {"member": member.pk, "roles": [role for role in Role.values if role in roles]}


def _change_roles(
    cooperative: Cooperative, payload: dict[str, Any], proposal: Any
) -> dict[str, Any]:
    member = _member(cooperative, payload)
    coop_services.update_member(member=member, actor=None, roles=payload["roles"])
    return payload


def register_membership_actions() -> None:
    registry.register(
        "admit_member",
        description=gettext_lazy("Admit an applicant as a probationary or active member."),
        kinds={"membership"},
        validate=_validate_admission,
        execute=_admit,
        example={"member": 12, "status": "probationary"},
        options=probation_outcomes.options_of,
    )
    registry.register(
        "change_member_status",
        description=gettext_lazy("Change a member's status (active, on leave, departed…)."),
        kinds={"membership"},
        validate=_validate_status_change,
        execute=_change_status,
        example={"member": 12, "status": "on_leave", "effective_on": "2026-12-01"},
    )
    registry.register(
        "change_member_roles",
        description=gettext_lazy(
            "Give a member exactly these roles (treasurer, secretary, admin)."
        ),
        kinds={"membership"},
        validate=_validate_roles,
        execute=_change_roles,
        example={"member": 12, "roles": ["treasurer"]},
    )

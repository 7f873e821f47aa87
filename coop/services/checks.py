"""What the core domain's writes check first: the actor's role, whether the bylaws leave a
decision to a vote, a valid row; and the changes an update applies, for the audit event.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from coop.errors import InvalidInputs, NotAllowed
from coop.models import Cooperative, Member
from coop.models.cooperative import Role


def require_role(actor: Member | None, *roles: str) -> None:
    """Refuse unless the acting member holds one of the roles (the system actor may do all)."""
    if actor is not None and not actor.has_role(*roles):
        names = [str(Role(role).label) for role in roles]
        if len(names) == 1:
            message = gettext("Only a member with the %(role)s role may do this.") % {
                "role": names[0]
            }
        else:
            message = gettext("Only a member with the %(roles)s or %(last)s role may do this.") % {
                "roles": ", ".join(names[:-1]),
                "last": names[-1],
            }
        raise NotAllowed(message)


def decided_by_vote(cooperative: Cooperative, decision: str) -> bool:
    """Whether the bylaws leave this decision about members ("admission", "status_changes",
    "role_changes") to a vote of the members rather than to the admins."""
    return cooperative.settings[decision] == "vote"


def refuse_unless_admins_decide(cooperative: Cooperative, decision: str, field: str) -> None:
    if not decided_by_vote(cooperative, decision):
        return
    message = {
        "admission": gettext(
            "The bylaws say that only a vote admits applicants: draft a membership proposal "
            "instead."
        ),
        "status_changes": gettext(
            "The bylaws say that only a vote changes a member's status: draft a membership "
            "proposal instead."
        ),
        "role_changes": gettext(
            "The bylaws say that only a vote gives and takes roles: draft a membership proposal "
            "instead."
        ),
    }[decision]
    raise NotAllowed(message, field=field)


def validated(instance: Any, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_unique=True)
    except ValidationError as error:
        raise InvalidInputs(error.message_dict) from None


def apply_changes(instance: Any, changes: dict[str, Any]) -> dict[str, list[Any]]:
    """Apply changes to the instance; return {field: [old, new]} for those that changed."""
    changed = {}
    for name, value in changes.items():
        old = getattr(instance, name)
        if old != value:
            changed[name] = [old, value]
            setattr(instance, name, value)
    return changed

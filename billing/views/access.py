"""What every billing page asks first: the viewer's membership; writes are for the treasurer
and admins (403 for other members, 404 for anyone outside the co-op)."""

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from coop.access import membership
from coop.errors import DomainError, InvalidInputs
from coop.models import Member
from coop.models.cooperative import Role


def may_edit(member: Member) -> bool:
    return member.has_role(Role.TREASURER, Role.ADMIN)


def keeper_or_403(request: HttpRequest, coop_slug: str) -> Member:
    member = membership(request, coop_slug)
    if not may_edit(member):
        raise PermissionDenied(_("Only the treasurer or an admin may change billing details."))
    return member


def context_for(member: Member, section: str, **extra: Any) -> dict[str, Any]:
    return {
        "member": member,
        "cooperative": member.cooperative,
        "may_edit": may_edit(member),
        "section": section,
        **extra,
    }


def refuse(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal next to the field it names (or above the form)."""
    errors = error.errors if isinstance(error, InvalidInputs) else {error.field: [error.message]}
    for field, messages in errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)

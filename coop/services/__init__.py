"""Writes of the core domain, one module per subject: `cooperatives` (a co-op, its settings and
bylaws), `members` (memberships, roles, status), `clients` (clients and projects); `checks` is
what they check first (roles, the bylaws' say, valid rows). Hours are in `coop.hours.services`.
Callers import them from here: `from coop import services`."""

from coop.services.checks import decided_by_vote, require_role
from coop.services.clients import create_client, create_project, update_client, update_project
from coop.services.cooperatives import (
    amend_bylaws,
    create_cooperative,
    floors_by_proposal_only,
    update_cooperative,
    update_invoicing_details,
)
from coop.services.members import (
    add_member,
    change_member_status,
    preferred_language,
    remember_language,
    update_member,
)

__all__ = [
    "add_member",
    "amend_bylaws",
    "change_member_status",
    "create_client",
    "create_cooperative",
    "create_project",
    "decided_by_vote",
    "floors_by_proposal_only",
    "preferred_language",
    "remember_language",
    "require_role",
    "update_client",
    "update_cooperative",
    "update_invoicing_details",
    "update_member",
    "update_project",
]

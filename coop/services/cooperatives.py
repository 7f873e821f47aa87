"""Writes of a co-op itself: founding it, its settings, and bylaws amended by a proposal."""

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from coop import clock
from coop.audit import record
from coop.bylaws import floors_changed
from coop.dates import check_founding_date
from coop.errors import InvalidInput, NotAllowed
from coop.models import Cooperative, Member, User
from coop.models.cooperative import MemberStatus, Role
from coop.services.checks import apply_changes, require_role, validated
from coop.services.members import add_member
from coop.validators import normalize_vat_id, vat_id_problem


def create_cooperative(
    *,
    name: str,
    slug: str,
    currency: str = "EUR",
    time_zone: str = "UTC",
    founded_on: datetime.date | None = None,
    bylaws: dict | None = None,
    founder: User | None = None,
) -> Cooperative:
    """Found a co-op; the founder, if given, becomes its first active member with every role."""
    with transaction.atomic():
        cooperative = Cooperative(
            name=name, slug=slug, currency=currency, time_zone=time_zone, founded_on=founded_on
        )
        if bylaws is not None:
            cooperative.bylaws = bylaws
        validated(cooperative)
        cooperative.save()
        record(cooperative, founder, "cooperative.created", cooperative, {"name": name})
        if founder is not None:
            add_member(
                cooperative=cooperative,
                actor=None,
                email=founder.email,
                status=MemberStatus.ACTIVE,
                roles=list(Role.values),
                joined_on=founded_on or clock.today_in(cooperative),
            )
        return cooperative


def update_cooperative(
    *, cooperative: Cooperative, actor: Member | None, **changes: Any
) -> Cooperative:
    """Change a co-op's name, currency, time zone, legal profile, bylaws settings or bank
    details (legal name, IBAN, BIC: the debtor of the SEPA file) (admins only).

    The legal profile (coop/legal_profiles.py) binds the distribution policies adopted from then
    on; a policy in force stays until a new one is adopted.

    The bylaws floors (quorum, threshold, discussion and voting periods per kind) are not
    changed here: only a passed bylaws proposal changes them (`amend_bylaws`)."""
    require_role(actor, Role.ADMIN)
    allowed = {
        "name", "currency", "time_zone", "founded_on", "bylaws", "legal_name", "iban", "bic",
        "legal_profile",
    }  # fmt: skip
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(
            gettext("This setting cannot be changed here."), field=sorted(unknown)[0]
        )
    with transaction.atomic():
        cooperative = Cooperative.objects.select_for_update().get(pk=cooperative.pk)
        if "bylaws" in changes and floors_changed(cooperative.bylaws, changes["bylaws"]):
            raise InvalidInput(floors_by_proposal_only(), field="bylaws")
        if changes.get("founded_on") is not None:
            check_founding_date(cooperative, changes["founded_on"])
        changed = apply_changes(cooperative, changes)
        if not changed:
            return cooperative
        validated(cooperative)
        cooperative.save()
        record(cooperative, actor, "cooperative.updated", cooperative, {"changed": changed})
        return cooperative


def floors_by_proposal_only() -> str:
    return gettext(
        "The bylaws floors (quorum, threshold, discussion and voting periods per kind) change "
        "only through a passed bylaws proposal that amends them."
    )


def amend_bylaws(*, cooperative: Cooperative, bylaws: dict, proposal: Any) -> Cooperative:
    """Adopt bylaws settings, floors included, as a passed bylaws proposal decided.

    Called only by the `amend_bylaws` action, which governance runs for a passed `bylaws`
    proposal that met the floors in force (governance/actions.py checks that before it runs)."""
    if getattr(proposal, "kind", None) != "bylaws" or getattr(proposal, "result", None) != "passed":
        raise NotAllowed(floors_by_proposal_only(), field="bylaws")
    with transaction.atomic():
        cooperative = Cooperative.objects.select_for_update().get(pk=cooperative.pk)
        changed = apply_changes(cooperative, {"bylaws": bylaws})
        if not changed:
            return cooperative
        validated(cooperative)
        cooperative.save()
        record(
            cooperative,
            None,
            "cooperative.bylaws_amended",
            cooperative,
            {"changed": changed, "proposal": proposal.pk},
        )
        return cooperative


# The co-op as the seller on its invoices (EN 16931 BG-4): the treasurer keeps them.
INVOICING_DETAIL_FIELDS = ("legal_name", "address", "country", "vat_id", "tax_number", "email")


def update_invoicing_details(
    *, cooperative: Cooperative, actor: Member | None, **changes: Any
) -> Cooperative:
    """Change the co-op's details as its invoices print them: legal name, address, country,
    VAT ID (check digits by python-stdnum, stored in the compact form), tax number, e-mail
    (admins and the treasurer)."""
    require_role(actor, Role.ADMIN, Role.TREASURER)
    unknown = set(changes) - set(INVOICING_DETAIL_FIELDS)
    if unknown:
        raise InvalidInput(
            gettext("This setting cannot be changed here."), field=sorted(unknown)[0]
        )
    changes = {
        name: (value.strip().upper() if name == "country" else value.strip())
        for name, value in changes.items()
    }
    with transaction.atomic():
        cooperative = Cooperative.objects.select_for_update().get(pk=cooperative.pk)
        changed = apply_changes(cooperative, changes)
        if not changed:
            return cooperative
        validated(cooperative)
        cooperative.vat_id = normalize_vat_id(cooperative.vat_id, cooperative.country)
        problem = vat_id_problem(cooperative.vat_id, cooperative.country)
        if problem:
            raise InvalidInput(problem, field="vat_id")
        cooperative.save()
        changed = {key: [old, getattr(cooperative, key)] for key, (old, _new) in changed.items()}
        record(
            cooperative,
            actor,
            "cooperative.invoicing_details_updated",
            cooperative,
            {"changed": changed},
        )
        return cooperative

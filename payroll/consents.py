"""Recording and withdrawing members' consents to written notices of allocation (United States).

One service per change, atomic and audited; see `payroll.consent_models` for the law.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from coop.audit import record
from coop.errors import InvalidInput, StateConflict
from coop.models import Member
from coop.models.cooperative import Role
from coop.services import require_role
from payroll import patronage
from payroll.consent_models import AllocationConsent, ConsentMethod


def _require_us(member: Member) -> None:
    if not patronage.applies(member.cooperative):
        raise StateConflict(
            _(
                "Consents to notices of allocation are a United States rule: choose the United "
                "States legal profile first."
            ),
            code="not_us_profile",
        )


def record_consent(
    *, actor: Member | None, member: Member, method: str, given_on: datetime.date, note: str = ""
) -> AllocationConsent:
    """Record that the member consented (treasurer); one consent stands at a time (409)."""
    require_role(actor, Role.TREASURER)
    _require_us(member)
    if method not in ConsentMethod.values:
        raise InvalidInput(_("Choose how the member consented."), field="method")
    if member.status == Member.Status.DEPARTED:
        raise StateConflict(_("This member has left the co-op."), field="member")
    with transaction.atomic():
        Member.objects.select_for_update().get(pk=member.pk)
        if AllocationConsent.objects.filter(member=member, withdrawn_on__isnull=True).exists():
            raise StateConflict(
                _("This member's consent is already on record: withdraw it first."),
                field="member",
                code="consent_standing",
            )
        try:
            with transaction.atomic():
                consent = AllocationConsent.objects.create(
                    cooperative=member.cooperative,
                    member=member,
                    method=method,
                    given_on=given_on,
                    note=note.strip(),
                    recorded_by=actor,
                )
        except IntegrityError as error:  # a consent recorded by a concurrent request
            raise StateConflict(
                _("This member's consent is already on record: withdraw it first."),
                field="member",
                code="consent_standing",
            ) from error
        record(
            member.cooperative,
            actor,
            "capital.consent_recorded",
            consent,
            {"member": member.pk, "method": method, "given_on": given_on.isoformat()},
        )
        return consent


def withdraw_consent(
    *, actor: Member | None, consent: AllocationConsent, withdrawn_on: datetime.date
) -> AllocationConsent:
    """The member revoked their consent (for the years after `withdrawn_on`)."""
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        consent = AllocationConsent.objects.select_for_update().get(pk=consent.pk)
        if consent.withdrawn_on is not None:
            raise StateConflict(_("This consent was already withdrawn."), code="consent_withdrawn")
        if withdrawn_on < consent.given_on:
            raise InvalidInput(
                _("A consent is withdrawn on or after the day it was given."), field="withdrawn_on"
            )
        consent.withdrawn_on = withdrawn_on
        consent.save(update_fields=["withdrawn_on"])
        record(
            consent.cooperative,
            actor,
            "capital.consent_withdrawn",
            consent,
            {"member": consent.member_id, "withdrawn_on": withdrawn_on.isoformat()},
        )
        return consent

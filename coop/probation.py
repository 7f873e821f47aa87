"""The reminder before a probation ends: who is due, and the claim that sends it once.

A probation ends on `Member.probation_ends_on` (set on admission from the bylaws'
`probation_months`, moved by the secretary). `probation_reminder_days` before that day, in the
co-op's time zone, the secretaries are e-mailed (coop.tasks); the end date the reminder was for
is kept on the member, so a retried task sends nothing and a moved end date is reminded again.
At the end date governance drafts the proposal to admit the member (governance.services).
"""

import datetime

from django.db.models import F, Q

from coop import clock
from coop.models import Member
from coop.models.cooperative import MemberStatus


def _unreminded():
    return Member.objects.filter(
        status=MemberStatus.PROBATIONARY, probation_ends_on__isnull=False
    ).filter(
        Q(probation_reminded_for__isnull=True) | ~Q(probation_reminded_for=F("probation_ends_on"))
    )


def reminders_due(now: datetime.datetime) -> list[int]:
    """The probationary members whose probation ends within the bylaws' reminder days (and has
    not ended yet), whose secretaries have not been reminded of that end date."""
    due = []
    for member in _unreminded().select_related("cooperative").order_by("pk"):
        cooperative = member.cooperative
        today = now.astimezone(clock.zone_of(cooperative)).date()
        ahead = datetime.timedelta(days=cooperative.settings["probation_reminder_days"])
        if today <= member.probation_ends_on <= today + ahead:
            due.append(member.pk)
    return due


def claim_reminder(member_id: int) -> Member | None:
    """Mark the reminder of the member's current end date as sent, before sending it; None when
    it was sent already (a retried task) or the member is no longer on probation."""
    claimed = (
        _unreminded().filter(pk=member_id).update(probation_reminded_for=F("probation_ends_on"))
    )
    if not claimed:
        return None
    return Member.objects.select_related("cooperative", "user").get(pk=member_id)


def reminded(member: Member) -> list[Member]:
    """Who is reminded: the co-op's current secretaries, else its admins."""
    current = Member.objects.filter(
        cooperative_id=member.cooperative_id,
        status__in=(MemberStatus.ACTIVE, MemberStatus.PROBATIONARY, MemberStatus.ON_LEAVE),
    ).select_related("user")
    secretaries = list(current.filter(is_secretary=True).order_by("pk"))
    return secretaries or list(current.filter(is_admin=True).order_by("pk"))

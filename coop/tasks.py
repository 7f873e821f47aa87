"""Celery tasks of the core domain."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import translation

from coop import clock, probation
from coop.audit import verify_chain
from coop.locale_formats import format_day
from coop.models import Cooperative


@shared_task
def verify_audit_chain(cooperative_id: int) -> dict:
    """Verify one co-op's audit chain in a worker; returns {"ok": bool, "events": n, "break": …}."""
    cooperative = Cooperative.objects.get(pk=cooperative_id)
    chain_break = verify_chain(cooperative)
    return {
        "ok": chain_break is None,
        "events": cooperative.audit_length,
        "break": str(chain_break) if chain_break else None,
    }


@shared_task
def sweep_probation_reminders() -> int:
    """Hourly (beat): remind the secretaries of each probation that ends within the bylaws'
    probation_reminder_days (once per end date; coop/probation.py)."""
    member_ids = probation.reminders_due(clock.now())
    for member_id in member_ids:
        remind_probation_end.delay(member_id)
    return len(member_ids)


@shared_task(acks_late=True)
def remind_probation_end(member_id: int) -> int:
    """E-mail the co-op's secretaries (else its admins), each in their language, that the
    member's probation ends soon; claimed first, so a retried task mails no one twice. Returns
    how many were told."""
    member = probation.claim_reminder(member_id)
    if member is None:
        return 0
    cooperative = member.cooperative
    link = settings.SITE_URL.rstrip("/") + reverse("coop-members", args=[cooperative.slug])
    messages = []
    for secretary in probation.reminded(member):
        with translation.override(secretary.reading_language):
            values = {
                "coop": cooperative.name,
                "name": member.display_name,
                "date": format_day(member.probation_ends_on),
                "link": link,
            }
            subject = (
                translation.gettext("[%(coop)s] The probation of %(name)s ends on %(date)s")
                % values
            )
            body = (
                translation.gettext(
                    "The probation of %(name)s ends on %(date)s. On that day a membership "
                    "proposal to admit %(name)s as an active member is drafted for you to open, "
                    "change or withdraw. To extend the probation, move its end date on the "
                    "members page; to end it, record the departure there:\n%(link)s"
                )
                % values
            )
        messages.append(
            EmailMessage(subject, body + "\n", settings.DEFAULT_FROM_EMAIL, [secretary.user.email])
        )
    if messages:
        get_connection().send_messages(messages)
    return len(messages)

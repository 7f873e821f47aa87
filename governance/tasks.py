"""Celery tasks of governance: the minute sweep and the e-mail notices about proposals."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mass_mail
from django.db.models import F
from django.utils import timezone

from coop import clock
from governance import presenters, services
from governance.models import Ballot, EligibleVoter, Proposal, State, VoterRoll

logger = logging.getLogger(__name__)

REMINDER_BEFORE = datetime.timedelta(hours=24)
# A result notice lost (the broker was down when the vote closed) is sent by a later sweep,
# within this long after the close.
RESULT_NOTICE_WITHIN = datetime.timedelta(days=7)


@shared_task
def sweep_proposals() -> dict[str, int]:
    """Every minute (beat): open and close what is due, send the 24-hour reminders, and send
    again the notices whose message was lost (enqueued while the broker was down)."""
    counts = services.sweep()
    now = clock.now()
    unannounced = Proposal.objects.filter(state=State.VOTING, opened_notice_sent_at__isnull=True)
    for proposal_id in unannounced.values_list("id", flat=True):
        notify_voting_opened.delay(proposal_id)
    untold = Proposal.objects.filter(
        state=State.CLOSED,
        result_notice_sent_at__isnull=True,
        closed_at__gte=now - RESULT_NOTICE_WITHIN,
    )
    for proposal_id in untold.values_list("id", flat=True):
        notify_result.delay(proposal_id)
    due = Proposal.objects.filter(
        state=State.VOTING,
        reminder_sent_at__isnull=True,
        closes_at__lte=clock.now() + REMINDER_BEFORE,
        closes_at__gt=clock.now(),
    )
    for proposal_id in due.values_list("id", flat=True):
        send_reminder.delay(proposal_id)
    return counts


def _claim(proposal_id: int, field: str) -> Proposal | None:
    """Mark a notice as sent before sending it: a retried task finds it claimed and stops."""
    claimed = Proposal.objects.filter(pk=proposal_id, **{f"{field}__isnull": True}).update(
        **{field: clock.now()}
    )
    if not claimed:
        return None
    return Proposal.objects.select_related("cooperative").get(pk=proposal_id)


def _link(proposal: Proposal) -> str:
    base = getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}/c/{proposal.cooperative.slug}/proposals/{proposal.pk}/"


def _send(proposal: Proposal, subject: str, body: str, emails: list[str]) -> int:
    messages = [
        (f"[{proposal.cooperative.name}] {subject}", body, settings.DEFAULT_FROM_EMAIL, [email])
        for email in emails
    ]
    return send_mass_mail(messages, fail_silently=False)


def _electorate_emails(proposal: Proposal) -> list[str]:
    return list(
        EligibleVoter.objects.filter(proposal=proposal)
        .order_by("member_id")
        .values_list("member__user__email", flat=True)
    )


@shared_task
def notify_voting_opened(proposal_id: int) -> int:
    proposal = _claim(proposal_id, "opened_notice_sent_at")
    if proposal is None:
        return 0
    body = (
        f"Voting is open on “{proposal.title}” until "
        f"{timezone.localtime(proposal.closes_at):%Y-%m-%d %H:%M %Z}.\n\n{_link(proposal)}\n"
    )
    return _send(proposal, f"Vote: {proposal.title}", body, _electorate_emails(proposal))


@shared_task
def send_reminder(proposal_id: int) -> int:
    """24 hours before close, to the eligible members who have not voted."""
    proposal = _claim(proposal_id, "reminder_sent_at")
    if proposal is None or proposal.state != State.VOTING:
        return 0
    voters = VoterRoll if proposal.secret else Ballot
    voted = set(voters.objects.filter(proposal=proposal).values_list("member_id", flat=True))
    emails = [
        email
        for member_id, email in EligibleVoter.objects.filter(proposal=proposal)
        .order_by("member_id")
        .values_list("member_id", F("member__user__email"))
        if member_id not in voted
    ]
    body = (
        f"You have not voted yet on “{proposal.title}”. Voting closes "
        f"{timezone.localtime(proposal.closes_at):%Y-%m-%d %H:%M %Z}.\n\n{_link(proposal)}\n"
    )
    return _send(proposal, f"Reminder: {proposal.title}", body, emails)


@shared_task
def notify_result(proposal_id: int) -> int:
    proposal = _claim(proposal_id, "result_notice_sent_at")
    if proposal is None:
        return 0
    result = proposal.get_result_display()
    body = f"“{proposal.title}” is closed: {result}.\n"
    outcome = presenters.outcome_sentence(proposal)
    if outcome:
        body += f"\n{outcome}\n"
    early = presenters.early_close_sentence(proposal)
    if early:
        body += f"\n{early}\n"
    if proposal.action_error:
        body += f"\nThe decision could not be carried out: {proposal.action_error}\n"
    body += f"\n{_link(proposal)}\n"
    return _send(
        proposal, f"Result: {proposal.title} — {result}", body, _electorate_emails(proposal)
    )


@shared_task
def sweep_probation_reviews() -> int:
    """Hourly (beat): for each probation that has ended, draft the membership proposal that
    admits the member (once per member and end date; see governance/services/probation.py)."""
    member_ids = services.probations_ended(clock.now())
    for member_id in member_ids:
        draft_probation_review.delay(member_id)
    return len(member_ids)


@shared_task
def draft_probation_review(member_id: int) -> int | None:
    """Draft one member's review; a retry finds it drafted and does nothing."""
    proposal = services.draft_probation_review(member_id=member_id)
    return proposal.pk if proposal is not None else None

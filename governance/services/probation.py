"""The end of a probation: a membership proposal to admit the member is drafted for the
secretary, once per member and end date (`ProbationReview`).

The draft carries the `admit_member` action (probationary → active). The secretary opens it for
the vote, changes it, or withdraws it; a vote that does not pass leaves the member on probation,
and the secretary then moves the end date (extend: a new review is drafted at the new end) or
records the departure (end: `change_member_status`, or a proposal where the bylaws say so).
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from coop import clock
from coop.audit import record
from coop.locale_formats import format_day
from coop.models import Member
from coop.models.cooperative import MemberStatus
from governance.floors import applies_threshold, floors_for
from governance.models import Kind, Method, ProbationReview, Proposal
from governance.services.drafting import create_proposal

DRAFTING = (MemberStatus.ACTIVE, MemberStatus.PROBATIONARY)


def probations_ended(now: datetime.datetime) -> list[int]:
    """The probationary members whose probation has ended (today or before, in their co-op's
    time zone) and whose review is not drafted yet."""
    candidates = (
        Member.objects.filter(status=MemberStatus.PROBATIONARY, probation_ends_on__isnull=False)
        .select_related("cooperative")
        .order_by("pk")
    )
    reviewed = set(ProbationReview.objects.values_list("member_id", "ends_on"))
    return [
        member.pk
        for member in candidates
        if member.probation_ends_on is not None
        and member.probation_ends_on <= now.astimezone(clock.zone_of(member.cooperative)).date()
        and (member.pk, member.probation_ends_on) not in reviewed
    ]


def _author(member: Member) -> Member | None:
    """Who the draft is for: the co-op's first secretary, else its first admin."""
    drafters = Member.objects.filter(cooperative_id=member.cooperative_id, status__in=DRAFTING)
    return (
        drafters.filter(is_secretary=True).order_by("pk").first()
        or drafters.filter(is_admin=True).order_by("pk").first()
    )


def draft_probation_review(*, member_id: int) -> Proposal | None:
    """Draft the membership proposal that admits the member at the end of their probation.

    Idempotent: nothing is drafted for a member no longer on probation, before the end date, or
    twice for one end date. Returns the draft, or None when there was nothing to draft (or no
    secretary nor admin to draft it for: the next sweep tries again)."""
    with transaction.atomic():
        member = (
            Member.objects.select_for_update()
            .select_related("cooperative", "user")
            .filter(pk=member_id)
            .first()
        )
        if member is None or member.status != MemberStatus.PROBATIONARY:
            return None
        cooperative = member.cooperative
        ends_on = member.probation_ends_on
        if ends_on is None or ends_on > clock.today_in(cooperative):
            return None
        if ProbationReview.objects.filter(member=member, ends_on=ends_on).exists():
            return None
        author = _author(member)
        if author is None:
            return None
        floors = floors_for(cooperative, Kind.MEMBERSHIP)
        # The simplest method the bylaws allow for membership: a supermajority (its threshold
        # the floor's, at least 2/3) where a majority is not enough.
        method = (
            Method.MAJORITY
            if applies_threshold(Method.MAJORITY, floors.threshold)
            else Method.SUPERMAJORITY
        )
        now = clock.now()
        opens_at = now + floors.discussion
        # The draft is read by the co-op's members: in the site's language, as minutes are.
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Admit %(name)s as an active member at the end of their probation") % {
                "name": member.display_name
            }
            body = _(
                "The probation of %(name)s ended on %(date)s. If this proposal passes, "
                "%(name)s becomes an active member. If it does not, %(name)s stays on probation: "
                "the secretary then moves the end of the probation (to extend it) or records "
                "the departure (to end it)."
            ) % {"name": member.display_name, "date": format_day(ends_on)}
        proposal = create_proposal(
            actor=author,
            now=now,
            title=title,
            body=body,
            kind=Kind.MEMBERSHIP,
            method=method,
            opens_at=opens_at,
            closes_at=opens_at + floors.voting,
            action="admit_member",
            action_payload={"member": member.pk, "status": MemberStatus.ACTIVE},
        )
        try:
            with transaction.atomic():
                ProbationReview.objects.create(member=member, ends_on=ends_on, proposal=proposal)
        except IntegrityError:  # drafted meanwhile by another worker: keep theirs
            transaction.set_rollback(True)
            return None
        record(
            cooperative,
            None,
            "member.probation_review_drafted",
            member,
            {"ends_on": ends_on.isoformat(), "proposal": proposal.pk, "for": author.pk},
        )
        return proposal

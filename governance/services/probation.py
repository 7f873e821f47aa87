"""The end of a probation: a membership proposal that decides it is drafted for the secretary,
once per member and end date (`ProbationReview`).

The draft is a single-choice vote among three options, admit, extend (by the bylaws'
`probation_months`, which the secretary may change before the vote opens) or end, carried out
by the `admit_member` action (governance/actions/probation_outcomes.py): the winning option's
outcome runs, and only it. A tie, no quorum or an option short of the threshold leaves the
member on probation. An extension moves the end date, so a new reminder and a new review follow
at the new end.
"""

import datetime
from fractions import Fraction

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from coop import clock
from coop.audit import record
from coop.locale_formats import format_day
from coop.models import Member
from coop.models.cooperative import MemberStatus
from governance.floors import floors_for
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


def review_body(member: Member, ends_on: datetime.date, threshold: Fraction) -> str:
    """The drafted proposal's text: the three choices in plain words (in the active language)."""
    values = {
        "name": member.display_name,
        "date": format_day(ends_on),
        "threshold": str(threshold),
    }
    return "\n\n".join(
        [
            _("The probation of %(name)s ended on %(date)s. Members choose one of three options:")
            % values,
            _("- **Admit**: %(name)s becomes an active member.") % values,
            _(
                "- **Extend**: %(name)s stays on probation for the time the option names; the "
                "secretary is reminded again before the new end, and a new proposal is drafted "
                "then."
            )
            % values,
            _(
                "- **End**: %(name)s does not become a member. Their departure is recorded as "
                "any departure is, and what the bylaws say follows it (such as paying back a "
                "buy-in) follows it."
            )
            % values,
            _(
                "The option with the most votes is carried out if it has at least %(threshold)s "
                "of the votes given to an option. A tie, no quorum, or no option with that "
                "share leaves %(name)s on probation, and the secretary decides what comes next."
            )
            % values,
        ]
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
        now = clock.now()
        opens_at = now + floors.discussion
        # The draft is read by the co-op's members: in the site's language, as minutes are.
        with translation.override(settings.LANGUAGE_CODE):
            title = _("The end of the probation of %(name)s: admit, extend or end") % {
                "name": member.display_name
            }
            body = review_body(member, ends_on, floors.threshold)
        proposal = create_proposal(
            actor=author,
            now=now,
            title=title,
            body=body,
            kind=Kind.MEMBERSHIP,
            method=Method.SINGLE_CHOICE,
            opens_at=opens_at,
            closes_at=opens_at + floors.voting,
            action="admit_member",
            action_payload={
                "member": member.pk,
                "probation_ends_on": ends_on.isoformat(),
                "outcomes": ["admit", "extend", "end"],
            },
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

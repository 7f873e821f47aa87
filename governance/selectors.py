"""Reads of governance: the proposals a member sees, with whether they voted, and live turnout."""

import datetime
import zoneinfo
from typing import Any

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from coop.models import Member
from coop.models.cooperative import Role
from governance.models import Ballot, Delegation, EligibleVoter, Proposal, State, VoterRoll


def visible_proposals(viewer: Member) -> QuerySet[Proposal]:
    """The co-op's proposals the viewer may see: drafts only to their author and secretaries.

    Annotated with `i_voted`, `i_am_eligible` and `ballots_cast`; open votes come first.
    """
    proposals = Proposal.objects.filter(cooperative_id=viewer.cooperative_id)
    if not viewer.has_role(Role.SECRETARY):
        proposals = proposals.filter(~Q(state=State.DRAFT) | Q(author=viewer))
    return (
        proposals.select_related("author__user")
        .annotate(
            i_voted=Exists(Ballot.objects.filter(proposal=OuterRef("pk"), member=viewer))
            | Exists(VoterRoll.objects.filter(proposal=OuterRef("pk"), member=viewer)),
            i_am_eligible=Exists(
                EligibleVoter.objects.filter(proposal=OuterRef("pk"), member=viewer)
            ),
            open_ballots=Count("ballots", distinct=True),
            secret_votes=Count("voter_roll", distinct=True),
            stage=Case(
                When(state=State.VOTING, then=Value(0)),
                When(state=State.DISCUSSION, then=Value(1)),
                When(state=State.DRAFT, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            ),
        )
        .order_by("stage", "closes_at", "-id")
    )


def ballots_cast(proposal: Proposal) -> int:
    voters = VoterRoll if proposal.secret else Ballot
    return voters.objects.filter(proposal=proposal).count()


def my_ballot(proposal: Proposal, member: Member) -> dict | None:
    """The member's open ballot (secret ballots cannot be read back: that is the point)."""
    if proposal.secret:
        return None
    ballot = Ballot.objects.filter(proposal=proposal, member=member).first()
    return ballot.content if ballot else None


def active_delegations(member: Member) -> QuerySet[Delegation]:
    return Delegation.objects.filter(delegator=member, revoked_at__isnull=True).select_related(
        "delegate__user"
    )


def delegations_to(member: Member) -> QuerySet[Delegation]:
    return Delegation.objects.filter(delegate=member, revoked_at__isnull=True).select_related(
        "delegator__user"
    )


def closed_between(cooperative, first: datetime.date, last: datetime.date):
    """Proposals closed from `first` to `last` (inclusive, co-op time zone), oldest first."""
    zone = zoneinfo.ZoneInfo(cooperative.time_zone)
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return (
        Proposal.objects.filter(
            cooperative=cooperative, state=State.CLOSED, closed_at__gte=start, closed_at__lt=end
        )
        .select_related("author__user")
        .order_by("closed_at", "id")
    )


CHOICES = ("agree", "abstain", "disagree", "block")


def in_order(values: dict[str, Any], proposal: Proposal) -> dict[str, Any]:
    """Answers in ballot order (agree … block) or options in the proposal's order: PostgreSQL's
    jsonb does not keep the order in which the tally wrote its keys."""
    rank = {name: index for index, name in enumerate([*CHOICES, *proposal.options])}
    return dict(sorted(values.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0])))

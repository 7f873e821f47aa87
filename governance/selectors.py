"""Reads of governance: the proposals a member sees, with whether they voted, and live turnout."""

import datetime
import zoneinfo
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from coop.errors import StateConflict
from coop.models import Member
from coop.models.cooperative import Role
from governance.models import (
    Ballot,
    Comment,
    Delegation,
    EligibleVoter,
    Proposal,
    State,
    VoterRoll,
)


def visible_proposals(viewer: Member) -> QuerySet[Proposal]:
    """The co-op's proposals the viewer may see: drafts only to their author and secretaries.

    Annotated with `i_voted`, `i_am_eligible` and `ballots_cast`; open votes come first.
    """
    proposals = Proposal.objects.filter(cooperative_id=viewer.cooperative_id)
    if viewer.has_departed:  # a former member reads the published decisions only
        proposals = proposals.filter(state=State.CLOSED)
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
            # Counted per proposal in a subquery, not by joining every ballot of the page's
            # proposals (1,000 ballots × 100 proposals made a 100,000-row sort).
            open_ballots=_count_per_proposal(Ballot),
            secret_votes=_count_per_proposal(VoterRoll),
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


def _count_per_proposal(model) -> Coalesce:
    rows = model.objects.filter(proposal=OuterRef("pk")).order_by().values("proposal")
    return Coalesce(
        Subquery(rows.annotate(n=Count("*")).values("n"), output_field=IntegerField()), 0
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


def state_and_my_ballot(proposal: Proposal, member: Member) -> tuple[str, dict | None]:
    """The proposal's state as stored now and `my_ballot`, in one query (the answer to a vote)."""
    ballot = Ballot.objects.filter(proposal=OuterRef("pk"), member=member).values("content")
    state, content = (
        Proposal.objects.filter(pk=proposal.pk)
        .annotate(my_content=Subquery(ballot[:1]))
        .values_list("state", "my_content")
        .get()
    )
    return state, None if proposal.secret else content


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


class NotPublished(StateConflict):
    """A proposal's ballot file or minutes asked for before voting closed (a 409)."""

    code = "not_published"


def published_ballot_file(proposal: Proposal) -> dict[str, Any]:
    """The ballot file of a closed proposal, as counted; `NotPublished` (409) before the close.

    The one rule for the page's download and the API's `ballots/`.
    """
    if proposal.state != State.CLOSED:
        raise NotPublished(_("Ballots are published when voting closes."))
    from governance import services  # the services read these selectors

    return proposal.tally.get("ballot_file") or services.ballot_file(proposal)


def minutes_for(proposal: Proposal) -> list[Comment]:
    """The discussion that the minutes of a closed proposal record; `NotPublished` (409) before
    the close. The one rule for the page's and the API's minutes."""
    if proposal.state != State.CLOSED:
        raise NotPublished(_("Minutes are made when voting closes."))
    return list(proposal.comments.select_related("author__user"))

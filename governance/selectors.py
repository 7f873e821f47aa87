"""Reads of governance: the proposals a member sees, with whether they voted, and live turnout."""

import datetime
import gc
import json
import operator
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections
from django.db.models import (
    Aggregate,
    BinaryField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _

from coop.errors import StateConflict
from coop.models import Member
from coop.models.cooperative import Role
from governance.methods.ballot_file import (
    RANKED_METHODS,
    tally_grouped,
    tally_stored_rankings,
)
from governance.methods.delegation import resolve_delegations
from governance.models import (
    Ballot,
    Comment,
    Delegation,
    EligibleVoter,
    Proposal,
    SecretBallot,
    State,
    VoterRoll,
)


def proposals_seen_by(viewer: Member) -> QuerySet[Proposal]:
    """The rule of `visible_proposals` alone, without its annotations: for a request that only
    needs to know whether the viewer may see a proposal (a vote), whose annotations cost more
    to compile than the rest of the query (about 5 ms of Python under load, issue 21)."""
    proposals = Proposal.objects.filter(cooperative_id=viewer.cooperative_id)
    if viewer.has_departed:  # a former member reads the published decisions only
        proposals = proposals.filter(state=State.CLOSED)
    if not viewer.has_role(Role.SECRETARY):
        proposals = proposals.filter(~Q(state=State.DRAFT) | Q(author=viewer))
    return proposals


def visible_proposals(viewer: Member) -> QuerySet[Proposal]:
    """The co-op's proposals the viewer may see: drafts only to their author and secretaries.

    Annotated with `i_voted`, `i_am_eligible` and `ballots_cast`; open votes come first.
    """
    return (
        proposals_seen_by(viewer)
        .select_related("author__user")
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


def running_count(proposal: Proposal, viewer_voted: bool) -> dict[str, Any] | None:
    """The count so far of an open vote, for a voter who has voted, where the proposal shows it
    (`show_results_while_voting`); None otherwise: never for a secret ballot (its ballots are
    sealed until the close) and never to a member who has not voted."""
    if not (
        proposal.state == State.VOTING
        and proposal.show_results_while_voting
        and not proposal.secret
        and viewer_voted
    ):
        return None
    return current_count(proposal)


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


class NotPublished(StateConflict):
    """A proposal's ballot file or minutes asked for before voting closed (a 409)."""

    code = "not_published"


def published_ballot_file(proposal: Proposal) -> dict[str, Any]:
    """The ballot file of a closed proposal, as counted; `NotPublished` (409) before the close.

    The one rule for the page's download and the API's `ballots/`.
    """
    if proposal.state != State.CLOSED:
        raise NotPublished(_("Ballots are published when voting closes."))
    return proposal.tally.get("ballot_file") or ballot_file(proposal)


def minutes_for(proposal: Proposal) -> list[Comment]:
    """The discussion that the minutes of a closed proposal record; `NotPublished` (409) before
    the close. The one rule for the page's and the API's minutes."""
    if proposal.state != State.CLOSED:
        raise NotPublished(_("Minutes are made when voting closes."))
    return list(proposal.comments.select_related("author__user"))


def delegations_for(proposal: Proposal) -> dict[int, int]:
    """Each member's delegate for the proposal's kind; a per-kind delegation beats a general one."""
    active = Delegation.objects.filter(
        cooperative_id=proposal.cooperative_id, revoked_at__isnull=True
    ).filter(Q(kind="") | Q(kind=proposal.kind))
    general: dict[int, int] = {}
    specific: dict[int, int] = {}
    for delegator, delegate, kind in active.values_list("delegator_id", "delegate_id", "kind"):
        (specific if kind else general)[delegator] = delegate
    return {**general, **specific}


def count_terms(proposal: Proposal) -> dict[str, Any]:
    """The terms of the proposal's count: its ballot file without the ballots."""
    return {
        "method": proposal.method,
        "options": proposal.options,
        "seats": proposal.seats,
        "eligible": proposal.eligible_count,
        "quorum": proposal.quorum,
        "threshold": proposal.threshold,
    }


def delegated_weights(proposal: Proposal) -> dict[int, int]:
    """The weight of each open ballot that counts for more than its voter (delegations resolved
    now); every other ballot weighs 1. Secret ballots carry no delegated weight."""
    if proposal.secret:
        return {}
    delegations = delegations_for(proposal)
    if not delegations:  # then every chain ends at once: every ballot weighs 1
        return {}
    resolution = resolve_delegations(
        eligible=EligibleVoter.objects.filter(proposal=proposal).values_list(
            "member_id", flat=True
        ),
        voted=Ballot.objects.filter(proposal=proposal).values_list("member_id", flat=True),
        delegations=delegations,
    )
    weights = resolution.weights.items()
    return {member: weight for member, weight in weights if weight != 1}  # type: ignore[misc]


def ballot_file(proposal: Proposal, weights: dict[int, int] | None = None) -> dict[str, Any]:
    """The published ballot file of the proposal, as it stands (weights from delegations now,
    or `weights` as `delegated_weights` gave them)."""
    document: dict[str, Any] = {**count_terms(proposal), "ballots": []}
    if proposal.secret:
        sealed = SecretBallot.objects.filter(proposal=proposal).order_by("receipt_hash")
        document["ballots"] = [
            {**content, "receipt": receipt}
            for content, receipt in sealed.values_list("content", "receipt_hash")
        ]
        return document
    if weights is None:
        weights = delegated_weights(proposal)
    rows = (
        Ballot.objects.filter(proposal=proposal)
        .order_by("member_id")
        .values_list("member_id", "member__user__email", "content")
    )
    for member_id, email, content in rows:
        entry = {**content, "member": email}
        weight = weights.get(member_id, 1)
        if weight != 1:
            entry["weight"] = str(weight)
        document["ballots"].append(entry)
    return document


def grouped_ballots(
    proposal: Proposal, weights: dict[int, int] | None = None
) -> list[tuple[dict[str, Any], int]]:
    """The proposal's ballots grouped by the database: each distinct ballot once, with the total
    weight of the ballots that hold it (`weights` as `delegated_weights` gives them). A count of
    these is the count of the ballot file (`tally_grouped`), without loading every ballot."""
    if proposal.secret:
        secret = SecretBallot.objects.filter(proposal=proposal).order_by()
        return _decoded(secret.values_list(_AS_TEXT, Value(1)).annotate(ballots=Count("id")))
    if weights is None:
        weights = delegated_weights(proposal)
    ballots = Ballot.objects.filter(proposal=proposal).order_by()
    if not weights:
        return _decoded(ballots.values_list(_AS_TEXT, Value(1)).annotate(ballots=Count("id")))
    rows = (
        ballots.annotate(weight=_weight_of(weights))
        .values_list(_AS_TEXT, "weight")
        .annotate(ballots=Count("id"))
    )
    return _decoded(rows)


def _weight_of(weights: dict[int, int]) -> Value | Case:
    """Each open ballot's weight in SQL: 1, or its voter's delegated weight."""
    if not weights:
        return Value(1)
    holders: dict[int, list[int]] = {}
    for member_id, weight in weights.items():
        holders.setdefault(weight, []).append(member_id)
    return Case(
        *(When(member_id__in=ids, then=Value(weight)) for weight, ids in holders.items()),
        default=Value(1),
        output_field=IntegerField(),
    )


# The grouped contents are read as JSON text with the cursor's own fetch and decoded in one call:
# Django's row-by-row iteration and the JSON field's decoding per row cost more than the count.
_AS_TEXT = Cast("content", TextField())


def _decoded(rows: QuerySet) -> list[tuple[dict[str, Any], int]]:
    """(content, weight, ballots) rows as (content, weight × ballots)."""
    sql, params = rows.query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    if not fetched:
        return []
    texts, weights, times = zip(*fetched, strict=True)
    contents = json.loads(f"[{','.join(texts)}]")
    return list(zip(contents, map(operator.mul, weights, times), strict=True))


def stored_rankings(
    proposal: Proposal, weights: dict[int, int] | None = None
) -> list[tuple[int, bytes]] | None:
    """The stored rankings of the proposal's ballots (`Ballot.positions`), end to end, one
    (weight, positions) pair per weight that ballots carry (`weights` as `delegated_weights`
    gives them); None when a ballot has none (a content that is not a ranking of the options).

    One query, one row per weight: PostgreSQL joins the bytes (`string_agg`; SQLite joins their
    hex), so that 50,000 ballots cost no Python object each.
    """
    ballots: QuerySet[Any]
    if proposal.secret:
        ballots = SecretBallot.objects.filter(proposal=proposal).order_by()
        weight_of: Value | Case = Value(1)
    else:
        if weights is None:
            weights = delegated_weights(proposal)
        ballots = Ballot.objects.filter(proposal=proposal).order_by()
        weight_of = _weight_of(weights)
    rows = (
        ballots.annotate(weight=weight_of)
        .values_list("weight")
        .annotate(joined=_JoinedPositions("positions"), stored=Count("positions"), held=Count("id"))
    )
    sql, params = rows.query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    if any(stored != held for _weight, _joined, stored, held in fetched):
        return None
    if connections[rows.db].vendor == "postgresql":
        return [(weight, bytes(joined or b"")) for weight, joined, _stored, _held in fetched]
    return [(weight, bytes.fromhex(joined or "")) for weight, joined, _stored, _held in fetched]


class _JoinedPositions(Aggregate):
    """Every row's `positions` end to end: bytes on PostgreSQL, their hex on SQLite."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ''::bytea)"
    output_field = BinaryField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="GROUP_CONCAT",
            template="%(function)s(HEX(%(expressions)s), '')",
            **extra_context,
        )


def current_count(proposal: Proposal, weights: dict[int, int] | None = None) -> dict[str, Any]:
    """The count of the proposal's ballots as they stand: the result
    `tally_ballot_file(ballot_file(proposal))` gives.

    Ranked ballots are counted from their stored rankings (`stored_rankings`): no option name is
    read. Any other ballot, or a ranked one without a readable stored ranking, is counted from
    `grouped_ballots`, whose contents name what is wrong with a bad one, as a ballot file would.
    """
    terms = count_terms(proposal)
    if weights is None and not proposal.secret:
        weights = delegated_weights(proposal)
    with _no_cyclic_collection():
        if proposal.method in RANKED_METHODS:
            stored = stored_rankings(proposal, weights)
            result = tally_stored_rankings(terms, stored) if stored is not None else None
            if result is not None:
                return result
        return tally_grouped(terms, grouped_ballots(proposal, weights))


@contextmanager
def _no_cyclic_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while the ballots are decoded and counted.

    50,000 distinct rankings make 100,000 new lists and dicts (no cycles among them) and as many
    tuples; they set off collections over the whole process's heap, which doubled the time of
    reading and counting them (measured on the bench: 0.59 s against 0.28 s). Reference counting
    still frees everything; the collector runs again as soon as the count is done.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

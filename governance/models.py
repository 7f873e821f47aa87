"""Proposals and how members decide them: eligibility snapshots, ballots, delegations, comments."""

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from coop.models import Cooperative, Member


class Kind(models.TextChoices):
    GENERAL = "general", _("general")
    SPENDING = "spending", _("spending")
    MEMBERSHIP = "membership", _("membership")
    POLICY = "policy", _("policy")
    BYLAWS = "bylaws", _("bylaws")
    DISTRIBUTION = "distribution", _("distribution")


class Method(models.TextChoices):
    MAJORITY = "majority", _("majority")
    SUPERMAJORITY = "supermajority", _("supermajority")
    CONSENSUS = "consensus", _("consensus")
    CONSENT = "consent", _("consent")
    APPROVAL = "approval", _("approval")
    SCORE = "score", _("score")
    SINGLE_CHOICE = "single_choice", _("single choice (the winner needs the threshold)")
    SCHULZE = "schulze", _("Schulze (ranked)")
    IRV = "irv", _("instant runoff (ranked)")
    STV = "stv", _("single transferable vote (ranked, several seats)")


CHOICE_METHODS = {Method.MAJORITY, Method.SUPERMAJORITY, Method.CONSENSUS, Method.CONSENT}
RANKED_METHODS = {Method.SCHULZE, Method.IRV, Method.STV}
# A block vetoes under these methods only; elsewhere it has no meaning of its own and is refused.
BLOCK_VETOES = {Method.CONSENT, Method.CONSENSUS}


class State(models.TextChoices):
    DRAFT = "draft", _("draft")
    DISCUSSION = "discussion", _("in discussion")
    VOTING = "voting", _("voting")
    CLOSED = "closed", _("closed")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Result(models.TextChoices):
    PASSED = "passed", _("passed")
    REJECTED = "rejected", _("rejected")
    NO_QUORUM = "no_quorum", _("no quorum")
    TIE = "tie", _("tie")


class Proposal(models.Model):
    Kind = Kind
    Method = Method
    State = State
    Result = Result

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="proposals")
    author = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="proposals")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body (Markdown)"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.GENERAL)
    method = models.CharField(
        _("decision method"), max_length=16, choices=Method.choices, default=Method.MAJORITY
    )
    options = models.JSONField(_("options"), default=list, blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    quorum = models.CharField(_("quorum"), max_length=20)
    threshold = models.CharField(_("threshold"), max_length=20)
    secret = models.BooleanField(_("secret ballot"), default=False)
    allow_early_close = models.BooleanField(_("close early when everyone has voted"), default=True)
    show_results_while_voting = models.BooleanField(
        _("show the running count to members who have voted"),
        default=False,
        help_text="open ballots only: never for a secret ballot, never to who has not voted",
    )
    discussion_starts_at = models.DateTimeField(_("discussion starts"), null=True, blank=True)
    opens_at = models.DateTimeField(_("voting opens"))
    closes_at = models.DateTimeField(_("voting closes"))
    action = models.CharField(_("action when passed"), max_length=64, blank=True)
    action_payload = models.JSONField(_("action payload"), default=dict, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    result = models.CharField(max_length=16, choices=Result.choices, blank=True)
    tally = models.JSONField(default=dict, blank=True, help_text="the stored result of the count")
    outcome_statement = models.TextField(_("outcome statement"), blank=True)
    action_error = models.TextField(blank=True)
    eligible_count = models.PositiveIntegerField(default=0)
    voting_opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Notices are claimed before they are sent, so a retried task never mails anyone twice.
    opened_notice_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    result_notice_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "opens_at"], name="proposal_due_to_open"),
            models.Index(fields=["state", "closes_at"], name="proposal_due_to_close"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="proposal_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(discussion_starts_at__isnull=True)
                | Q(discussion_starts_at__lte=F("opens_at")),
                name="proposal_discussion_before_voting",
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="proposal_seats_positive"),
            models.CheckConstraint(
                condition=Q(state__in=State.values), name="proposal_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(state="closed", result__in=Result.values)
                | (~Q(state="closed") & Q(result="")),
                name="proposal_result_iff_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_choice(self) -> bool:
        return self.method in CHOICE_METHODS

    @property
    def is_ranked(self) -> bool:
        return self.method in RANKED_METHODS


class EligibleVoter(models.Model):
    """The electorate, snapshotted when voting opens: members admitted later do not vote."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="eligible_voters")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "member"], name="eligible_once")]

    def __str__(self) -> str:
        return f"{self.member} on {self.proposal_id}"


# What the count of a ranked ballot reads instead of its option names (`methods.rankings`).
POSITIONS_HELP = (
    "a ranking's places in the proposal's option order: byte i is the place of option i (0 is "
    "first), or the number of options when it is unranked; written with the content, from it"
)


class Ballot(models.Model):
    """An open ballot: who voted what. Changeable until the proposal closes."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="ballots")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="ballots")
    content = models.JSONField(
        help_text="the normalized ballot: choice, ranking, approve or scores"
    )
    positions = models.BinaryField(null=True, editable=False, help_text=POSITIONS_HELP)
    cast_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "member"], name="one_ballot_per_member")
        ]

    def __str__(self) -> str:
        return f"ballot of {self.member_id} on {self.proposal_id}"


class VoterRoll(models.Model):
    """Secret ballots, part one: that a member voted. Random key, no time; rewritten in member
    order at close. What was voted is sealed apart (SealedBallotBox, then SecretBallot)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="voter_roll")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "member"], name="secret_vote_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} voted on {self.proposal_id}"


class SealedBallotBox(models.Model):
    """Secret ballots while voting is open: one value holding every sealed ballot of the proposal.

    Each ballot is padded to `record_size` bytes and sealed to the proposal's public key, whose
    private key is derived from the `BALLOT_SECRET` setting and never stored; the ballots are
    reshuffled on every cast (one row, so no row order either). Opened and deleted at close
    (governance/ballot_box.py).
    """

    proposal = models.OneToOneField(
        Proposal, on_delete=models.CASCADE, primary_key=True, related_name="sealed_box"
    )
    salt = models.BinaryField(max_length=16)
    record_size = models.PositiveIntegerField(help_text="the padded size of every ballot, bytes")
    ballots = models.BinaryField(default=bytes, help_text="the sealed ballots, end to end")

    def __str__(self) -> str:
        return f"sealed ballots of {self.proposal_id}"


class SecretBallot(models.Model):
    """Secret ballots, part two: what was voted, with the hash of the voter's receipt code.

    Written only when voting closes, all at once and in a random order, from the sealed box.
    No member, no timestamp, a random key: no column and no row order links it to the voter roll.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="secret_ballots")
    content = models.JSONField()
    positions = models.BinaryField(null=True, editable=False, help_text=POSITIONS_HELP)
    receipt_hash = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"secret ballot {self.receipt_hash[:8]} on {self.proposal_id}"


class Delegation(models.Model):
    """A member lets another vote for them (open ballots), for every kind or for one kind."""

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="delegations"
    )
    delegator = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="delegations_given"
    )
    delegate = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="delegations_received"
    )
    kind = models.CharField(
        max_length=16, choices=Kind.choices, blank=True, help_text="blank: every kind"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["delegator", "kind"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_delegation_per_kind",
            ),
            models.CheckConstraint(
                condition=~Q(delegator=F("delegate")), name="no_delegation_to_oneself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegator_id} → {self.delegate_id} ({self.kind or 'all'})"


class Comment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.proposal_id}"


class CalendarFeed(models.Model):
    """A member's private iCalendar address for the deadlines of open proposals."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"calendar of {self.member_id}"


from governance.probation_models import ProbationReview  # noqa: E402, F401

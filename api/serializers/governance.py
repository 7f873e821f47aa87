"""Serializers for proposals, ballots, results, comments and delegations."""

from functools import lru_cache

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.base import ModelSerializer, Serializer
from api.serializers.hours import CoopScopedPrimaryKey
from coop.models import Member
from governance.actions import registry
from governance.models import Comment, Delegation, Proposal, Result
from governance.rendering import render_markdown

# Rendering is a pure function of the text, and a list renders up to 500 bodies a request
# (about 0.3 ms each): remember the latest ones per process.
body_html = lru_cache(maxsize=2048)(render_markdown)


class FractionField(serializers.CharField):
    """An exact fraction written "2/3" or "0.75"."""


class ProposalSerializer(ModelSerializer):
    author = serializers.IntegerField(source="author_id", read_only=True)
    author_name = serializers.CharField(source="author.display_name", read_only=True)
    body_html = serializers.SerializerMethodField()
    quorum = FractionField(required=False, allow_blank=True, help_text='e.g. "1/2" or "0.5"')
    threshold = FractionField(required=False, allow_blank=True, help_text='e.g. "2/3"')
    options = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    action = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="an executable action: " + ", ".join(a.name for a in registry.available()),
    )
    action_payload = serializers.JSONField(required=False)
    result = serializers.ChoiceField(
        choices=Result.choices,
        allow_blank=True,
        read_only=True,
        help_text="empty until voting closes",
    )
    eligible = serializers.IntegerField(source="eligible_count", read_only=True)
    ballots_cast = serializers.SerializerMethodField()
    i_voted = serializers.BooleanField(read_only=True, default=False)
    i_am_eligible = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = Proposal
        fields = [
            "id", "title", "body", "body_html", "kind", "method", "options", "seats", "quorum",
            "threshold", "secret", "allow_early_close", "show_results_while_voting",
            "discussion_starts_at", "opens_at",
            "closes_at", "action", "action_payload", "state", "result", "outcome_statement",
            "action_error", "author", "author_name", "eligible", "ballots_cast", "i_voted",
            "i_am_eligible", "voting_opened_at", "closed_at", "created_at",
        ]  # fmt: skip
        read_only_fields = [
            "state", "result", "outcome_statement", "action_error", "voting_opened_at",
            "closed_at", "created_at",
        ]  # fmt: skip

    def get_body_html(self, proposal: Proposal) -> str:
        return body_html(proposal.body)

    def get_ballots_cast(self, proposal: Proposal) -> int:
        if hasattr(proposal, "open_ballots"):
            return proposal.secret_votes if proposal.secret else proposal.open_ballots
        return 0


class VoteSerializer(Serializer):
    """One of: `choice` (+ `reason` for a block), `ranking`, `approve`, `scores`, `option`
    (single choice: an option's name, or null to abstain)."""

    choice = serializers.ChoiceField(
        choices=["agree", "abstain", "disagree", "block"], required=False
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, style={"base_template": "textarea.html"}
    )
    ranking = serializers.ListField(child=serializers.CharField(), required=False)
    approve = serializers.ListField(child=serializers.CharField(), required=False)
    scores = serializers.DictField(child=serializers.IntegerField(), required=False)
    option = serializers.CharField(required=False, allow_null=True)

    def validate(self, attrs):
        given = [
            key for key in ("choice", "ranking", "approve", "scores", "option") if key in attrs
        ]
        if len(given) != 1:
            raise serializers.ValidationError(
                "Give exactly one of choice, ranking, approve, scores or option."
            )
        return attrs


class VoteResultSerializer(Serializer):
    receipt = serializers.CharField(
        allow_null=True, help_text="secret ballots: keep it to find your ballot after close"
    )
    ballot = serializers.JSONField(allow_null=True)
    state = serializers.CharField()


@extend_schema_field(OpenApiTypes.OBJECT)
class TallyField(serializers.JSONField):
    pass


class ResultSerializer(Serializer):
    state = serializers.CharField()
    result = serializers.CharField(allow_blank=True)
    eligible = serializers.IntegerField()
    ballots_cast = serializers.IntegerField()
    tally = TallyField(allow_null=True)
    action_error = serializers.CharField(allow_blank=True)


class CommentSerializer(ModelSerializer):
    author_name = serializers.CharField(source="author.display_name", read_only=True)
    body_html = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = ["id", "author", "author_name", "body", "body_html", "created_at"]
        read_only_fields = ["author", "created_at"]

    def get_body_html(self, comment: Comment) -> str:
        return body_html(comment.body)


class DelegationSerializer(ModelSerializer):
    delegate = CoopScopedPrimaryKey(queryset=Member.objects.all())
    delegate_name = serializers.CharField(source="delegate.display_name", read_only=True)
    kind = serializers.ChoiceField(
        choices=[("", "every kind"), *Proposal.Kind.choices], required=False, default=""
    )

    class Meta:
        model = Delegation
        fields = ["id", "delegate", "delegate_name", "kind", "created_at"]
        read_only_fields = ["created_at"]

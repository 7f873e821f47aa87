"""Proposals, votes, results, published ballot files, comments and delegations."""

import datetime

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.idempotency import idempotent
from api.serializers.governance import (
    CommentSerializer,
    DelegationSerializer,
    ProposalSerializer,
    ResultSerializer,
    VoteResultSerializer,
    VoteSerializer,
)
from api.views.core import COOP_SLUG, CoopScopedViewSet
from coop import pdf
from coop.clock import today_in
from coop.errors import InvalidInput
from governance import minutes, selectors, services
from governance.models import Comment, Delegation, Proposal, State

SCHEMA = {"parameters": [COOP_SLUG]}
FILE = OpenApiResponse(OpenApiTypes.BINARY, description="the file")
NOT_PUBLISHED = OpenApiResponse(
    description="voting has not closed yet (code `not_published`): published when it closes"
)


def _date_param(request, name: str, default: datetime.date) -> datetime.date:
    raw = request.query_params.get(name)
    if not raw:
        return default
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            _("“%(value)s” is not a date: write it as YYYY-MM-DD, such as 2026-12-04.")
            % {"value": raw},
            field=name,
        ) from None


@extend_schema_view(
    list=extend_schema(**SCHEMA, summary="List proposals (open votes first)"),
    retrieve=extend_schema(**SCHEMA),
    create=extend_schema(**SCHEMA, summary="Draft a proposal"),
    partial_update=extend_schema(**SCHEMA, summary="Change a draft"),
    destroy=extend_schema(**SCHEMA, summary="Delete a draft"),
)
class ProposalViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    CoopScopedViewSet,
):
    """Proposals of the co-op. Drafts are seen by their author and secretaries only."""

    serializer_class = ProposalSerializer
    # A departed member reads the published decisions (closed proposals) and nothing else.
    departed_may = ("list", "retrieve", "result", "ballots", "minutes", "register", "comments")
    filterset_fields = ["state", "kind", "method", "result"]
    ordering_fields = ["created_at", "closes_at", "opens_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def scoped_queryset(self, cooperative):
        if self.action == "vote":  # the cast locks and reads the proposal again: who may see it
            return selectors.proposals_seen_by(self.membership).only("id", "secret")
        return selectors.visible_proposals(self.membership)

    def perform_create(self, serializer):
        serializer.instance = services.create_proposal(
            actor=self.membership, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_draft(
            actor=self.membership, proposal=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.delete_draft(actor=self.membership, proposal=instance)

    def _refreshed(self, proposal: Proposal) -> dict:
        return self.get_serializer(self.get_queryset().get(pk=proposal.pk)).data

    @extend_schema(**SCHEMA, request=None, responses=ProposalSerializer)
    @action(detail=True, methods=["post"], url_path="open")
    def open_proposal(self, request, coop_slug, pk=None):
        """Publish a draft (author or secretary): discussion, then voting at `opens_at`."""
        proposal = services.open_proposal(actor=self.membership, proposal=self.get_object())
        return Response(self._refreshed(proposal))

    @extend_schema(**SCHEMA, request=None, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, coop_slug, pk=None):
        """Withdraw before voting ends (author or secretary)."""
        proposal = services.withdraw_proposal(actor=self.membership, proposal=self.get_object())
        return Response(self._refreshed(proposal))

    @extend_schema(**SCHEMA, request=None, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, coop_slug, pk=None):
        """Close voting now and count (secretaries)."""
        proposal = services.close_proposal(proposal=self.get_object(), actor=self.membership)
        return Response(self._refreshed(proposal))

    @idempotent
    @extend_schema(
        **SCHEMA,
        request=VoteSerializer,
        responses={
            200: VoteResultSerializer,
            409: OpenApiResponse(description="voting is not open, or a secret ballot was cast"),
        },
    )
    @action(detail=True, methods=["post"])
    def vote(self, request, coop_slug, pk=None):
        """Cast or change your ballot. A secret ballot is final and returns a receipt code once."""
        proposal = self.get_object()
        serializer = VoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cast = services.cast(
            actor=self.membership, proposal=proposal, ballot=serializer.validated_data
        )
        return Response({"receipt": cast.receipt, "ballot": cast.ballot, "state": cast.state})

    @extend_schema(**SCHEMA, responses=ResultSerializer)
    @action(detail=True, methods=["get"])
    def result(self, request, coop_slug, pk=None):
        """Live turnout while voting; the stored count, delegate weights and outcome once closed."""
        proposal = self.get_object()
        tally = proposal.tally.get("result") if proposal.state == State.CLOSED else None
        return Response(
            {
                "state": proposal.state,
                "result": proposal.result,
                "eligible": proposal.eligible_count,
                "ballots_cast": selectors.ballots_cast(proposal),
                "tally": tally,
                "action_error": proposal.action_error,
            }
        )

    @extend_schema(
        **SCHEMA,
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="the ballot file"),
            409: NOT_PUBLISHED,
        },
    )
    @action(detail=True, methods=["get"])
    def ballots(self, request, coop_slug, pk=None):
        """The published ballot file of a closed proposal: recount it with `manage.py recount`."""
        return Response(selectors.published_ballot_file(self.get_object()))

    @extend_schema(**SCHEMA, responses={(200, "application/pdf"): FILE, 409: NOT_PUBLISHED})
    @action(detail=True, methods=["get"])
    def minutes(self, request, coop_slug, pk=None):
        """The minutes of a closed proposal (PDF): terms, result, action, discussion, ballots."""
        proposal = self.get_object()
        content = minutes.proposal_minutes_pdf(proposal, selectors.minutes_for(proposal))
        return pdf.pdf_response(content, f"{self.cooperative.slug}-proposal-{proposal.pk}.pdf")

    @extend_schema(
        parameters=[
            COOP_SLUG,
            OpenApiParameter(
                "from", OpenApiTypes.DATE, description="first day (default: 1 January)"
            ),
            OpenApiParameter("to", OpenApiTypes.DATE, description="last day (default: today)"),
        ],
        responses={(200, "application/pdf"): FILE},
    )
    @action(detail=False, methods=["get"])
    def register(self, request, coop_slug):
        """The register of decisions (PDF): every proposal closed in a date range."""
        today = today_in(self.cooperative)
        first = _date_param(request, "from", today.replace(month=1, day=1))
        last = _date_param(request, "to", today)
        if first > last:
            raise InvalidInput("The first day comes after the last.", field="from")
        proposals = selectors.closed_between(self.cooperative, first, last)
        content = minutes.decision_register_pdf(self.cooperative, list(proposals), first, last)
        return pdf.pdf_response(content, f"{self.cooperative.slug}-decisions-{first}-{last}.pdf")

    @extend_schema(**SCHEMA, responses=CommentSerializer(many=True), summary="The discussion")
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def comments(self, request, coop_slug, pk=None):
        """The discussion of a proposal, oldest comment first."""
        proposal = self.get_object()
        comments = Comment.objects.filter(proposal=proposal).select_related("author__user")
        return Response(CommentSerializer(comments, many=True).data)

    @extend_schema(
        **SCHEMA,
        request=CommentSerializer,
        responses={201: CommentSerializer},
        summary="Add a comment to the discussion",
    )
    @comments.mapping.post
    def add_comment(self, request, coop_slug, pk=None):
        """Add a comment (Markdown) to the discussion."""
        proposal = self.get_object()
        serializer = CommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = services.add_comment(
            actor=self.membership, proposal=proposal, body=serializer.validated_data["body"]
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(**SCHEMA, summary="Your delegations"),
    create=extend_schema(**SCHEMA, summary="Delegate your vote"),
    destroy=extend_schema(**SCHEMA, summary="Revoke a delegation"),
)
class DelegationViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, CoopScopedViewSet
):
    """Liquid democracy on open ballots: delegate your vote, for every kind or for one kind."""

    serializer_class = DelegationSerializer
    http_method_names = ["get", "post", "delete", "head", "options"]

    def scoped_queryset(self, cooperative):
        return selectors.active_delegations(self.membership)

    def perform_create(self, serializer):
        serializer.instance = services.delegate_vote(
            actor=self.membership, **serializer.validated_data
        )

    def perform_destroy(self, instance: Delegation):
        services.revoke_delegation(actor=self.membership, kind=instance.kind)

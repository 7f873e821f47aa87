"""Django admin of governance: read-only records, and actions that call the services.

A proposal changes only through its services (drafting checks the terms, opening snapshots the
electorate, closing counts); a closed vote and every ballot are immutable. Secret ballots, voter
rolls and calendar feed tokens are not shown at all. The acting member of an action is the
admin user's membership in the proposal's co-op.
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from coop.admin_read_only import ReadOnlyAdmin
from coop.errors import DomainError
from coop.models import Member
from governance import services
from governance.models import Ballot, Comment, Delegation, Proposal, State


class BallotInline(admin.TabularInline):
    model = Ballot
    extra = 0
    can_delete = False
    fields = ["member", "content", "cast_at", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = [
        "title", "cooperative", "kind", "method", "state", "result", "opens_at", "closes_at",
    ]  # fmt: skip
    list_filter = ["cooperative", "state", "kind", "method", "result", "secret"]
    search_fields = ["title", "body", "author__user__email"]
    list_select_related = ["cooperative", "author__user"]
    date_hierarchy = "closes_at"
    actions = ["close_voting_now"]

    def get_inlines(self, request, obj):
        return [] if obj is None or obj.secret else [BallotInline]

    @admin.action(description=gettext_lazy("Close voting now and count (secretaries)"))
    def close_voting_now(self, request: HttpRequest, queryset: QuerySet[Proposal]) -> None:
        closed = 0
        for proposal in queryset.select_related("cooperative"):
            actor = (
                Member.objects.current()
                .filter(cooperative=proposal.cooperative, user=request.user, is_secretary=True)
                .select_related("cooperative", "user")
                .first()
            )
            if actor is None:
                self.message_user(
                    request,
                    _("%(title)s: you are not a secretary of %(coop)s.")
                    % {"title": proposal.title, "coop": proposal.cooperative.name},
                    messages.ERROR,
                )
                continue
            if proposal.state != State.VOTING:
                self.message_user(
                    request,
                    _("%(title)s: only a proposal in voting can be closed (this one is %(state)s).")
                    % {"title": proposal.title, "state": proposal.get_state_display()},
                    messages.ERROR,
                )
                continue
            try:
                services.close_proposal(proposal=proposal, actor=actor)
            except DomainError as error:
                self.message_user(request, f"{proposal.title}: {error.message}", messages.ERROR)
            else:
                closed += 1
        if closed:
            self.message_user(
                request,
                ngettext(
                    "Closed and counted %(count)d proposal.",
                    "Closed and counted %(count)d proposals.",
                    closed,
                )
                % {"count": closed},
            )


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    """Open ballots only: who voted what is public for open votes, and never editable here."""

    list_display = ["proposal", "member", "cast_at", "updated_at"]
    list_filter = ["proposal__cooperative"]
    search_fields = ["proposal__title", "member__user__email"]
    list_select_related = ["proposal", "member__user"]
    date_hierarchy = "cast_at"


@admin.register(Delegation)
class DelegationAdmin(ReadOnlyAdmin):
    list_display = ["delegator", "delegate", "kind", "cooperative", "created_at", "revoked_at"]
    list_filter = ["cooperative", "kind"]
    search_fields = ["delegator__user__email", "delegate__user__email"]
    list_select_related = ["cooperative", "delegator__user", "delegate__user"]
    date_hierarchy = "created_at"


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["proposal", "author", "created_at"]
    list_filter = ["proposal__cooperative"]
    search_fields = ["body", "proposal__title", "author__user__email"]
    list_select_related = ["proposal", "author__user"]
    date_hierarchy = "created_at"

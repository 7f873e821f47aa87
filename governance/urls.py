"""Routes of the proposal pages, under /c/<coop_slug>/proposals/."""

from django.urls import path

from governance import member_views
from governance.views import delegations, proposals, records, voting

urlpatterns = [
    path("", proposals.proposal_list, name="proposals"),
    path("new/", proposals.proposal_new, name="proposal-new"),
    path("new/member/", member_views.propose_member_change, name="proposal-member-change"),
    path("<int:pk>/", voting.proposal_detail, name="proposal"),
    path("<int:pk>/edit/", proposals.proposal_edit, name="proposal-edit"),
    path("<int:pk>/open/", proposals.proposal_open, name="proposal-open"),
    path("<int:pk>/withdraw/", proposals.proposal_withdraw, name="proposal-withdraw"),
    path("<int:pk>/close/", proposals.proposal_close, name="proposal-close"),
    path("<int:pk>/delete/", proposals.proposal_delete, name="proposal-delete"),
    path("<int:pk>/vote/", voting.proposal_vote, name="proposal-vote"),
    path("<int:pk>/receipt/", voting.proposal_find_receipt, name="proposal-find-receipt"),
    path("<int:pk>/comments/", voting.proposal_comment, name="proposal-comment"),
    path("<int:pk>/ballots.json", records.proposal_ballots, name="proposal-ballots"),
    path("<int:pk>/turnout/", voting.proposal_turnout, name="proposal-turnout"),
    path("<int:pk>/minutes.pdf", records.proposal_minutes, name="proposal-minutes"),
    path("register.pdf", records.decision_register, name="decision-register"),
    path("delegations/", delegations.delegations, name="delegations"),
    path("delegations/revoke/", delegations.delegation_revoke, name="delegation-revoke"),
    path("calendar/", delegations.calendar_renew, name="proposal-calendar-renew"),
    path("calendar/<str:token>.ics", delegations.calendar_feed, name="proposal-calendar"),
]

"""Routes of the proposal pages, under /c/<coop_slug>/proposals/."""

from django.urls import path

from governance import member_views, views

urlpatterns = [
    path("", views.proposal_list, name="proposals"),
    path("new/", views.proposal_new, name="proposal-new"),
    path("new/member/", member_views.propose_member_change, name="proposal-member-change"),
    path("<int:pk>/", views.proposal_detail, name="proposal"),
    path("<int:pk>/edit/", views.proposal_edit, name="proposal-edit"),
    path("<int:pk>/open/", views.proposal_open, name="proposal-open"),
    path("<int:pk>/withdraw/", views.proposal_withdraw, name="proposal-withdraw"),
    path("<int:pk>/close/", views.proposal_close, name="proposal-close"),
    path("<int:pk>/delete/", views.proposal_delete, name="proposal-delete"),
    path("<int:pk>/vote/", views.proposal_vote, name="proposal-vote"),
    path("<int:pk>/receipt/", views.proposal_find_receipt, name="proposal-find-receipt"),
    path("<int:pk>/comments/", views.proposal_comment, name="proposal-comment"),
    path("<int:pk>/ballots.json", views.proposal_ballots, name="proposal-ballots"),
    path("<int:pk>/turnout/", views.proposal_turnout, name="proposal-turnout"),
    path("<int:pk>/minutes.pdf", views.proposal_minutes, name="proposal-minutes"),
    path("register.pdf", views.decision_register, name="decision-register"),
    path("delegations/", views.delegations, name="delegations"),
    path("delegations/revoke/", views.delegation_revoke, name="delegation-revoke"),
    path("calendar/", views.calendar_renew, name="proposal-calendar-renew"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="proposal-calendar"),
]

"""Routes of the reconciliation pages, under /c/<coop_slug>/bank/."""

from django.urls import path

from banking.views import reconciliation

urlpatterns = [
    path("reconciliation/", reconciliation.reconciliation, name="bank-reconciliation"),
    path("reconciliation/find/", reconciliation.find_matches, name="bank-find-matches"),
    path("matches/<int:pk>/confirm/", reconciliation.confirm, name="bank-match-confirm"),
    path("matches/<int:pk>/set-aside/", reconciliation.set_aside, name="bank-match-set-aside"),
    path("matches/<int:pk>/change/", reconciliation.change, name="bank-match-change"),
    path("matches/<int:pk>/undo/", reconciliation.undo, name="bank-match-undo"),
    path(
        "transactions/<int:pk>/match/",
        reconciliation.match_by_hand,
        name="bank-transaction-match",
    ),
    path(
        "transactions/<int:pk>/set-aside/",
        reconciliation.set_transaction_aside,
        name="bank-transaction-set-aside",
    ),
    path(
        "transactions/<int:pk>/take-back/",
        reconciliation.take_back,
        name="bank-transaction-take-back",
    ),
    path("unmatched/", reconciliation.unmatched, name="bank-unmatched"),
]

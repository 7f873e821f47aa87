"""Routes of the bank pages, under /c/<coop_slug>/bank/."""

from django.urls import path

from banking.views import accounts

urlpatterns = [
    path("accounts/", accounts.account_list, name="bank-accounts"),
    path("accounts/new/", accounts.account_new, name="bank-account-new"),
    path("accounts/<int:pk>/", accounts.account_edit, name="bank-account-edit"),
    path("accounts/<int:pk>/csv/", accounts.account_csv, name="bank-account-csv"),
    path("accounts/<int:pk>/delete/", accounts.account_delete, name="bank-account-delete"),
]

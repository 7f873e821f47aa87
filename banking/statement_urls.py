"""Routes of the bank statement pages, under /c/<coop_slug>/bank/."""

from django.urls import path

from banking.views import statements

urlpatterns = [
    path("statements/", statements.statement_list, name="bank-statements"),
    path("statements/upload/", statements.statement_upload, name="bank-statement-upload"),
    path("statements/confirm/", statements.statement_confirm, name="bank-statement-confirm"),
    path("statements/<int:pk>/", statements.statement_detail, name="bank-statement"),
]

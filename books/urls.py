"""Routes of the books' pages, under /c/<coop_slug>/books/."""

from django.urls import path

from books.views import journal, reports

urlpatterns = [
    path("", reports.balances_page, name="books-balances"),
    path("funds/", reports.funds_page, name="books-funds"),
    path("journal/", journal.journal_page, name="books-journal"),
    path("accounts/", journal.accounts_page, name="books-accounts"),
    path("accounts/<int:pk>/", journal.ledger_page, name="books-ledger"),
    path("reports/<slug:report>/", reports.report_page, name="books-report"),
]

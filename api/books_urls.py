"""Routes of the books' exports under /api/v1/coops/{slug}/books/ (included by api.urls)."""

from django.urls import path

from api.views.books_exports import BeancountView, DatevNumbersView, DatevView, JournalCsvView

COOP = "coops/<slug:coop_slug>/books"

urlpatterns = [
    path(f"{COOP}/exports/csv/", JournalCsvView.as_view(), name="books-export-csv"),
    path(f"{COOP}/exports/datev/", DatevView.as_view(), name="books-export-datev"),
    path(f"{COOP}/exports/beancount/", BeancountView.as_view(), name="books-export-beancount"),
    path(f"{COOP}/datev-numbers/", DatevNumbersView.as_view(), name="books-datev-numbers"),
]

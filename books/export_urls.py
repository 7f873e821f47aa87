"""Routes of the books' exports page, under /c/<coop_slug>/books/exports/."""

from django.urls import path

from books import export_views

urlpatterns = [
    path("", export_views.exports, name="books-exports"),
    path("download/", export_views.download, name="books-export-download"),
    path("datev-numbers/", export_views.datev_numbers, name="books-datev-numbers"),
]

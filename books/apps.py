"""App configuration of books."""

from django.apps import AppConfig


class BooksConfig(AppConfig):
    name = "books"
    verbose_name = "books"

"""App configuration of banking."""

from django.apps import AppConfig


class BankingConfig(AppConfig):
    name = "banking"
    verbose_name = "banking"

    def ready(self) -> None:
        from banking import book_sources

        book_sources.register()

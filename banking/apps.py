"""App configuration of banking."""

from django.apps import AppConfig


class BankingConfig(AppConfig):
    name = "banking"
    verbose_name = "banking"

    def ready(self) -> None:
        from books import source_pages

        # The journal links an imported statement's entries (fees, interest) to its page.
        source_pages.register("banking.bankstatement", "bank-statement")

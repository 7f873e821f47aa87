"""App configuration of billing."""

from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "billing"

    def ready(self) -> None:
        from billing import book_sources
        from billing.configuration import exemption_note_of
        from billing.entry_lock import refuse_billed_changes
        from billing.rate_services import rates_in_currency
        from books import source_pages
        from coop import invoicing
        from coop.hours import guards

        # A billed entry keeps its hours (coop.hours.guards).
        guards.register(refuse_billed_changes)
        # The rules of a client's details that depend on billing's rows (coop.invoicing).
        invoicing.register_exemption_note(exemption_note_of)
        invoicing.register_currency_holder(rates_in_currency)
        # The journal links an invoice's or a credit note's entries to its page.
        source_pages.register("billing.invoice", "billing-invoice")
        # The journal's entries of invoices, credit notes and payments (books.sources).
        book_sources.register()

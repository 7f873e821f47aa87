"""App configuration of billing."""

from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "billing"

    def ready(self) -> None:
        from billing.entry_lock import refuse_billed_changes
        from coop.hours import guards

        guards.register(refuse_billed_changes)

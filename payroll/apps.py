"""App configuration of payroll."""

from django.apps import AppConfig


class PayrollConfig(AppConfig):
    name = "payroll"

    def ready(self) -> None:
        from books import source_pages
        from coop import departure
        from payroll import book_sources, settlements
        from payroll.dashboard import register_payroll_panels
        from payroll.proposal_actions import register_payroll_actions
        from payroll.settlement_actions import register_settlement_action
        from payroll.shares import register_listeners

        register_payroll_actions()
        register_settlement_action()
        departure.register(
            "payroll",
            on_departure=settlements.on_departure,
            paid_in_full=settlements.paid_in_full,
        )
        register_payroll_panels()
        # The journal links a distribution's entries to its page.
        source_pages.register("payroll.distribution", "money-distribution")
        book_sources.register()
        # The buy-in subscription opened at admission, its exit date at departure.
        register_listeners()

"""App configuration of governance."""

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"

    def ready(self) -> None:
        from governance.core_actions import register_core_actions
        from governance.dashboard import register_governance_panels

        register_core_actions()
        register_governance_panels()

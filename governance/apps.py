"""App configuration of governance."""

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"

    def ready(self) -> None:
        from governance.actions.bylaws import register_bylaws_actions
        from governance.actions.membership import register_membership_actions
        from governance.dashboard import register_governance_panels

        register_membership_actions()
        register_bylaws_actions()
        register_governance_panels()

"""App configuration of the core co-op domain."""

from django.apps import AppConfig


class CoopConfig(AppConfig):
    name = "coop"
    verbose_name = "Co-operative"

    def ready(self) -> None:
        from coop import plain_text
        from coop.dashboard import register_coop_panels

        register_coop_panels()
        plain_text.install()

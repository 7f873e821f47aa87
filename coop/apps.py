"""App configuration of the core co-op domain."""

from django.apps import AppConfig


class CoopConfig(AppConfig):
    name = "coop"
    verbose_name = "Co-operative"

"""Cooperage: the project package and the core co-op domain (members, hours, audit)."""

from coop.celery import app as celery_app

__all__ = ["celery_app"]

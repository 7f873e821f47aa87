"""Cooperage's project package: settings, root URLs, the Celery app, WSGI/ASGI; no domain code."""

from cooperage.celery import app as celery_app

__all__ = ["celery_app"]

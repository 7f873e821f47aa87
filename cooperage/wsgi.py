"""WSGI entry point (gunicorn cooperage.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cooperage.settings")
application = get_wsgi_application()

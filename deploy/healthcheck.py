"""Liveness probe for the web container: exits 0 when gunicorn answers GET /healthz with 200.

`python deploy/healthcheck.py [path]`; used by the `web` service in deploy/compose.yaml (the
slim image has no curl). The request's Host header is the first name of ALLOWED_HOSTS, which
Django requires; "localhost" when that is empty or a wildcard.
"""

import os
import sys
import urllib.request

path = sys.argv[1] if len(sys.argv) > 1 else "/healthz"
port = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").rsplit(":", 1)[-1]
hosts = [h.strip().lstrip(".") for h in os.environ.get("ALLOWED_HOSTS", "").split(",")]
host = next((h for h in hosts if h and "*" not in h), "localhost")

request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
try:
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        sys.exit(0 if response.status == 200 else 1)
except Exception as error:
    print(f"healthcheck {path}: {error}", file=sys.stderr)
    sys.exit(1)

"""Gunicorn configuration for Cooperage: `gunicorn --config deploy/gunicorn.conf.py`.

Every value can be changed from the environment (see deploy/.env.example):
GUNICORN_BIND, WEB_CONCURRENCY, GUNICORN_TIMEOUT, FORWARDED_ALLOW_IPS.
"""

import os
import pathlib

wsgi_app = "cooperage.wsgi:application"

# 0.0.0.0 inside a container; on a host behind nginx use 127.0.0.1:8000 (the systemd unit does).
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# Synchronous workers: 2 × cores + 1, at most 8, unless WEB_CONCURRENCY says otherwise.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * (os.cpu_count() or 1) + 1, 8))

# A request that takes longer than this kills its worker (payslip ZIPs and imports stay well
# under it); on SIGTERM or a reload, workers get graceful_timeout to finish their requests.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5

# Restart each worker after about 1000 requests (the jitter spreads the restarts out).
max_requests = 1000
max_requests_jitter = 100

# Access and error logs on stdout/stderr: journald or `docker compose logs` collect them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

# Addresses whose X-Forwarded-* headers gunicorn trusts (the reverse proxy). Comma-separated;
# "*" when only the proxy can reach gunicorn (e.g. a container port published on 127.0.0.1).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# The workers' heartbeat files on a memory file system: a slow disk cannot stall them.
SHM = "/dev/shm"  # noqa: S108 (gunicorn creates its own private files there)
if pathlib.Path(SHM).is_dir() and os.access(SHM, os.W_OK):
    worker_tmp_dir = SHM

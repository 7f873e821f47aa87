"""Settings for Cooperage, read from the environment (see docs/operations.md).

With nothing set it runs embedded: SQLite under the project and Celery tasks executed eagerly.
`DATABASE_URL` switches to PostgreSQL, `CELERY_BROKER_URL` to a real broker and real workers,
`COOP_ENV=production` turns on the production checks (a secret key is then required).
"""

import datetime
from pathlib import Path

import environ
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

PRODUCTION = env.str("COOP_ENV", default="development") == "production"

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "COOP_ENV=production needs SECRET_KEY: set it to a long random string "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))").'
        )
    DEBUG = env.bool("DEBUG", default=False)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
else:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-do-not-use-in-production")
    DEBUG = env.bool("DEBUG", default=True)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

# The secret from which each secret vote's ballot-box key is derived (docs/governance.md): the
# database never holds it. Empty: SECRET_KEY. Change it only while no secret vote is open.
BALLOT_SECRET = env.str("BALLOT_SECRET", default="") or SECRET_KEY

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Project apps first: their templates (login, password reset) win over the admin's.
    "coop",
    "governance",
    "books",
    "payroll",
    "billing",
    "banking",
    "api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A dropped or refused database connection: 503 with Retry-After (JSON under /api/).
    "coop.middleware.DatabaseUnavailableMiddleware",
    # Without a broker there is no Celery beat: the due sweeps run before a request instead.
    "coop.embedded_beat.EmbeddedBeatMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The Content-Security-Policy header (django-csp): see CONTENT_SECURITY_POLICY below.
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cooperage.urls"
WSGI_APPLICATION = "cooperage.wsgi.application"
ASGI_APPLICATION = "cooperage.asgi.application"

# One markup for a form field on every page: `{{ form.x.as_field_group }}`.
FORM_RENDERER = "coop.forms.FieldGroupRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coop.context_processors.current_cooperative",
                "coop.context_processors.navigation",
                "coop.context_processors.running_timer",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'cooperage.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Rate-limit counts live here: with several web processes, point CACHE_URL at a shared cache
# (e.g. redis://127.0.0.1:6379/1), or each process counts on its own.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a login while its e-mail address and IP address are locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_USER_MODEL = "coop.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login lockout (django-axes), for the web login, the admin and the API token login alike:
# AXES_FAILURE_LIMIT failures in a row for one e-mail address from one IP address lock that
# pair out for AXES_COOLOFF_TIME; a successful login resets the count. `manage.py axes_reset`
# unlocks everyone.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
# A token from `POST /api/v1/auth/token/` (a script's login) stops working after this many days
# (docs/api.md); tokens made on the API tokens page have their own expiry, chosen there.
API_LOGIN_TOKEN_DAYS = env.int("API_LOGIN_TOKEN_DAYS", default=30)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The login form's e-mail field is named `username` (coop.forms.EmailAuthenticationForm), and
# the API token login passes the address to authenticate() as `username` too.
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 403
AXES_CLIENT_IP_CALLABLE = "api.throttling.client_address"  # as the rate limits see it

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language switcher (coop/templates/_language_switcher.html) posts to Django's set_language,
# which keeps the choice in this cookie: for a year, not only until the browser closes.
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
# Where a language's number formats differ from Django's (Spanish thousands: 12.345,67).
FORMAT_MODULE_PATH = ["coop.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # collectstatic fills it in production
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Email: the console by default, so a newcomer sees password-reset and notification mails.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cooperage@localhost")
# Where django.core.mail.backends.filebased.EmailBackend writes (one file per connection).
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
# The address of the site, for links in e-mails (invitations, payslips, drafts). In development
# `make run` sets it from its HOST and PORT; in production (or with DEBUG off) it has no
# default: links to a loopback address would reach no one, so every process (web, worker,
# beat, manage.py) refuses to start without it, as without SECRET_KEY.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG and not PRODUCTION else "")
if not SITE_URL:
    raise ImproperlyConfigured(
        "SITE_URL is required in production (COOP_ENV=production or DEBUG off): the address "
        "members open, for the links in e-mails (for example https://coop.example.org)."
    )

# Celery: eager without a broker (embedded default), real workers with one.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# An eager `.delay()` still takes a producer from Celery's pool, to hand the task its arguments
# as a worker would receive them. Without a URL kombu names localhost's AMQP and warns ("No
# hostname was supplied"); the in-memory transport says what happens: nothing is sent.
CELERY_BROKER_WRITE_URL = None if CELERY_BROKER_URL else "memory://localhost//"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis: a message a worker took but never acknowledged (the worker was killed) goes back to the
# queue after this many seconds. Keep it above the longest task; the sweeps below redo lost work
# sooner (docs/operations.md, "Failures and recovery").
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
# Without a broker there is no beat: the site runs CELERY_BEAT_SCHEDULE itself, from requests
# (coop.embedded_beat), so that `make run` opens and closes votes on time.
EMBEDDED_BEAT = env.bool("EMBEDDED_BEAT", default=not CELERY_BROKER_URL)
CELERY_BEAT_SCHEDULE: dict = {
    "sweep-proposals": {
        "task": "governance.tasks.sweep_proposals",
        "schedule": env.float("PROPOSAL_SWEEP_SECONDS", default=60.0),
    },
    "sweep-distribution-documents": {
        "task": "payroll.tasks.sweep_documents",
        "schedule": env.float("DOCUMENT_SWEEP_SECONDS", default=300.0),
    },
    "monthly-drafts": {"task": "payroll.tasks.create_monthly_drafts", "schedule": 3600.0},
    "capital-interest": {"task": "payroll.tasks.credit_capital_interest", "schedule": 3600.0},
    "sweep-invoice-documents": {
        "task": "billing.tasks.sweep_invoice_documents",
        "schedule": env.float("DOCUMENT_SWEEP_SECONDS", default=300.0),
    },
    "send-invoices": {
        "task": "billing.tasks.sweep_invoice_emails",
        "schedule": env.float("INVOICE_SEND_SWEEP_SECONDS", default=300.0),
    },
    "invoice-reminders": {"task": "billing.tasks.remind_overdue_invoices", "schedule": 3600.0},
    "probation-reminders": {"task": "coop.tasks.sweep_probation_reminders", "schedule": 3600.0},
    "probation-reviews": {"task": "governance.tasks.sweep_probation_reviews", "schedule": 3600.0},
    "purge-idempotency-keys": {
        "task": "api.tasks.purge_idempotency_keys",
        "schedule": 24 * 3600.0,
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.permissions.TokenScope",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "api.schema.CoopAutoSchema",
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AnonRateThrottle",
        "api.throttling.UserRateThrottle",
    ],
    # Requests per second, minute, hour or day; the token login has its own, stricter scope.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="60/min"),
        "user": env.str("THROTTLE_USER", default="600/min"),
        "auth": env.str("THROTTLE_AUTH", default="10/min"),
    },
    # Reverse proxies in front that set X-Forwarded-For; 0 counts by REMOTE_ADDR alone.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Cooperage API",
    "DESCRIPTION": "Hours, governance and payroll for worker-owned co-operatives.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.database_neutral_integers",
        "api.schema.closed_request_bodies",
    ],
    # Choice sets that share a field name get names of their own in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ProposalKindEnum": "governance.models.Kind",
        "ProposalStateEnum": "governance.models.State",
        "MemberStatusEnum": "coop.models.cooperative.MemberStatus",
        "ExpenseStatusEnum": "payroll.models.ExpenseStatus",
        "DistributionStatusEnum": "payroll.models.DistributionStatus",
        "DistributionLineKindEnum": "payroll.models.LineKind",
        "CapitalEntryKindEnum": "payroll.models.CapitalEntryKind",
        "InvoiceKindEnum": "billing.models.InvoiceKind",
        "InvoiceStatusEnum": "billing.models.InvoiceStatus",
        "BankMatchKindEnum": "banking.models.MatchKind",
        "BankMatchStatusEnum": "banking.models.MatchStatus",
        "BankMatchTargetKindEnum": "api.serializers.banking_matches.TARGET_KINDS",
        # A member's language and a client's invoice language: one set of choices.
        "LanguageEnum": "cooperage.settings.LANGUAGES",
    },
}

# Content-Security-Policy (django-csp 4): the pages, the admin and the API's Swagger page load
# scripts, styles, fonts and images from this site only (the Swagger assets are served locally by
# drf-spectacular-sidecar), with no inline script or style, no eval, no plugins, and no framing.
# Templates keep their scripts in static files (coop/static, governance/static, api/static);
# htmx runs without eval or injected styles (base.html's htmx-config). Swagger UI's stylesheet
# carries its icons as data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "coop.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            # stdout for the web and worker processes of a deployment; stderr in development,
            # so that commands printing JSON (recount, simulate_distribution) keep stdout clean.
            "stream": "ext://sys."
            + env.str("LOG_STREAM", default="stdout" if PRODUCTION else "stderr"),
            # One JSON object per line in production, for the host's log collector.
            "formatter": env.str("LOG_FORMAT", default="json" if PRODUCTION else "plain"),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django-axes announces itself at every start; keep its warnings (lockouts) only.
    "loggers": {"axes": {"level": "WARNING"}},
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Probes from a load balancer on the private network speak plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

"""Relais settings: one module, driven by the environment (see README, "Production").

Every value that differs between a laptop and production comes from an environment
variable. Defaults are the embedded ones `make run` uses: SQLite and a filesystem broker
under var/, so nothing external is needed to try Relais.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from relais.api_tags import API_DESCRIPTION, API_TAGS

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A developer's .env (written by `make install`, never committed) turns DEBUG on locally.
# Production sets real environment variables, which always win over the file.
environ.Env.read_env(env.str("RELAIS_ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

_DEV_SECRET_KEY = "relais-development-only-key-never-use-in-production-0123456789"  # noqa: S105 - DEBUG only
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Runtime files (SQLite database, filesystem broker, uploads) live here by default.
VAR_DIR = Path(env.str("RELAIS_VAR_DIR", default=str(BASE_DIR / "var")))
if not VAR_DIR.is_absolute():
    VAR_DIR = BASE_DIR / VAR_DIR
# Under pytest-xdist each worker process gets a directory of its own (SQLite test
# database, file cache, embedded broker, uploads), so parallel workers share nothing.
# xdist sets PYTEST_XDIST_WORKER ("gw0", "gw1"...) before Django loads these settings.
if _xdist_worker := env.str("PYTEST_XDIST_WORKER", default=""):
    VAR_DIR = VAR_DIR / _xdist_worker
VAR_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "template_partials",
    "django_celery_beat",
    "relais.apps.AxesConfig",
    "simple_history",
    "phonenumber_field",
    "accounts",
    "crm",
    "tickets",
    "sales",
    "channels",
    "campaigns",
    "surveys",
    "telework",
    "quality",
    "telephony",
    "triage",
    "anymail",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "relais.middleware.RejectNulBytesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view middleware reads the body (CSRF reads the form); after the user is
    # known, so that the 413 page has the usual header.
    "relais.middleware.RequestBodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "relais.urls"
WSGI_APPLICATION = "relais.wsgi.application"
ASGI_APPLICATION = "relais.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
            "builtins": ["django.templatetags.i18n"],
        },
    },
]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'relais.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and IMMEDIATE transactions let web, worker and scheduler share one file
    # without "database is locked" errors.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory, so a real Celery worker in the integration test sees the data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    # Typo search: "Lefebre" is 0.5 word-similar to "Lefèvre"; pg_trgm's default 0.6
    # would miss it. Measured cost at 100,000 contacts: docs/benchmarks.md.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c pg_trgm.word_similarity_threshold=" + env.str("RELAIS_TYPO_SIMILARITY", default="0.45")
    )
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------
# A file cache by default so that web, worker and scheduler processes share it (import
# progress, throttle counters); production points CACHE_URL at Redis.
CACHES = {"default": env.cache_url("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}
# Parallel test workers share one Redis database: each one prefixes its keys, and the
# tests' cache reset deletes only its own (conftest.py).
if _cache_prefix := env.str("RELAIS_CACHE_KEY_PREFIX", default=_xdist_worker):
    CACHES["default"]["KEY_PREFIX"] = _cache_prefix

# CSV imports: files above this size are refused before anything is read.
RELAIS_IMPORT_MAX_BYTES = env.int("RELAIS_IMPORT_MAX_BYTES", default=50 * 1024 * 1024)

# --- Authentication -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out account is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# What Relais promises about logins, and why these figures: docs/security.md.
# Failed-login lockout (django-axes), per account: the identity is the normalised email
# (accounts.identity), so "Agent@Relais.example" spends the same five attempts as
# "agent@relais.example".
AXES_FAILURE_LIMIT = env.int("RELAIS_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("RELAIS_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.identity.axes_username"
AXES_CLIENT_IP_CALLABLE = "accounts.login_guard.client_address"
# JSON with Retry-After on the API, the lockout page with Retry-After elsewhere.
AXES_LOCKOUT_CALLABLE = "accounts.login_guard.axes_lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# axes.W006 asks to lock by IP address as well. Not done, deliberately: a contact centre
# puts its whole floor behind one NAT address, and axes has one failure limit for every
# parameter, so five typos on the floor would lock everybody out. Failed logins per
# address have their own, larger budget instead (below, accounts.login_guard), counted
# for the web login, the admin's and the API token endpoint together.
# tests/test_settings.py proves that W006 is the only warning this silences.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# Failed logins per client address, all accounts together: each "count/period" window
# (django-ratelimit syntax) must have room. 30 per 5 minutes stops a spray (the review's
# 30 guesses in 25 s) yet leaves twice the failures of a 500-agent shift start; 300 a day
# caps a slow spray at what the fast limit would allow in 50 minutes.
RELAIS_LOGIN_ADDRESS_RATES = env.list("RELAIS_LOGIN_ADDRESS_RATES", default=["30/5m", "300/d"])
# Password-reset requests: per address (answered with a 429) and per email (silently: the
# page reads the same, no further mail is sent).
RELAIS_PASSWORD_RESET_ADDRESS_RATES = env.list(
    "RELAIS_PASSWORD_RESET_ADDRESS_RATES", default=["20/h"]
)
RELAIS_PASSWORD_RESET_EMAIL_RATES = env.list("RELAIS_PASSWORD_RESET_EMAIL_RATES", default=["3/h"])
# A reset link works once, and for this long.
PASSWORD_RESET_TIMEOUT = env.int("RELAIS_PASSWORD_RESET_HOURS", default=2) * 3600
# How many reverse proxies in front of Relais append to X-Forwarded-For (0: none, use
# REMOTE_ADDR). Every per-address limit (API throttles, login, reset) reads the client
# through accounts.login_guard.client_address or DRF's NUM_PROXIES: the same rule.
RELAIS_TRUSTED_PROXY_COUNT = env.int("RELAIS_TRUSTED_PROXY_COUNT", default=0)
RATELIMIT_USE_CACHE = "default"

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    ("vendor/sortablejs", BASE_DIR / "node_modules" / "sortablejs"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "media/"  # never served publicly: downloads go through permission checks
# /favicon.ico and other files browsers ask for at the root, served by WhiteNoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
# Request bodies (README, "Production": the proxy in front enforces the same ceiling).
# Everything but uploaded files: form fields and JSON bodies, held in memory. 5 MiB
# is room for a long HTML email body; a bigger one is refused before it is read.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024**2)
# Uploaded files up to this size stay in memory, larger ones go to a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("DJANGO_FILE_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
DATA_UPLOAD_MAX_NUMBER_FILES = env.int("DJANGO_DATA_UPLOAD_MAX_NUMBER_FILES", default=20)

# --- Email ----------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"
)
vars().update(EMAIL_CONFIG)
# No SMTP call may hang a worker (or hold anything) for ever: seconds per socket operation.
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=20)
# A notification email being sent is claimed for this long; a worker killed mid-send
# leaves a claim that expires, after which a redelivered task sends it (at least once).
NOTIFICATION_EMAIL_CLAIM_SECONDS = env.int("NOTIFICATION_EMAIL_CLAIM_SECONDS", default=300)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Relais <relais@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security (check --deploy is clean with DEBUG off; README lists the variables) -----
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=60 * 60 * 10)

# --- REST API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an API client with a bad token gets 401 with WWW-Authenticate.
        "accounts.authentication.RelaisTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "relais.renderers.RelaisBrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "relais.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "relais.api_schema.RelaisAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("RELAIS_API_ANON_RATE", default="60/minute"),
        "user": env.str("RELAIS_API_USER_RATE", default="6000/minute"),
        "auth": env.str("RELAIS_API_AUTH_RATE", default="20/minute"),
        # The mail gateway posts every message it receives.
        "inbound": env.str("RELAIS_API_INBOUND_RATE", default="60000/minute"),
    },
    "EXCEPTION_HANDLER": "relais.api.exception_handler",
    # OPTIONS answers only whom the endpoint's own method would (issue 8).
    "DEFAULT_METADATA_CLASS": "relais.metadata.PermissionCheckedMetadata",
    # The client address behind proxies: the same rule as accounts.login_guard.
    "NUM_PROXIES": RELAIS_TRUSTED_PROXY_COUNT,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Relais API",
    # Translatable: the schema is served in the request's language (relais/api_tags.py).
    "DESCRIPTION": API_DESCRIPTION,
    "TAGS": API_TAGS,
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Anonymous readers only with RELAIS_API_DOCS_PUBLIC (read per request).
    "SERVE_PERMISSIONS": ["relais.api_docs.ApiDocsPermission"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents the API's error responses (400, 401, 403, 404, 429).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "relais.api_schema.add_error_responses",
    ],
    # Several apps share these choices; one named enum each in the schema.
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": "crm.models.Language.choices",
        "ChannelEnum": "crm.models.Channel.choices",
        "TicketStatus": "tickets.models.Ticket.Status",
        "TicketChannel": "tickets.models.Ticket.Channel",
        "TicketPriority": "tickets.serializers.PRIORITY_CHOICES",
        "QueueKind": "tickets.models.Queue.Kind",
        "MessageKind": "tickets.models.Message.Kind",
        "MessageDirection": "tickets.models.Message.Direction",
        "PhoneCallOutcome": "telephony.models.PhoneCall.Outcome",
        "CallOutcome": "crm.models.Call.Outcome",
        "PhoneCallStatus": "telephony.models.PhoneCall.Status",
        "CallEventKind": "telephony.models.CallEvent.Kind",
        "BodyFormat": "tickets.serializers.BODY_FORMATS",
        "SlaState": "tickets.serializers.SLA_STATES",
        # Named explicitly so that the desk's own "status", "direction" and "kind" choice
        # sets do not rename these (drf-spectacular suffixes colliding names with a hash).
        "StatusEnum": "crm.models.Consent.Status",
        "DirectionEnum": "crm.models.Call.Direction",
        "KindEnum": "accounts.models.Team.Kind",
        "CampaignChannelEnum": "campaigns.models.Campaign.Channel",
        "SurveyKindEnum": "surveys.models.SurveyKind",
        "AgreementKindEnum": "telework.models.AGREEMENT_KINDS",
        "AgreementStatusEnum": "telework.models.AGREEMENT_STATUSES",
        "AgreementVersionStatusEnum": "telework.models.VERSION_STATUSES",
        "AssetKindEnum": "telework.models.AssetKind.choices",
        "AssetStateEnum": "telework.models.ASSET_STATES",
        "ReserveCategoryEnum": "telework.models.RESERVE_CATEGORIES",
        "ReserveAvailabilityEnum": "telework.models.RESERVE_AVAILABILITIES",
        "InboundEmailStatus": "channels.models.InboundEmail.Status",
        "OutboundEmailStatus": "channels.models.OutboundEmail.Status",
        "WebhookDeliveryStatus": "channels.models.WebhookDelivery.Status",
        "MailboxSecurity": "channels.models.Mailbox.Security",
        "MailboxAfter": "channels.models.Mailbox.After",
        "InboundEmailSource": "channels.models.InboundEmail.Source",
        "PresenceStateEnum": "tickets.presence.State",
    },
}

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost/")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # Embedded broker for `make run`: messages are files under var/broker.
    _broker_dir = VAR_DIR / "broker"
    (_broker_dir / "queue").mkdir(parents=True, exist_ok=True)
    (_broker_dir / "processed").mkdir(parents=True, exist_ok=True)
    (_broker_dir / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "control_folder": str(_broker_dir / "control"),
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
else:
    # A task taken by a worker that dies is handed out again after this many seconds.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_BROKER_VISIBILITY_TIMEOUT", default=3600)
    }
# Parallel test workers share one broker: each publishes to, and its real Celery worker
# consumes, a queue of its own (conftest.py: celery_worker_process).
CELERY_TASK_DEFAULT_QUEUE = env.str(
    "CELERY_TASK_DEFAULT_QUEUE",
    default=f"relais-test-{_xdist_worker}" if _xdist_worker else "celery",
)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Installed into django-celery-beat's tables when beat starts; editable in the admin.
CELERY_BEAT_SCHEDULE = {
    "surveys.send_due": {
        "task": "surveys.tasks.invitations_send_due_task",
        "schedule": timedelta(minutes=1),
    },
    "tickets.sla_sweep": {"task": "tickets.tasks.sla_sweep_task", "schedule": timedelta(minutes=1)},
    "tickets.auto_close": {
        "task": "tickets.tasks.tickets_auto_close_task",
        "schedule": timedelta(hours=1),
    },
    "tickets.holidays": {
        "task": "tickets.tasks.calendars_load_holidays_task",
        "schedule": timedelta(days=7),
    },
    "accounts.notifications_release": {
        "task": "accounts.tasks.notifications_release_task",
        "schedule": timedelta(minutes=1),
    },
    "sales.escalate": {
        "task": "sales.tasks.handoff_escalation_sweep_task",
        "schedule": timedelta(minutes=1),
    },
    "sales.reminders": {
        "task": "sales.tasks.next_step_reminder_sweep_task",
        "schedule": timedelta(minutes=5),
    },
    "channels.imap_poll": {
        "task": "channels.tasks.mailboxes_poll_task",
        "schedule": timedelta(minutes=1),
    },
    "channels.inbound_requeue": {
        "task": "channels.tasks.inbound_requeue_task",
        "schedule": timedelta(minutes=2),
    },
    # Supervision: rebuild yesterday's ticket facts (any day: the task takes a date).
    "quality.facts_rebuild": {
        "task": "quality.tasks.facts_rebuild_day_task",
        "schedule": timedelta(hours=24),
    },
    "quality.summary_daily": {
        "task": "quality.tasks.summaries_send_task",
        "schedule": crontab(hour=7, minute=0),
        "args": ("daily",),
    },
    "quality.summary_weekly": {
        "task": "quality.tasks.summaries_send_task",
        "schedule": crontab(hour=7, minute=15),
        "args": ("weekly",),
    },
    "accounts.sessions_clear": {
        "task": "accounts.tasks.sessions_clear_task",
        "schedule": timedelta(hours=24),
    },
    "telephony.wrapup_sweep": {
        "task": "telephony.tasks.wrapup_sweep",
        "schedule": timedelta(minutes=1),
    },
}

# --- Telephony (CTI) ------------------------------------------------------------------
# Shared secrets the platform signs its events with (comma-separated: the first signs,
# any verifies, so a secret is rotated without downtime). Empty: events are refused.
TELEPHONY_WEBHOOK_SECRETS = env.list("RELAIS_TELEPHONY_SECRETS", default=[])
TELEPHONY_SIGNATURE_TOLERANCE_SECONDS = env.int("RELAIS_TELEPHONY_TOLERANCE_SECONDS", default=300)
# After-call work the agent never closed ends after this long (AHT stays honest).
TELEPHONY_WRAPUP_MAX_SECONDS = env.int("RELAIS_TELEPHONY_WRAPUP_MAX_SECONDS", default=600)

# --- Logging --------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Phone numbers ------------------------------------------------------------------------
PHONENUMBER_DEFAULT_REGION = "FR"
PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"

# --- Relais ---------------------------------------------------------------------------
# --- Service desk -------------------------------------------------------------------------
TICKETS_AUTO_CLOSE_DAYS = env.int("TICKETS_AUTO_CLOSE_DAYS", default=7)
TICKETS_ATTACHMENT_MAX_BYTES = env.int("TICKETS_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Checked against the file's content (magic numbers), not its name.
TICKETS_ATTACHMENT_TYPES = frozenset(
    env.list(
        "TICKETS_ATTACHMENT_TYPES",
        default=[
            "application/pdf",
            "image/png",
            "image/jpeg",
            "image/gif",
            "image/webp",
            "image/heic",
            "text/plain",
            "text/csv",
            "application/zip",  # also .docx, .xlsx, .odt: zip containers
            "application/msword",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.oasis.opendocument.text",
            "application/vnd.oasis.opendocument.spreadsheet",
            "audio/mpeg",
            "audio/x-wav",
            "message/rfc822",
        ],
    )
)

# The largest request body accepted at all (multipart uploads), checked on the announced
# Content-Length before anything is read (relais.middleware.RequestBodyLimitMiddleware):
# the largest single upload (a CSV import, by default) plus 1 MiB of form around it.
RELAIS_REQUEST_MAX_BYTES = env.int(
    "RELAIS_REQUEST_MAX_BYTES",
    default=max(RELAIS_IMPORT_MAX_BYTES, TICKETS_ATTACHMENT_MAX_BYTES) + 1024**2,
)

# --- API documentation ----------------------------------------------------------------
# /api/schema/ and /api/docs/ need a login (session or token) unless this is on. The
# schema names every operation and field of this deployment: hidden by default, like
# the rest of Relais; turn it on for a public integration portal (docs/security.md).
RELAIS_API_DOCS_PUBLIC = env.bool("RELAIS_API_DOCS_PUBLIC", default=False)
# --- Channels (email in and out, web form, webhooks) ---------------------------------------
# Mail above this size is quarantined with its first megabyte, never parsed.
CHANNELS_EMAIL_MAX_BYTES = env.int("CHANNELS_EMAIL_MAX_BYTES", default=25 * 1024 * 1024)
# Loop protection: more than this many messages from one sender in the window are ignored.
CHANNELS_LOOP_MAX_MESSAGES = env.int("CHANNELS_LOOP_MAX_MESSAGES", default=20)
CHANNELS_LOOP_WINDOW_MINUTES = env.int("CHANNELS_LOOP_WINDOW_MINUTES", default=10)
# Received mail still unprocessed after this long is queued again (a lost broker message).
CHANNELS_REQUEUE_AFTER_SECONDS = env.int("CHANNELS_REQUEUE_AFTER_SECONDS", default=120)
# Fernet keys for stored IMAP passwords, comma-separated, newest first (see docs/operations.md).
RELAIS_ENCRYPTION_KEYS = env.list("RELAIS_ENCRYPTION_KEYS", default=[])
# Public web form: requests per IP and per email address ("count/period", period s|m|h|d).
CHANNELS_WEBFORM_RATE_PER_IP = env.str("CHANNELS_WEBFORM_RATE_PER_IP", default="10/h")
CHANNELS_WEBFORM_RATE_PER_EMAIL = env.str("CHANNELS_WEBFORM_RATE_PER_EMAIL", default="5/h")
# Where links in emails point (the private follow-up link of the web form).
RELAIS_PUBLIC_URL = env.str("RELAIS_PUBLIC_URL", default="http://127.0.0.1:8000")
# Webhooks: refuse loopback, private and link-local targets (SSRF) and plain HTTP unless
# these allow them (tests and on-premise integrations).
CHANNELS_WEBHOOK_ALLOW_PRIVATE = env.bool("CHANNELS_WEBHOOK_ALLOW_PRIVATE", default=False)
CHANNELS_WEBHOOK_ALLOW_HTTP = env.bool("CHANNELS_WEBHOOK_ALLOW_HTTP", default=False)
CHANNELS_WEBHOOK_TIMEOUT_SECONDS = env.float("CHANNELS_WEBHOOK_TIMEOUT_SECONDS", default=10.0)
CHANNELS_WEBHOOK_MAX_ATTEMPTS = env.int("CHANNELS_WEBHOOK_MAX_ATTEMPTS", default=8)
CHANNELS_EMAIL_MAX_ATTEMPTS = env.int("CHANNELS_EMAIL_MAX_ATTEMPTS", default=6)

RELAIS_DEMO_PASSWORD = "relais-demo"  # noqa: S105 - documented demo password, seed_demo only

# --- Telework -------------------------------------------------------------------------------
# Onboarding attestations (workspace, home insurance): type checked from the content.
TELEWORK_DOCUMENT_MAX_BYTES = env.int("TELEWORK_DOCUMENT_MAX_BYTES", default=5 * 1024 * 1024)
TELEWORK_DOCUMENT_TYPES = frozenset(["application/pdf", "image/png", "image/jpeg"])
# The agreement PDF embeds these fonts (Debian's fonts-dejavu-core, installed by
# scripts/ensure-system-packages); `manage.py check` warns when they are missing.
TELEWORK_PDF_FONT_DIR = Path(
    env.str("TELEWORK_PDF_FONT_DIR", default="/usr/share/fonts/truetype/dejavu")
)
CELERY_BEAT_SCHEDULE.update(
    {
        "telework.daily": {
            "task": "telework.tasks.agreements_daily_task",
            "schedule": timedelta(hours=1),
        },
        "telework.allowance": {
            "task": "telework.tasks.allowance_refresh_task",
            "schedule": timedelta(hours=24),
        },
    }
)

# --- Campaigns ------------------------------------------------------------------------------
CAMPAIGNS_FROM_EMAIL = env.str("CAMPAIGNS_FROM_EMAIL", default=DEFAULT_FROM_EMAIL)
# Sending: recipients per batch (one SMTP connection), messages per second (the rate
# limit), how long one task sends before handing over, when an unfinished claim is stale.
CAMPAIGNS_BATCH_SIZE = env.int("CAMPAIGNS_BATCH_SIZE", default=100)
CAMPAIGNS_SEND_RATE_PER_SECOND = env.float("CAMPAIGNS_SEND_RATE_PER_SECOND", default=50.0)
CAMPAIGNS_TASK_BUDGET_SECONDS = env.int("CAMPAIGNS_TASK_BUDGET_SECONDS", default=120)
CAMPAIGNS_CLAIM_STALE_SECONDS = env.int("CAMPAIGNS_CLAIM_STALE_SECONDS", default=300)
# Frequency cap: at most this many campaign emails per contact over the window.
CAMPAIGNS_FREQUENCY_CAP = env.int("CAMPAIGNS_FREQUENCY_CAP", default=4)
CAMPAIGNS_FREQUENCY_DAYS = env.int("CAMPAIGNS_FREQUENCY_DAYS", default=30)
# An attributed call counts as a conversion from this many seconds of talk.
CAMPAIGNS_CALL_CONVERSION_SECONDS = env.int("CAMPAIGNS_CALL_CONVERSION_SECONDS", default=15)
# Opportunities of targeted contacts flagged this many days after the end still count.
CAMPAIGNS_ATTRIBUTION_DAYS = env.int("CAMPAIGNS_ATTRIBUTION_DAYS", default=30)
# django-anymail: the provider's tracking webhooks authenticate with this basic-auth pair
# ("user:password"); an empty value refuses every webhook.
ANYMAIL = {
    "WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default=""),
    "POSTMARK_SERVER_TOKEN": env.str("ANYMAIL_POSTMARK_SERVER_TOKEN", default=""),
    "MAILGUN_WEBHOOK_SIGNING_KEY": env.str("ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY", default=""),
}
CELERY_BEAT_SCHEDULE.update(
    {
        "campaigns.resume_stale": {
            "task": "campaigns.tasks.sending_resume_stale_task",
            "schedule": timedelta(minutes=1),
        },
        "campaigns.start_due": {
            "task": "campaigns.tasks.campaigns_start_due_task",
            "schedule": timedelta(minutes=5),
        },
    }
)

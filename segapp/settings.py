"""Settings for VoxSeg, read from the environment (see README "Production mode").

With no environment at all VoxSeg runs embedded: SQLite under var/, a Celery
transport on the local filesystem (no server), a file-based cache. Production
sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY, PSEUDONYM_KEY and ALLOWED_HOSTS; it
refuses to start without both keys (segapp.keys) and enforces HTTPS unless told otherwise.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import environ

from segapp.keys import deployment_key

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

# Everything the embedded mode writes (database, broker, cache, data) lives here.
VAR_DIR = Path(env.str("VOXSEG_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
# Embedded: no DATABASE_URL and the filesystem broker, i.e. one machine and its var/ (the demo).
EMBEDDED = "DATABASE_URL" not in os.environ and env.str(
    "CELERY_BROKER_URL", default="filesystem://"
).startswith("filesystem://")
# Set by the test suite (tests/settings.py): keys may be generated, HTTPS is not enforced.
VOXSEG_TESTING = env.bool("VOXSEG_TESTING", default=False)
# Production: both keys must be given, and the HTTPS settings below default to on.
PRODUCTION = not (DEBUG or EMBEDDED or VOXSEG_TESTING)
# Outside production a missing key is generated once and kept under var/keys (mode 0600).
SECRET_KEY = deployment_key(
    "SECRET_KEY",
    given=env.str("SECRET_KEY", default=""),
    folder=VAR_DIR / "keys",
    may_generate=not PRODUCTION,
)
# The key of the customer pseudonym (SPEC §11). Changing it orphans every stored customer.
PSEUDONYM_KEY = deployment_key(
    "PSEUDONYM_KEY",
    given=env.str("PSEUDONYM_KEY", default=""),
    folder=VAR_DIR / "keys",
    may_generate=not PRODUCTION,
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

VOXSEG_DATA_DIR = Path(env.str("VOXSEG_DATA_DIR", default=str(VAR_DIR / "data")))
# Longest text kept per document; longer texts are cut and the cut is reported.
VOXSEG_MAX_TEXT_CHARS = env.int("VOXSEG_MAX_TEXT_CHARS", default=5000)
# Largest upload accepted through the UI and API.
VOXSEG_MAX_UPLOAD_MB = env.int("VOXSEG_MAX_UPLOAD_MB", default=200)
# Hours an upload is kept while it waits: a draft never imported, or the file of a failed
# import (for a retry with a corrected mapping). Then the draft and the file are deleted.
VOXSEG_DRAFT_UPLOAD_HOURS = env.float("VOXSEG_DRAFT_UPLOAD_HOURS", default=24.0)
# Whether newly imported customers consent to segmentation until told otherwise.
VOXSEG_DEFAULT_SEGMENTATION_CONSENT = env.bool("VOXSEG_DEFAULT_SEGMENTATION_CONSENT", default=True)
# Texts per embedding task: the unit of work shared among workers.
VOXSEG_EMBED_CHUNK = env.int("VOXSEG_EMBED_CHUNK", default=1000)
# Ambiguous dates like 03/04/2025: day first (UK/EU) or month first (US).
VOXSEG_DATES_DAYFIRST = env.bool("VOXSEG_DATES_DAYFIRST", default=False)
# k-anonymity: nothing about a group of fewer customers is shown or exported.
VOXSEG_MIN_GROUP_SIZE = env.int("VOXSEG_MIN_GROUP_SIZE", default=10)
# Default run parameters of this deployment, as NAME=VALUE pairs separated by commas
# ("seed_candidates=2,n_components=8"); a run's own parameters override them.
VOXSEG_RUN_DEFAULTS = env.dict("VOXSEG_RUN_DEFAULTS", default={})
# Each Celery worker process compiles UMAP/HDBSCAN code when it starts (nlp.compiled),
# so its first run does not; off in tests, where workers start often and run tiny data.
VOXSEG_WARM_UP_WORKERS = env.bool("VOXSEG_WARM_UP_WORKERS", default=True)
# Erasure: remember a one-way mark of erased customers and refuse their re-import.
VOXSEG_REIMPORT_SUPPRESSION = env.bool("VOXSEG_REIMPORT_SUPPRESSION", default=True)
# Key of that mark; by default derived from PSEUDONYM_KEY under its own label.
VOXSEG_SUPPRESSION_KEY = env.str("VOXSEG_SUPPRESSION_KEY", default="")
# Retention in days per data type (0 keeps forever); enforced daily by Celery beat.
VOXSEG_RETENTION_DAYS = {
    "documents": env.int("VOXSEG_RETAIN_DOCUMENTS_DAYS", default=0),
    "events": env.int("VOXSEG_RETAIN_EVENTS_DAYS", default=0),
    "run_artifacts": env.int("VOXSEG_RETAIN_RUN_ARTIFACTS_DAYS", default=0),
    "audit_log": env.int("VOXSEG_RETAIN_AUDIT_LOG_DAYS", default=0),
}
# Differential privacy: the budget of each dataset (epsilon, delta) until it is reset.
VOXSEG_DP_EPSILON_BUDGET = env.float("VOXSEG_DP_EPSILON_BUDGET", default=10.0)
VOXSEG_DP_DELTA_BUDGET = env.float("VOXSEG_DP_DELTA_BUDGET", default=1e-5)
# Accept a caller's seed for reproducible noise: for tests only (tests/settings.py turns it
# on). Off, noise always comes from the operating system's random source and a seed is refused.
VOXSEG_DP_ALLOW_SEEDS = env.bool("VOXSEG_DP_ALLOW_SEEDS", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "segapp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "segapp.urls"
WSGI_APPLICATION = "segapp.wsgi.application"

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
                "segapp.web.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'voxseg.sqlite3'}"),
}
# SQLite (embedded): seconds a writer waits for another writer before "database is locked".
VOXSEG_SQLITE_BUSY_SECONDS = env.int("VOXSEG_SQLITE_BUSY_SECONDS", default=30)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Set on every connection: WAL lets the web server read while a worker writes; the busy
    # timeout rides out other writers' short transactions (imports commit per chunk there);
    # BEGIN IMMEDIATE takes the write lock up front, so a transaction never fails half way
    # on a lock it could have waited for.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": VOXSEG_SQLITE_BUSY_SECONDS,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                f"PRAGMA busy_timeout={VOXSEG_SQLITE_BUSY_SECONDS * 1000};"
            ),
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Live job progress goes through the cache, so web and workers must share it: a Redis
# broker implies the same Redis as cache unless CACHE_URL says otherwise.
_BROKER = env.str("CELERY_BROKER_URL", default="filesystem://")
_DEFAULT_CACHE = _BROKER if _BROKER.startswith("redis://") else f"filecache://{VAR_DIR / 'cache'}"
CACHES = {"default": env.cache("CACHE_URL", default=_DEFAULT_CACHE)}
CACHES["default"]["KEY_PREFIX"] = "voxseg"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("VOXSEG_PASSWORD_MIN_LENGTH", default=10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = VOXSEG_MAX_UPLOAD_MB * 1024 * 1024

SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# HTTPS: on by default in production, off in the embedded demo, DEBUG and tests.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
# Preloading is hard to undo (browsers ship the list), so it is asked for explicitly.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Behind a proxy that ends TLS and sets X-Forwarded-Proto (only then: a client could forge it).
if env.bool("VOXSEG_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Login lockout (django-axes): failures per username and client address, on /login/
# and /admin/login/ alike; a success resets the count.
AXES_ENABLED = env.bool("VOXSEG_LOGIN_LOCKOUT", default=True)
AXES_FAILURE_LIMIT = env.int("VOXSEG_LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("VOXSEG_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "segapp.api.authentication.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "segapp.api.pagination.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "segapp.api.errors.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "segapp.api.throttling.AnonymousThrottle",
        "segapp.api.throttling.SessionUserThrottle",
        "segapp.api.throttling.IntegrationThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "user": env.str("API_THROTTLE_USER", default="6000/min"),
        # Requests authenticated by an API token (integrations, scripts), per user.
        "integration": env.str("API_THROTTLE_INTEGRATION", default="1200/min"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "VoxSeg API",
    "DESCRIPTION": (
        "Explainable customer segments from the voice of the customer. "
        "Authenticate with `Authorization: Token KEY`. Customers are identified by "
        "pseudonym: HMAC-SHA256 of the external id under the deployment's PSEUDONYM_KEY."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # a run's status appears in the run list and the run detail: one enum for both
    "ENUM_NAME_OVERRIDES": {"RunStatusEnum": "segapp.models.runs.RunStatus"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "segapp.api.schema.add_common_errors",
    ],
}

# Hard time limits (seconds) of the longest tasks, an import and a run's analysis; the soft
# limit that stops them cleanly is 5 minutes earlier (segapp/tasks.py).
VOXSEG_IMPORT_TIME_LIMIT = env.int("VOXSEG_IMPORT_TIME_LIMIT", default=3 * 3600)
VOXSEG_ANALYSIS_TIME_LIMIT = env.int("VOXSEG_ANALYSIS_TIME_LIMIT", default=6 * 3600)
# A running import or run whose worker has not been heard from for this long is marked
# failed by the reaper (services/jobs.py, on the beat schedule every minute).
VOXSEG_JOB_LEASE_SECONDS = env.int("VOXSEG_JOB_LEASE_SECONDS", default=300)
# The longest hard limit of any task: an erasure may first wait for an import in flight to
# commit, then has half an hour of its own (segapp/tasks.py holds every task to this).
VOXSEG_LONGEST_TASK_SECONDS = max(VOXSEG_IMPORT_TIME_LIMIT + 1800, VOXSEG_ANALYSIS_TIME_LIMIT)

# Celery: embedded default is kombu's filesystem transport (no server needed).
CELERY_BROKER_URL = _BROKER
CELERY_BROKER_DIR = Path(env.str("CELERY_BROKER_DIR", default=str(VAR_DIR / "broker")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "out"),
        "data_folder_out": str(CELERY_BROKER_DIR / "out"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),  # queue bindings, not the cwd
        "store_processed": False,
    }
else:
    # Redis redelivers a task not acknowledged after this many seconds (RabbitMQ only when
    # its worker's connection drops). Tasks acknowledge when they end, so this must exceed
    # the longest hard time limit, or a long analysis would be handed out again while it
    # runs; a worker that died is noticed sooner by the reaper's lease. Work that must not
    # run twice at once is guarded by advisory locks (services/locks.py).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int(
            "CELERY_VISIBILITY_TIMEOUT",
            default=VOXSEG_LONGEST_TASK_SECONDS + 600,
        ),
        "unacked_restore_interval": 5,
        "unacked_restore_throttle": 1,
    }
# Job state lives in the database (ImportJob, runs); no result backend needed.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Pseudonyms in request URLs never reach a log file (erasure cannot reach one).
    "filters": {
        "mask_pseudonyms": {"()": "segapp.log_filters.MaskPseudonyms"},
        # A refused request (403 by role…) is one line without a traceback.
        "client_errors_in_one_line": {"()": "segapp.web.error_logging.ClientErrorsInOneLine"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_pseudonyms"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "segapp": {"level": env.str("LOG_LEVEL", default="INFO"), "propagate": True},
        "django.request": {"filters": ["client_errors_in_one_line"]},
        # Request lines carry URLs: route them through the masking handler.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

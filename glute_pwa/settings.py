"""Minimus settings, read from the environment.

Local runs need nothing: SQLite and an embedded Celery broker live in the data
folder (``var/`` or ``MINIMUS_DATA_DIR``). Production sets ``PRODUCTION=1``,
``SECRET_KEY``, ``DATABASE_URL``, ``REDIS_URL`` and ``ALLOWED_HOSTS``.

Importing this module only reads: it never creates a folder or a file. ``run.py``
creates the data folder and its secret key before Django starts, and
``manage.py ensure_vapid_keys`` the local VAPID key pair.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import dj_database_url
from celery.schedules import crontab as _crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import lazy

from glute_pwa.env import env_bool, env_int, env_list, env_str, read_secret_file

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("MINIMUS_DATA_DIR") or BASE_DIR / "var")
SECRET_KEY_FILE = DATA_DIR / "secret_key"

PRODUCTION = env_bool("PRODUCTION", default=False)
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when PRODUCTION=1")

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY is required when PRODUCTION=1")
    # A local run keeps one key in the data folder, so sessions survive a restart.
    SECRET_KEY = read_secret_file(SECRET_KEY_FILE)
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            f"SECRET_KEY is not set and {SECRET_KEY_FILE} does not exist: start with `python3 run.py` "
            "(it creates the key) or set SECRET_KEY"
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when PRODUCTION=1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Before django.contrib.admin: our registration/ templates must win over the admin's.
    "frontend",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pwa",
    "axes",
    "core",
    "body",
    "accounts",
    "guide",
    "journal",
    "reminders",
]

MIDDLEWARE = [
    # First: the request id and timing cover everything below, static files included.
    "core.request_log.RequestLogMiddleware",
    # A view that lost the database answers 503 with Retry-After, not a 500 (core/database_outage.py).
    "core.database_outage.DatabaseOutageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.request_limits.BodySizeLimitMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.DeletedAccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "core.nostore.ApiNoStoreMiddleware",
    # Axes last: it inspects the outcome of authentication for lockouts.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "glute_pwa.urls"
WSGI_APPLICATION = "glute_pwa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.account",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
# DATABASE_URL names PgBouncer in transaction mode: a server connection belongs to a client only for
# one transaction, so nothing may outlive one (kept connections, server-side cursors, prepared statements).
PGBOUNCER_TRANSACTION_MODE = env_bool("PGBOUNCER_TRANSACTION_MODE", default=False)
DATABASE_CONN_MAX_AGE = env_int("DATABASE_CONN_MAX_AGE", 0 if PGBOUNCER_TRANSACTION_MODE else 60, minimum=0)
if DATABASE_URL:
    try:
        DATABASES = {
            "default": dj_database_url.parse(
                DATABASE_URL, conn_max_age=DATABASE_CONN_MAX_AGE, conn_health_checks=True
            )
        }
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from exc
    if PGBOUNCER_TRANSACTION_MODE:
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "db.sqlite3",
            # WAL lets the web server read while a Celery worker writes.
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ----------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Lock out an (username, IP) pair after repeated failed logins.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Keep failed attempts only (for lock-outs), not a log of every successful sign-in.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"
# Proxies in front of the app that append to X-Forwarded-For (Caddy in docker-compose sets 1).
# 0 by default everywhere: a server reached directly must not believe a header a client wrote.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
# Sign-in attempts (HTML form) per client IP in 15 minutes, whatever the usernames (password spraying).
LOGIN_IP_RATE_LIMIT = env_int("LOGIN_IP_RATE_LIMIT", 30, minimum=1)
# Sign-ups per client IP per hour (HTML form and API alike).
SIGNUP_RATE_LIMIT = env_int("SIGNUP_RATE_LIMIT", 10, minimum=1)
# A deleted account's hashed id is kept this long, so its devices still offline wipe their copy.
ACCOUNT_TOMBSTONE_DAYS = env_int("ACCOUNT_TOMBSTONE_DAYS", 400, minimum=1)
# API tokens stop working this many days after they were issued.
API_TOKEN_MAX_AGE_DAYS = env_int("API_TOKEN_MAX_AGE_DAYS", 90, minimum=1)

# Passkeys (WebAuthn). Unset, the RP ID is the request's host (already checked against
# ALLOWED_HOSTS) and the origin is a CSRF_TRUSTED_ORIGINS entry on it, or the request's own.
WEBAUTHN_RP_ID = env_str("WEBAUTHN_RP_ID")
WEBAUTHN_ORIGINS = env_list("WEBAUTHN_ORIGINS", [])
WEBAUTHN_RP_NAME = env_str("WEBAUTHN_RP_NAME") or "Minimus"
# How long a passkey request waits for the authenticator; its challenge is refused after.
WEBAUTHN_CHALLENGE_SECONDS = env_int("WEBAUTHN_CHALLENGE_SECONDS", 300, minimum=30)
PASSKEY_SIGNIN_RATE_LIMIT = env_int("PASSKEY_SIGNIN_RATE_LIMIT", 30, minimum=1)

# Settings -> Your devices: each app above accounts lists its own devices (sync clients,
# push subscriptions); accounts loads these by name and never imports those apps.
ACCOUNT_DEVICE_PROVIDERS = [
    "journal.devices.sync_clients",
    "reminders.devices.push_subscriptions",
]

# --- Internationalisation --------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names in production so the service worker cache can be keyed on content.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Locally and in tests, whitenoise serves straight from the app folders (no collectstatic).
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

# --- Security ----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
# A refused form gets the app's own page, not Django's debugging one.
CSRF_FAILURE_VIEW = "frontend.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    # Only a trusted proxy's word on the scheme counts; with none, the request itself is the truth.
    if TRUSTED_PROXY_COUNT:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The container health check asks over plain http from inside: never redirect it.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Everything is served by the app itself: no CDN, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "manifest-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Reject oversized requests before they reach a view (413 from the API layer).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024, minimum=1024)
# An export file uploaded for import may be larger than an ordinary request body (100,000 rows
# are about 26 MB).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 64 * 1024 * 1024, minimum=1024)

# --- Cache ------------------------------------------------------------------------------
# Rate-limit counters only. Several gunicorn workers must share them, so production
# uses Redis; a Redis outage degrades to "no cache" (core/cache.py), never to 500s.
CACHE_URL = env_str("CACHE_URL", env_str("REDIS_URL") if PRODUCTION else "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "minimus",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Email ---------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Minimus <noreply@localhost>")
# Email confirmation links work this long; password-reset links follow Django's PASSWORD_RESET_TIMEOUT.
EMAIL_CONFIRM_MAX_AGE_HOURS = env_int("EMAIL_CONFIRM_MAX_AGE_HOURS", 72, minimum=1)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3 * 3600, minimum=60)

# --- REST framework -----------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes "not signed in" a 401 (the sync client
    # asks to sign in again), distinct from a 403 for a missing CSRF token or permission.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON that is too deeply nested is a 400, not a RecursionError 500.
    "DEFAULT_PARSER_CLASSES": ["core.parsers.SafeJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "core.pagination.CappedLimitOffsetPagination",
    "PAGE_SIZE": 100,
    # Scoped throttles guard the unauthenticated doors (token login, sign-up); axes locks
    # out repeated wrong passwords on top.
    "DEFAULT_THROTTLE_RATES": {
        "auth": env_str("AUTH_THROTTLE_RATE", "20/min"),
        # Per user: the test button sends to every device; registering devices is rare.
        "push_test": env_str("PUSH_TEST_THROTTLE_RATE", "6/hour"),
        "push_subscribe": env_str("PUSH_SUBSCRIBE_THROTTLE_RATE", "30/hour"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Minimus API",
    "DESCRIPTION": "Pain journal, sync, reminders and trends for gluteus minimus pain.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served by the app itself (no CDN), its script as a file (CSP).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "TrendChangeEnum": "journal.trends.schema.CHANGE_STATUSES",
        "SyncRejectionCodeEnum": "journal.sync_serializers.REJECTION_CODES",
        "SyncConflictCodeEnum": "journal.sync_serializers.SYNC_CONFLICT_CODES",
        "ForeignClientCodeEnum": "journal.sync_serializers.FOREIGN_CLIENT_CODES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.openapi.add_error_responses",
    ],
}

# --- Celery ---------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
CELERY_VISIBILITY_TIMEOUT = 3600  # seconds; retry countdowns must stay below it
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
else:
    # kombu's filesystem transport: a worker and beat need no server at all. Every folder
    # it uses lives in the data folder (kombu's default control folder is ./control).
    _BROKER_DIR = DATA_DIR / "broker"
    # A hostname, though the transport ignores it: without one kombu warns on every connection.
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR / "queue"),
        "data_folder_out": str(_BROKER_DIR / "queue"),
        "processed_folder": str(_BROKER_DIR / "processed"),
        "control_folder": str(_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# No task returns anything anyone waits for: their effects are rows in the database.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task is acknowledged only when it finished, and requeued if its worker process dies:
# a crash mid-task means the task runs again, never that it is lost. Tasks must therefore
# be idempotent (they take an id and call a service that checks state first).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    # One tick a minute claims every due reminder (see reminders/tick.py); a tick
    # that waited in the queue longer than its period is dropped, the next one catches up.
    "reminders-tick": {"task": "reminders.tick", "schedule": 60.0, "options": {"expires": 55}},
    "reminders-cleanup": {"task": "reminders.cleanup", "schedule": _crontab(hour=3, minute=17)},
    "journal-purge-tombstones": {"task": "journal.purge_tombstones", "schedule": _crontab(hour=3, minute=41)},
    # Expired sessions (Django's clearsessions) and old deleted-account markers.
    "accounts-nightly-cleanup": {"task": "accounts.nightly_cleanup", "schedule": _crontab(hour=3, minute=53)},
}

# --- Web Push (VAPID) --------------------------------------------------------------------
# From the environment in production. Locally, without them, reminders/vapid.py reads the pair
# `manage.py ensure_vapid_keys` (run by `run.py`) created once in the data folder.
VAPID_KEY_FILE = DATA_DIR / "vapid.json"
VAPID_PUBLIC_KEY = env_str("VAPID_PUBLIC_KEY")
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY")
VAPID_SUBJECT = env_str("VAPID_SUBJECT", "mailto:admin@localhost")
if not VAPID_SUBJECT.startswith(("mailto:", "https:")):
    # Apple's push service refuses any other VAPID "sub".
    raise ImproperlyConfigured("VAPID_SUBJECT must be a mailto: or https: contact")
# Seconds a push request may take; the sending lease must be well above it.
PUSH_TIMEOUT_SECONDS = env_int("PUSH_TIMEOUT_SECONDS", 10, minimum=1)
# A delivery held in "sending" longer than this lost its worker; the tick re-queues it.
REMINDERS_SENDING_LEASE_SECONDS = env_int("REMINDERS_SENDING_LEASE_SECONDS", 120, minimum=1)
# The only hosts a push endpoint may name (reminders/endpoints.py): the browsers' push services.
PUSH_SERVICE_HOSTS = env_list(
    "PUSH_SERVICE_HOSTS",
    ["fcm.googleapis.com", "updates.push.services.mozilla.com", "*.push.apple.com", "*.notify.windows.com"],
)
# Tests only: let endpoints on 127.0.0.1 (the local fake push service, added to the hosts) through.
PUSH_ALLOW_LOOPBACK = env_bool("PUSH_ALLOW_LOOPBACK", default=False) and not PRODUCTION


# --- What apps contribute to each other ------------------------------------------------------
# Registries live here, at the top of the import graph, so a lower app never names the apps
# above it. Sections of the export file after "profile", in file order (accounts/export.py).
MINIMUS_EXPORT_SECTIONS = [
    "accounts.export.ProfileSection",
    "accounts.export.PasskeySection",
    "journal.export.PainEntrySection",
    "journal.export.MassageSessionSection",
    "reminders.export.ReminderSection",
]
# Templates the apps contribute to the settings page, in order (frontend/views.py).
MINIMUS_SETTINGS_SECTIONS = [
    "accounts/email_section.html",
    "accounts/passkeys_section.html",
    "accounts/devices_section.html",
    "reminders/settings_section.html",
    "frontend/settings_storage.html",
    "accounts/privacy_section.html",
]


# --- PWA (django-pwa) ----------------------------------------------------------------------
# frontend/pwa_views.py renders the manifest and the service worker from these.
def _static_url(path: str) -> str:
    from django.templatetags.static import static

    return static(path)


# Lazy: manifest icon URLs are the hashed static names in production, resolved per request.
_static = lazy(_static_url, str)

PWA_APP_ID = "/"
PWA_APP_NAME = "Minimus: gluteus minimus pain guide and journal"
PWA_APP_SHORT_NAME = "Minimus"
PWA_APP_DESCRIPTION = "Understand and track gluteus minimus pain: guide, pain journal, reminders, trends."
PWA_APP_CATEGORIES = ["health", "medical", "lifestyle"]
PWA_APP_THEME_COLOR = "#1f5f5b"
PWA_APP_BACKGROUND_COLOR = "#f7f5f0"
PWA_APP_DISPLAY = "standalone"
PWA_APP_SCOPE = "/"
PWA_APP_START_URL = "/"
PWA_APP_ORIENTATION = "portrait"
PWA_APP_STATUS_BAR_COLOR = "default"
PWA_APP_DEBUG_MODE = False
PWA_APP_LANG = "en"
PWA_APP_DIR = "ltr"
PWA_APP_ICONS = [
    {"src": _static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
    {"src": _static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
    {
        "src": _static("icons/icon-maskable-512.png"),
        "sizes": "512x512",
        "type": "image/png",
        "purpose": "maskable",
    },
]
PWA_APP_ICONS_APPLE = [{"src": _static("icons/apple-touch-icon.png"), "sizes": "180x180"}]
# iOS start-up images: (file, CSS device width x height, pixel ratio), portrait.
PWA_APP_SPLASH_SCREEN = [
    {
        "src": _static(f"icons/splash-{px}.png"),
        "media": f"(device-width: {w}px) and (device-height: {h}px) and (-webkit-device-pixel-ratio: {r}) "
        "and (orientation: portrait)",
    }
    for px, w, h, r in [
        ("750x1334", 375, 667, 2),
        ("1170x2532", 390, 844, 3),
        ("1179x2556", 393, 852, 3),
        ("1290x2796", 430, 932, 3),
    ]
]
# The journal page reads the fragment to open the right form.
PWA_APP_SHORTCUTS = [
    {
        "name": "Log pain",
        "short_name": "Log pain",
        "description": "Record where it hurts and how much",
        "url": "/journal/#log-pain",
        "icons": [{"src": _static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"}],
    },
    {
        "name": "Log massage",
        "short_name": "Log massage",
        "description": "Record a self-massage with pain before and after",
        "url": "/journal/#log-massage",
        "icons": [{"src": _static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"}],
    },
]
# Mixed into the service worker's version: set it to force every installed app to update.
MINIMUS_SW_VERSION = env_str("MINIMUS_SW_VERSION", "")

# --- Logs, metrics, error reports ---------------------------------------------------------
# One line per request (logger minimus.request) and per task (minimus.task), each with the
# request id; JSON in production (one object per line), readable text locally.
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "text").lower()
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.request_id.RequestIdLogFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {
        # axes logs every sign-in at INFO; keep only lock-outs and problems (less personal data in logs).
        "axes": {"level": "WARNING"},
        # minimus.request replaces Django's own request lines (which print paths) ...
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        # ... and minimus.task Celery's per-task lines and beat's "Sending due task" every minute.
        "celery.app.trace": {"level": "WARNING"},
        "celery.worker.strategy": {"level": "WARNING"},
        "celery.beat": {"level": "WARNING"},
    },
}
# Celery workers and beat keep these settings instead of installing their own log handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# /metrics answers only with "Authorization: Bearer <METRICS_TOKEN>"; without a token it is a 404.
METRICS_TOKEN = env_str("METRICS_TOKEN")
# A folder shared by every process of the app on a machine (gunicorn workers, Celery workers): each
# host name writes its counters under METRICS_DIR/<host>/ and /metrics adds them all up. Without it
# each process counts only itself (fine for one process; gunicorn's workers would answer in turn).
METRICS_DIR = env_str("METRICS_DIR")
if METRICS_DIR:
    # prometheus-client reads this when it is first imported, which is after the settings.
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(Path(METRICS_DIR) / socket.gethostname()))

# Error reports to Sentry (or a compatible service) only when a DSN is given; nothing is sent otherwise.
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    from glute_pwa.error_reports import error_reports_init

    error_reports_init(
        dsn=SENTRY_DSN, environment=env_str("SENTRY_ENVIRONMENT", "production" if PRODUCTION else "local")
    )

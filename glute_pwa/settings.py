"""Minimus settings, read from the environment.

Local runs need nothing: SQLite and an embedded Celery broker live in the data
folder (``var/`` or ``MINIMUS_DATA_DIR``). Production sets ``PRODUCTION=1``,
``SECRET_KEY``, ``DATABASE_URL``, ``REDIS_URL`` and ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from celery.schedules import crontab as _crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import lazy

from glute_pwa.env import env_bool, env_int, env_list, env_str, secret_from_file

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("MINIMUS_DATA_DIR") or BASE_DIR / "var")

PRODUCTION = env_bool("PRODUCTION", default=False)
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when PRODUCTION=1")

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY is required when PRODUCTION=1")
    SECRET_KEY = secret_from_file(DATA_DIR / "secret_key")

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
    "accounts",
    "guide",
    "journal",
    "reminders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "glute_pwa.middleware.PermissionsPolicyMiddleware",
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
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from exc
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
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
AXES_CLIENT_IP_CALLABLE = "glute_pwa.clientip.client_ip"
# Proxies in front of the app that append to X-Forwarded-For (Caddy in docker-compose).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if PRODUCTION else 0, minimum=0)
# Sign-ups per client IP per hour (HTML form and API alike).
SIGNUP_RATE_LIMIT = env_int("SIGNUP_RATE_LIMIT", 10, minimum=1)

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
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
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
# An export file uploaded for import may be larger than an ordinary request body.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)

# --- Cache ------------------------------------------------------------------------------
# Rate-limit counters only. Several gunicorn workers must share them, so production
# uses Redis; a Redis outage degrades to "no cache" (glute_pwa/cache.py), never to 500s.
CACHE_URL = env_str("CACHE_URL", env_str("REDIS_URL") if PRODUCTION else "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "glute_pwa.cache.ResilientRedisCache",
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

# --- REST framework -----------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes "not signed in" a 401 (the sync client
    # asks to sign in again), distinct from a 403 for a missing CSRF token or permission.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON that is too deeply nested is a 400, not a RecursionError 500.
    "DEFAULT_PARSER_CLASSES": ["glute_pwa.parsers.SafeJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "glute_pwa.pagination.CappedLimitOffsetPagination",
    "PAGE_SIZE": 100,
    # Scoped throttles guard the unauthenticated doors (token login, sign-up); axes locks
    # out repeated wrong passwords on top.
    "DEFAULT_THROTTLE_RATES": {"auth": env_str("AUTH_THROTTLE_RATE", "20/min")},
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "EXCEPTION_HANDLER": "glute_pwa.api.exception_handler",
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
    "ENUM_NAME_OVERRIDES": {"TrendChangeEnum": "journal.trends.schema.CHANGE_STATUSES"},
}

# --- Celery ---------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
CELERY_VISIBILITY_TIMEOUT = 3600  # seconds; retry countdowns must stay below it
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
else:
    # kombu's filesystem transport: a worker and beat need no server at all.
    _BROKER_DIR = DATA_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR / "queue"),
        "data_folder_out": str(_BROKER_DIR / "queue"),
        "processed_folder": str(_BROKER_DIR / "processed"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{DATA_DIR / 'celery-results'}"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
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
}

# --- Web Push (VAPID) --------------------------------------------------------------------
# From the environment in production; locally `run.py` creates a pair once in the data folder.
VAPID_KEY_FILE = DATA_DIR / "vapid.json"
VAPID_PUBLIC_KEY = env_str("VAPID_PUBLIC_KEY")
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY")
if not (VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY) and not PRODUCTION and VAPID_KEY_FILE.exists():
    import json as _json

    _vapid = _json.loads(VAPID_KEY_FILE.read_text())
    VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY = _vapid["public_key"], _vapid["private_key"]
VAPID_SUBJECT = env_str("VAPID_SUBJECT", "mailto:admin@localhost")
if not VAPID_SUBJECT.startswith(("mailto:", "https:")):
    # Apple's push service refuses any other VAPID "sub".
    raise ImproperlyConfigured("VAPID_SUBJECT must be a mailto: or https: contact")
# Seconds a push request may take; the sending lease must be well above it.
PUSH_TIMEOUT_SECONDS = env_int("PUSH_TIMEOUT_SECONDS", 10, minimum=1)
# A delivery held in "sending" longer than this lost its worker; the tick re-queues it.
REMINDERS_SENDING_LEASE_SECONDS = env_int("REMINDERS_SENDING_LEASE_SECONDS", 120, minimum=1)
# Real push services are https; plain http only for the local fake push service in tests.
PUSH_ENDPOINT_SCHEMES = ["https"] if PRODUCTION else ["https", "http"]

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    # axes logs every sign-in at INFO; keep only lock-outs and problems (less personal data in logs).
    "loggers": {"axes": {"level": "WARNING"}},
}

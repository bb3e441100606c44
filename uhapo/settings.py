"""Settings for the UHAPO portal.

One module, configured by environment variables (see README and .env.example).
Defaults suit a laptop (SQLite, no Redis, messages to the console); production differs by variables alone.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from uhapo.logging import logging_config
from uhapo.release import checkout_commit

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("UHAPO_VAR_DIR", BASE_DIR / "var"))
# The embedded default keeps its database, queue, mail and SMS in folders under
# it: made here, so any UHAPO_VAR_DIR works for migrate, the worker and make run.
for _folder in ("", "celery/out", "celery/processed", "celery/control", "mail", "sms"):
    (VAR_DIR / _folder).mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production-uhapo"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

if DEBUG:
    SECRET_KEY = SECRET_KEY or _DEV_SECRET_KEY
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
else:
    # Refuse to start rather than run production on a guessable key.
    if (
        len(SECRET_KEY) < 50
        or SECRET_KEY.startswith("django-insecure")
        or len(set(SECRET_KEY)) < 5
        or SECRET_KEY == "change-me"
    ):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters "
            "when DJANGO_DEBUG is off."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")

INSTALLED_APPS = [
    "uhapo.apps.UhapoAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "content",
    "outbox",
    "care",
    "booking",
    "aftercare",
    "clearance",
    "i18n",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "uhapo.middleware.StaffSessionLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "uhapo.urls"
WSGI_APPLICATION = "uhapo.wsgi.application"

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
                "uhapo.context_processors.site",
            ],
        },
    },
    {
        # SMS and email texts are plain text, never HTML: nothing in them is
        # escaped (a D'Souza stays D'Souza, not D&#x27;Souza).
        "NAME": "plaintext",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# --- Database -------------------------------------------------------------

_SQLITE_PATH = VAR_DIR / "db.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{_SQLITE_PATH}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default runs the web server and a Celery worker on one
    # file: WAL and IMMEDIATE transactions keep them from tripping over
    # each other's locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, login lockout, page fragments) ---------------------

_CACHE_URL = os.environ.get("CACHE_URL", "")
if _CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            # django-redis keeps one client per connection pool (Django's own
            # backend builds a new one per call) and can treat an unreachable
            # Redis as a miss: Redis is also the broker, and families must be
            # able to read and book while it is down (rate limits fail open).
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": _CACHE_URL,
            "KEY_PREFIX": "uhapo",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                # A stopped Redis must cost a page milliseconds, not seconds.
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    # One traceback per request during an outage would drown the logs;
    # /healthz and the broker's warnings say Redis is down.
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False
else:
    # A folder works across the processes of the embedded default without a
    # server; rate limits need a cache every process shares.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": _CACHE_URL.removeprefix("file://") or str(VAR_DIR / "cache"),
        }
    }

# Rendered fragments that change only with a deploy, the language or the
# day: kept in each process's memory, never shared.
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "uhapo-fragments",
}

# --- Auth and sessions ------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Staff sessions end after 30 idle minutes and after 8 hours in all.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_MAX_AGE = 8 * 60 * 60
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Lock a username from one address after 5 failures: someone guessing from
# elsewhere cannot lock a coordinator out of her own desk. An address
# trying many accounts meets the per-address limit on the login form
# (STAFF_LOGIN_RATE_LIMIT_IP) instead.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "uhapo.client_ip.client_ip"
STAFF_LOGIN_RATE_LIMIT_IP = os.environ.get("STAFF_LOGIN_RATE_LIMIT_IP", "30/15m")
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_VERBOSE = False
LOGIN_URL = "admin:login"
# Every staff account signs in with a password and a code from an authenticator app.
OTP_TOTP_ISSUER = "UHAPO Home Care"

# --- Internationalisation --------------------------------------------------

LANGUAGE_CODE = "en"
# Each language is named in itself, as the switcher shows it.
LANGUAGES = [("en", "English"), ("hi", "हिन्दी"), ("mr", "मराठी")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates, times and numbers the Indian way; Django has no Marathi formats at all.
FORMAT_MODULE_PATH = ["uhapo.formats"]
USE_I18N = True
TIME_ZONE = "Asia/Kolkata"
USE_TZ = True

# --- Static files ------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
    # The family's documents: private, never under a URL (clearance/storage.py).
    "documents": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": _S3_BUCKET, "default_acl": "private", "file_overwrite": False},
    }
    if (_S3_BUCKET := os.environ.get("DOCUMENTS_S3_BUCKET"))
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "private", "base_url": None},
    },
}
# A document is at most 10 MB (clearance/documents.py); one file per form.
DOCUMENT_MAX_BYTES, DATA_UPLOAD_MAX_NUMBER_FILES, FILE_UPLOAD_PERMISSIONS = 10 * 2**20, 5, 0o600
DOCUMENT_UPLOAD_RATE_LIMIT = os.environ.get("DOCUMENT_UPLOAD_RATE_LIMIT", "10/m")

# --- Security headers --------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Preloading is hard to undo for a domain (browsers ship the list for
# months), so it is asked for explicitly, once HTTPS is certain everywhere.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False) and not DEBUG
if not SECURE_HSTS_PRELOAD:
    # Django's deploy check asks for preload; leaving it off is our decision.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
if env_bool("DJANGO_BEHIND_PROXY", False):
    # Only behind a proxy that overwrites this header; otherwise a client
    # could claim to be on HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies of ours stand in front (nginx: 1). Only their entries in
# X-Forwarded-For are believed (uhapo/client_ip.py); 0 means the connection's
# own address, and a client's X-Forwarded-For changes nothing.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Email and SMS -----------------------------------------------------------

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "UHAPO Home Care <care@uhapo.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
COORDINATOR_EMAIL = os.environ.get("COORDINATOR_EMAIL", "coordinators@uhapo.example")

SMS_BACKEND = os.environ.get("SMS_BACKEND", "outbox.channels.sms.ConsoleSmsBackend")
SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL", "")
SMS_HTTP_TOKEN = os.environ.get("SMS_HTTP_TOKEN", "")
SMS_FILE_PATH = os.environ.get("SMS_FILE_PATH", str(VAR_DIR / "sms"))
# Receipt webhooks' secrets (empty: every call refused); WhatsApp is off without a number id.
SMS_WEBHOOK_TOKEN = os.environ.get("SMS_WEBHOOK_TOKEN", "")
WHATSAPP_API_URL = os.environ.get("WHATSAPP_API_URL", "https://graph.facebook.com/v21.0")
WHATSAPP_PHONE_NUMBER_ID = os.environ.get("WHATSAPP_PHONE_NUMBER_ID", "")
WHATSAPP_TOKEN = os.environ.get("WHATSAPP_TOKEN", "")
WHATSAPP_APP_SECRET = os.environ.get("WHATSAPP_APP_SECRET", "")
WHATSAPP_VERIFY_TOKEN = os.environ.get("WHATSAPP_VERIFY_TOKEN", "")

# --- The service -------------------------------------------------------------


# What is deployed. In the guide's ETags, so a release makes browsers and
# proxies fetch pages afresh instead of keeping the old templates' output.
RELEASE = os.environ.get("RELEASE", "") or checkout_commit(BASE_DIR)
SUPPORT_PHONE = os.environ.get("SUPPORT_PHONE", "+919137441392")
# Aftercare: who a red check-in wakes, when check-ins follow a visit (days), the amber call-back limit.
ON_CALL_PHONE = os.environ.get("ON_CALL_PHONE", SUPPORT_PHONE)
CHECKIN_DAYS = [int(d) for d in os.environ.get("CHECKIN_DAYS", "1,3,7").split(",")]
CHECKIN_WEEKLY_UNTIL_DAY = int(os.environ.get("CHECKIN_WEEKLY_UNTIL_DAY", "84"))
CHECKIN_AMBER_CALLBACK_HOURS = int(os.environ.get("CHECKIN_AMBER_CALLBACK_HOURS", "4"))
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
BOOKING_RATE_LIMIT_IP = os.environ.get("BOOKING_RATE_LIMIT_IP", "20/h")
BOOKING_RATE_LIMIT_PHONE = os.environ.get("BOOKING_RATE_LIMIT_PHONE", "5/h")
RATELIMIT_VIEW = "booking.views.rate_limited"
RATELIMIT_IP_META_KEY = "uhapo.client_ip.client_ip"
# With the cache (Redis) down, families can still book; the limits return with it.
RATELIMIT_FAIL_OPEN = True
PRIVACY_NOTICE_VERSION = "2026-12-02"
# Days after a request is closed before its personal details are erased.
DATA_RETENTION_DAYS = int(os.environ.get("DATA_RETENTION_DAYS", "365"))

# Scheduling rules (booking/scheduling.py): service hours (IST), a visit's length without
# a course, the least time between one nurse's visits. Breaking one takes a reason.
SERVICE_HOURS_START = os.environ.get("SERVICE_HOURS_START", "08:00")
SERVICE_HOURS_END = os.environ.get("SERVICE_HOURS_END", "20:00")
_CLOCK = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
if not (_CLOCK.fullmatch(SERVICE_HOURS_START) and _CLOCK.fullmatch(SERVICE_HOURS_END)):
    raise ImproperlyConfigured("SERVICE_HOURS_START and SERVICE_HOURS_END are times like 08:00")
if SERVICE_HOURS_END <= SERVICE_HOURS_START:
    raise ImproperlyConfigured("SERVICE_HOURS_END must be after SERVICE_HOURS_START")
DEFAULT_VISIT_MINUTES = int(os.environ.get("DEFAULT_VISIT_MINUTES", "120"))
NURSE_TRAVEL_BUFFER_MINUTES = int(os.environ.get("NURSE_TRAVEL_BUFFER_MINUTES", "45"))

# --- Celery ------------------------------------------------------------------

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "") or "filesystem://"
if CELERY_BROKER_URL == "filesystem://":
    # The embedded default: a broker made of folders (control ones too, never
    # the working directory), so `make run` needs no server.
    _queue_dir = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "out"),
        "data_folder_out": str(_queue_dir / "out"),
        "processed_folder": str(_queue_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_queue_dir / "control"),
    }
else:
    if CELERY_BROKER_URL.startswith("redis://"):
        # kombu's Redis transport, but one client per channel (uhapo/broker.py).
        CELERY_BROKER_TRANSPORT = "uhapo.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Fail fast when Redis is down: the row is safe in the database and
        # the beat sweep delivers it later.
        "socket_connect_timeout": 1,
        "socket_timeout": 5,
        "max_retries": 1,
        "visibility_timeout": 3600,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 60
CELERY_TASK_SOFT_TIME_LIMIT = 45
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Worker and beat reconnect for as long as Redis is away: Celery's default
# gives up after 100 attempts (about 48 minutes) and the process exits.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Losing Redis while a task ran ended the worker: see uhapo/worker.py.
CELERY_WORKER_CONSUMER = "uhapo.worker:Consumer"
# A send under way when Redis goes finishes (its row is marked sent in
# PostgreSQL) rather than being cut off mid-send; Celery 6 will change this default.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "deliver-due-messages": {
        "task": "outbox.tasks.deliver_due_messages",
        "schedule": float(os.environ.get("MESSAGE_SWEEP_SECONDS", "60")),
    },
    "anonymise-expired-requests": {
        "task": "booking.tasks.anonymise_expired_requests",
        "schedule": 6 * 60 * 60.0,
    },
}
MESSAGE_MAX_ATTEMPTS = int(os.environ.get("MESSAGE_MAX_ATTEMPTS", "5"))
# A row left in `sending` longer than this was abandoned by a dead worker.
MESSAGE_SENDING_TIMEOUT = timedelta(seconds=CELERY_TASK_TIME_LIMIT * 3)

# --- Forms -------------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Errors: what visitors see, what staff are sent --------------------------

# A form whose CSRF check fails (left open too long, cookies blocked) gets a
# page that says so in the visitor's language.
CSRF_FAILURE_VIEW = "uhapo.views.csrf_failure"


def env_addresses(name: str) -> list[tuple[str, str]]:
    """`Name <address>, Name <address>` from the environment, as (name, address) pairs."""
    from email.utils import getaddresses

    pairs = [pair for pair in getaddresses([os.environ.get(name, "")]) if any(pair)]
    if any("@" not in address for _display, address in pairs):
        raise ImproperlyConfigured(f"{name} must be a comma-separated list of Name <address>.")
    return [(display or address, address) for display, address in pairs]


# Server errors and failed tasks are emailed here (from SERVER_EMAIL), without
# patient details: uhapo/error_reports.py says what a report keeps.
ADMINS = env_addresses("DJANGO_ADMINS")
EMAIL_SUBJECT_PREFIX = "[UHAPO] "
# The same error (same place, same kind) is mailed once in this many minutes;
# its repeats are counted in the next email about it. 0 mails every one.
ERROR_EMAIL_REPEAT_MINUTES = int(os.environ.get("ERROR_EMAIL_REPEAT_MINUTES", "10"))
DEFAULT_EXCEPTION_REPORTER = "uhapo.error_reports.PatientSafeExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "uhapo.error_reports.PatientSafeReporterFilter"

# And to Sentry when SENTRY_DSN is set, stripped the same way (uhapo/sentry.py).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from uhapo.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT") or None,
        release=os.environ.get("RELEASE") or None,
    )

# --- Logging -----------------------------------------------------------------

LOGGING = logging_config(level=os.environ.get("LOG_LEVEL", "INFO"))

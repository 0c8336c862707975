"""Settings for GitBook Console, read from the environment.

The defaults make `make run` work on a laptop; production sets DEBUG=false,
SECRET_KEY, FIELD_ENCRYPTION_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL.
"""

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from dashboard.env import env_bool, env_float, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", True)

_INSECURE_KEY = "insecure-local-development-key-change-me-in-production-0123456789"
SECRET_KEY = env_secret("SECRET_KEY", _INSECURE_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")

# Key for the GitBook tokens stored in the database; falls back to SECRET_KEY
# locally so `make run` needs no setup, but production should keep them apart.
FIELD_ENCRYPTION_KEY = env_secret("FIELD_ENCRYPTION_KEY", SECRET_KEY)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "dashboard.accounts",
    "dashboard.gitbook",
    "dashboard.ui",
    "dashboard.home",
    "dashboard.jobs",
    "dashboard.spaces",
    "dashboard.links",
    "dashboard.imports",
]

MIDDLEWARE = [
    "dashboard.ui.middleware.log_requests",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dashboard.ui.middleware.content_security_policy",
]

ROOT_URLCONF = "dashboard.urls"
WSGI_APPLICATION = "dashboard.wsgi.application"

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
                "dashboard.accounts.context_processors.console",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'console.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web threads and the worker write to one file: WAL lets readers go on
    # while one writes, IMMEDIATE transactions take the write lock up front,
    # and the timeout waits for it instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20,
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
    # A file, not memory, for tests too: the worker and live-server threads
    # share it with normal file locking. One per test run, so runs side by
    # side do not share it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"gitbook-console-test-{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "dashboard.ui.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Redis: the Celery broker and the cache of GitBook API pages.
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6389/0")

# GitBook: with no token, the console talks to the fake that `make run` starts.
GITBOOK_API_TOKEN = env_secret("GITBOOK_API_TOKEN", "")
GITBOOK_USES_FAKE = not GITBOOK_API_TOKEN
if GITBOOK_USES_FAKE:
    GITBOOK_API_URL = env_str("GITBOOK_API_URL", "http://127.0.0.1:8765/v1")
    GITBOOK_API_TOKEN = env_str("GITBOOK_FAKE_TOKEN", "gb_fake_token")
else:
    GITBOOK_API_URL = env_str("GITBOOK_API_URL", "https://api.gitbook.com/v1")
# Empty: the first organization the token can see.
GITBOOK_ORG_ID = env_str("GITBOOK_ORG_ID", "")
GITBOOK_TIMEOUT = env_float("GITBOOK_TIMEOUT", 10.0)
# Every process paces its API calls through Redis by GitBook's rate-limit
# headers (dashboard/gitbook/pacer.py). Off only to measure what that costs:
# calls then go out at once, slowed only by GitBook's 429s and the client's back-off.
GITBOOK_SHARED_RATE_LIMIT = env_bool("GITBOOK_SHARED_RATE_LIMIT", True)

# Cached API reads: how long a page is fresh, how long a stale one may still
# be shown while a worker refreshes it, and how long a page may wait for a
# fetch before it renders what it has.
API_CACHE_FRESH_SECONDS = env_int("API_CACHE_FRESH_SECONDS", 60)
API_CACHE_KEEP_SECONDS = env_int("API_CACHE_KEEP_SECONDS", 7 * 24 * 3600)
API_READ_TIMEOUT = env_float("API_READ_TIMEOUT", 2.5)

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
# Seconds without a sign of life after which a job, a link-scan part or a scan
# whose worker died is taken over by another worker. Live workers renew theirs.
WORKER_LOST_AFTER = env_int("WORKER_LOST_AFTER", 120)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SEND_SENT_EVENT = True
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {
        "task": "dashboard.gitbook.tasks.record_worker_heartbeat",
        "schedule": 15.0,
    },
    "resend-stuck-jobs": {"task": "dashboard.jobs.tasks.resend_stuck_jobs", "schedule": 60.0},
    "check-link-scans": {"task": "dashboard.links.tasks.check_link_scans", "schedule": 60.0},
    "resume-import-followers": {
        "task": "dashboard.imports.tasks.resume_import_followers",
        "schedule": 15.0,
    },
}

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# Adds /_bench/bare/, the baseline page of `make bench`; off everywhere else.
BENCHMARK_VIEWS = env_bool("BENCHMARK_VIEWS", False)

# JSON lines for the log collectors of production, plain text for a terminal.
LOG_FORMAT = env_str("LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "dashboard.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING"}},
}

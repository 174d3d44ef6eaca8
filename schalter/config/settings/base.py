"""Settings shared by every environment. Environment variables are read here and nowhere else."""

import os
from pathlib import Path

import dj_database_url

from schalter.languages import LANGUAGE_CODES_BIDI, django_languages

BASE_DIR = Path(__file__).resolve().parents[3]


def env(name: str, default: str = "") -> str:
    return os.environ.get(name) or default


def env_flag(name: str, default: bool) -> bool:
    return env(name, "on" if default else "off").lower() in {"1", "on", "true", "yes"}


# For `make run` and the tests only: production refuses it (settings/production.py).
INSECURE_LOCAL_KEY = "insecure-local-only-key-change-me"
SECRET_KEY = env("SCHALTER_SECRET_KEY", INSECURE_LOCAL_KEY)
# Old keys still accepted while a new one rolls out (comma-separated), so a rotation signs no one
# out; drop them once the sessions they signed have expired (SESSION_COOKIE_AGE).
SECRET_KEY_FALLBACKS = [k for k in env("SCHALTER_SECRET_KEY_FALLBACKS", "").split(",") if k]
# Keys of the secrets Schalter must read back, such as a mailbox's IMAP password (schalter/
# secrets.py): Fernet keys, comma-separated; the first seals, every one opens (a rotation puts the
# new key first and keeps the old one until `manage.py secrets_reseal` has run). Without it: a
# fixed key derived from the local key, for `make run` and the tests only; production refuses it.
INSECURE_SECRETS_KEY = "bG9jYWwtb25seS1zZWNyZXRzLWtleS1jaGFuZ2UtbWU="
SCHALTER_SECRETS_KEYS = [
    k.strip() for k in env("SCHALTER_SECRETS_KEYS").split(",") if k.strip()
] or [INSECURE_SECRETS_KEY]
DEBUG = env_flag("SCHALTER_DEBUG", False)
ALLOWED_HOSTS = [h for h in env("SCHALTER_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
# Reverse proxies in front of the app servers: their X-Forwarded-For names the client for the
# per-address rate limits (otherwise every client would count as the proxy).
SCHALTER_TRUSTED_PROXIES = [a for a in env("SCHALTER_TRUSTED_PROXIES").split(",") if a]
CSRF_TRUSTED_ORIGINS = [o for o in env("SCHALTER_CSRF_TRUSTED_ORIGINS").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks_db",
    "schalter.mail",
    "schalter.offices",
    "schalter.catalog",
    "schalter.accounts",
    "schalter.appointments",
    "schalter.visits",
    "schalter.callbacks",
    "schalter.interpreters",
    "schalter.knowledge",
    "schalter.insights",
    "schalter.planning",
    "schalter.content",
    "schalter.demo",
    "schalter.printing",
    "schalter.public",
    "schalter.staff",
    "schalter.observability",  # the worker's heartbeat row (issue 11, observability)
]

MIDDLEWARE = [
    # First: an answer kept for sharing is given before anything else runs, even under overload.
    "schalter.shared_cache.SharedCacheMiddleware",
    "schalter.overload.OverloadMiddleware",  # refusing surplus must cost next to nothing
    # Counts each answer for /metrics and, when switched on, logs it (redacted).
    "schalter.observability.requests.RequestsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Staff pages and pages behind a personal link: never stored by a browser or proxy.
    "schalter.private_pages.PrivatePagesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "schalter.offices.gate.PartGateMiddleware",  # a part the office does not use answers 404
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "schalter.config.urls"
WSGI_APPLICATION = "schalter.config.wsgi.application"
ASGI_APPLICATION = "schalter.config.asgi.application"

# Live call displays: in memory for one process (`make run`); Redis when several app processes run.
# Redis pub/sub: a call is one message per process, which hands it to its own sockets (the
# list-based `channels_redis.core` layer stores a message per socket and each process pops them
# one round trip at a time, and forgets group members after a day). Nothing is kept for a
# process that is not listening: the displays and phones poll as a fallback.
CHANNEL_LAYERS = {
    "default": (
        {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            # A publish that hangs must not hold a request for long.
            "CONFIG": {"hosts": [{"address": env("SCHALTER_REDIS_URL"), "socket_timeout": 5}]},
        }
        if env("SCHALTER_REDIS_URL")
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "schalter" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "schalter.public.context.languages",
            ],
            # The design system's form controls (kern_select), in one place.
            "libraries": {"kern": "schalter.kern_forms", "localtext": "schalter.locale_text"},
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'schalter.sqlite3'}"),
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A bounded pool per process: threads never open unbounded connections. Parameters are
    # bound by the server, so statements a connection repeats (all of the booking's and the
    # desk's) are prepared once rather than parsed and planned each time: about a tenth more
    # bookings and desk steps per second here. Off (0) only behind a pooler that cannot keep
    # prepared statements (PgBouncer in transaction mode without max_prepared_statements).
    DATABASES["default"]["OPTIONS"] = {
        "pool": {"min_size": 1, "max_size": int(env("SCHALTER_DB_POOL_SIZE", "8")), "timeout": 5},
        "server_side_binding": env("SCHALTER_DB_SERVER_SIDE_BINDING", "1") == "1",
    }
else:
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 5,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# Requests one process works on at once; more get 503 + Retry-After (schalter/overload.py).
# 0 switches shedding off. The WSGI server needs more threads than this.
SCHALTER_MAX_IN_FLIGHT = int(env("SCHALTER_MAX_IN_FLIGHT", "100"))
# Of those, how many run at once; the others wait their turn in order of arrival. As many as
# the database connections of the process (more would only wait for one).
SCHALTER_MAX_WORKING = int(env("SCHALTER_MAX_WORKING", env("SCHALTER_DB_POOL_SIZE", "8")))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "staff:login"
# django-otp's own exponential throttle is replaced by our lockout (accounts.services).
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_TOTP_ISSUER = "Schalter"
STAFF_OTP_MAX_FAILURES = int(env("SCHALTER_OTP_MAX_FAILURES", "5"))
STAFF_LOCKOUT_MINUTES = int(env("SCHALTER_LOCKOUT_MINUTES", "15"))
# Failed sign-ins (any name) one client address may make within STAFF_LOCKOUT_MINUTES.
STAFF_LOGIN_ADDRESS_MAX_FAILURES = int(env("SCHALTER_LOGIN_ADDRESS_MAX_FAILURES", "20"))
# Failed sign-ins for one name (from anywhere) that alert her offices' admins, once per episode;
# an episode ends after this many quiet minutes.
STAFF_LOGIN_ALERT_FAILURES = int(env("SCHALTER_LOGIN_ALERT_FAILURES", "20"))
STAFF_LOGIN_ALERT_QUIET_MINUTES = int(env("SCHALTER_LOGIN_ALERT_QUIET_MINUTES", "60"))
# Staff account links (docs/staff-accounts.md): how long an invitation into an office, the
# reset of a lost second factor and the first enrolment (create_operator) stay open.
STAFF_INVITATION_HOURS = int(env("SCHALTER_STAFF_INVITATION_HOURS", "168"))
STAFF_RESET_HOURS = int(env("SCHALTER_STAFF_RESET_HOURS", "24"))
STAFF_ENROLMENT_HOURS = int(env("SCHALTER_STAFF_ENROLMENT_HOURS", "24"))
# Django's /admin/, behind the staff sign-in's two factors; production leaves it out unless
# SCHALTER_DJANGO_ADMIN is on (settings/production.py, config/urls.py).
SCHALTER_DJANGO_ADMIN = True

LANGUAGE_CODE = "de"
LANGUAGES = django_languages()
LANGUAGES_BIDI = LANGUAGE_CODES_BIDI
# Schalter's messages first; then Django's own messages where a language needs them otherwise
# (Dari's Gregorian month names: schalter/locale_django/fa_AF).
LOCALE_PATHS = [BASE_DIR / "schalter" / "locale", BASE_DIR / "schalter" / "locale_django"]
# Arabic punctuation in dates and numbers where Django's formats use Latin (schalter/formats/ar).
FORMAT_MODULE_PATH = ["schalter.formats"]
LANGUAGE_COOKIE_NAME = "schalter_language"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Berlin"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [
    BASE_DIR / "schalter" / "static",
    ("kern", BASE_DIR / "node_modules" / "@kern-ux" / "native" / "dist"),
    ("altcha", BASE_DIR / "node_modules" / "altcha" / "dist" / "external"),
    ("altcha-workers", BASE_DIR / "node_modules" / "altcha" / "dist" / "workers"),
]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "worker-src": [CSP.SELF],  # the ALTCHA widget hashes in a worker
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
}

# --- Logs (issue 11, observability) ----------------------------------------------------------
# Every record passes RedactCapabilities on its way out: no booking code, token, key, credential
# or e-mail address reaches the log, whoever logs it (schalter/observability/logs.py).
# Production writes JSON lines (settings/production.py). SCHALTER_ACCESS_LOG=on adds one line per
# request (method, path without its query, status, duration), redacted the same way: use it
# instead of the WSGI/ASGI server's own access log, which writes paths with their tokens.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "schalter.observability.logs.RedactCapabilities"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env("SCHALTER_LOG_LEVEL", "WARNING")},
    "loggers": {
        # One line per task state is noise; failures still show as errors.
        "django.tasks": {"level": "WARNING"},
        "schalter.requests": {
            "level": "INFO" if env_flag("SCHALTER_ACCESS_LOG", False) else "WARNING"
        },
    },
}

SCHALTER_DEMO_TOTP = env_flag("SCHALTER_DEMO_TOTP", False)
# Warm each app server process at start (config/warmup.py): the first requests are not slow.
SCHALTER_WARM_UP = env_flag("SCHALTER_WARM_UP", True)

# Where clients reach this installation; e-mails link there.
SCHALTER_PUBLIC_URL = env("SCHALTER_PUBLIC_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env("SCHALTER_FROM_EMAIL", "Schalter <termine@schalter.example>")
MAIL_BACKEND = env("SCHALTER_MAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
MAILERS: dict[str, dict] = {"default": {"BACKEND": MAIL_BACKEND, "OPTIONS": {}}}
if MAIL_BACKEND.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env("SCHALTER_SMTP_HOST", "localhost"),
        "port": int(env("SCHALTER_SMTP_PORT", "25")),
        "username": env("SCHALTER_SMTP_USER"),
        "password": env("SCHALTER_SMTP_PASSWORD"),
        "use_tls": env_flag("SCHALTER_SMTP_STARTTLS", False),
        "timeout": 10,
    }

# The anti-bot layers: on unless switched off for load tests (the server then warns).
SCHALTER_CAPTCHA = env_flag("SCHALTER_CAPTCHA", True)
SCHALTER_RATE_LIMITS = env_flag("SCHALTER_RATE_LIMITS", True)
ALTCHA_HMAC_KEY = env("SCHALTER_ALTCHA_KEY", SECRET_KEY)
# Test-only switch that removes the seat lock, so the concurrency tests prove they can fail.
SCHALTER_UNSAFE_SEAT_CLAIM = False
# Test-only switches of the visit races (schalter/visits/races.py): remove only the locks of
# calling next and of the ticket number; pause (seconds) between a read and its write.
SCHALTER_UNSAFE_VISIT_LOCKS = False
SCHALTER_VISIT_RACE_PAUSE = 0.0

# /metrics for Prometheus: only with this bearer token, from any address; unset, /metrics is 404.
SCHALTER_METRICS_TOKEN = env("SCHALTER_METRICS_TOKEN")

# Spoken call announcements made by espeak-ng, kept here (schalter/visits/announce.py).
SCHALTER_ANNOUNCE_DIR = Path(env("SCHALTER_ANNOUNCE_DIR", str(BASE_DIR / "var" / "announcements")))

# Rendered PDFs (flyers, signs; docs/pdf.md): kept on disk per document, shared by the app
# servers in production; at most SCHALTER_PDF_RENDERS renders at once per process, each in a
# render process of its own; a request waits at most SCHALTER_PDF_SLOT_WAIT_SECONDS for one.
SCHALTER_PDF_CACHE_DIR = Path(env("SCHALTER_PDF_CACHE_DIR", str(BASE_DIR / "var" / "pdf-cache")))
SCHALTER_PDF_CACHE_MAX_MB = int(env("SCHALTER_PDF_CACHE_MAX_MB", "512"))
SCHALTER_PDF_CACHE_DAYS = int(env("SCHALTER_PDF_CACHE_DAYS", "30"))
# A kept PDF is served without building its HTML again for this long after the last check.
SCHALTER_PDF_FRESH_SECONDS = float(env("SCHALTER_PDF_FRESH_SECONDS", "60"))
SCHALTER_PDF_RENDERS = int(env("SCHALTER_PDF_RENDERS", "1"))
SCHALTER_PDF_SLOT_WAIT_SECONDS = float(env("SCHALTER_PDF_SLOT_WAIT_SECONDS", "0.25"))

# Text messages (reminders); see schalter/sms.py.
SCHALTER_SMS_BACKEND = env("SCHALTER_SMS_BACKEND", "schalter.sms.ConsoleSms")
SCHALTER_SMS_URL = env("SCHALTER_SMS_URL")
SCHALTER_SMS_KEY = env("SCHALTER_SMS_KEY")

# Background work (e-mails, text messages). Immediate runs it inside the request (demo, tests);
# production sets django_tasks_db.DatabaseBackend and runs `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": env("SCHALTER_TASK_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")
    }
}

# E-mails go out exactly once (schalter/mail/services.py): an attempt that did not end in "sent"
# (its worker killed, the SMTP server away) is followed by the next after this many seconds,
# doubling up to an hour. Also how long an attempt holds its mail: well above the SMTP timeout.
SCHALTER_MAIL_RETRY_SECONDS = int(env("SCHALTER_MAIL_RETRY_SECONDS", "300"))

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024  # no form or API body needs more

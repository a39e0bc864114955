"""Django settings. Everything site-specific comes from the environment (see README)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from custodian.paths import secret_from_env_or_file, secure_data_dir

BASE_DIR = Path(__file__).resolve().parent
# Created 0700 under a 077 umask; files others could read are made private (with a warning).
DATA_DIR = secure_data_dir()

SECRET_KEY = secret_from_env_or_file("CUSTODIAN_SECRET_KEY", "secret_key")
DEBUG = os.environ.get("CUSTODIAN_DEBUG", "") == "1"
ALLOWED_HOSTS = [
    h
    for h in os.environ.get("CUSTODIAN_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h
]

# Which library's policy profile this installation runs (see custodian/policy/profiles/).
CUSTODIAN_PROFILE = os.environ.get("CUSTODIAN_PROFILE", "sonoma-county")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "custodian.accounts",
    "custodian.records",
    "custodian.audit",
    "custodian.desk",
    "custodian.disclosure",
    "custodian.portal",
    # Due-soon, overdue and hold-ready notices (custodian notices send, from cron).
    "custodian.notices",
    # Issue 11: the records' lifetime (retention schedule and purge, legal holds and
    # erasure, statistics that identify no one).
    "custodian.retention",
    "custodian.holds",
    "custodian.statistics",
    # Issue 12: SIP2 accounts for self-check kiosks, return machines and PC booking.
    "custodian.sip2",
    # Throttled staff logins (5 failures per username and address, then 15 minutes out).
    "axes",
    # The API's Swagger page from django-ninja's own static files, not a CDN with an inline
    # script (which the Content-Security-Policy would block, rightly).
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads a body: a body over the limit is refused from its length, unread.
    "custodian.security.BodyLimitMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: every page and API answer is no-store, static files stay cacheable.
    "custodian.security.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language (Accept-Language), then the portal's own choice on top of it:
    # the patron's pick this session, else their stored preference; staff screens English.
    "django.middleware.locale.LocaleMiddleware",
    "custodian.portal.language.PortalLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lock-out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "custodian.urls"
WSGI_APPLICATION = "custodian.wsgi.application"

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
                "custodian.desk.context_processors.library",
            ],
            # label/labels/when/day filters in every template (custodian/words.py).
            "builtins": ["custodian.words"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{DATA_DIR / 'custodian.sqlite3'}",
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the single writer; IMMEDIATE makes writers queue
    # for the lock at BEGIN instead of failing mid-transaction; synchronous=FULL makes
    # every commit (a check-out, its audit entry) survive a power cut.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        # secure_delete zeroes what a DELETE frees, so a removed patron row does not linger
        # in free pages of the file (or of a copy of it).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
            "PRAGMA secure_delete=ON;"
        ),
    }
    # Tests use a file too: Django's in-memory test database locks whole tables and fails
    # concurrent writers at once instead of queueing them as the real database does.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

AUTH_USER_MODEL = "accounts.StaffUser"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/staff/login/"
# The landing page sends each role where it works (the desk, or a page for IT and audit).
LOGIN_REDIRECT_URL = "/staff/"
LOGOUT_REDIRECT_URL = "/staff/login/"

# django-axes checks every login first; it counts failures per username and address
# together, so one clerk mistyping cannot lock the whole branch's shared terminal out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# A username that is no staff member's (often a card number) is stored only as a keyed hash;
# axes' log lines and the POST data it keeps show the username masked, like the password.
AXES_USERNAME_CALLABLE = "custodian.accounts.throttle.username_for_throttling"
AXES_SENSITIVE_PARAMETERS = ["username"]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "custodian.errors.csrf_failure"  # the styled page, not Django's own
SESSION_COOKIE_AGE = 8 * 60 * 60  # one desk shift
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# No inline script or style anywhere: scripts and stylesheets come from /static/ only.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
}

# CUSTODIAN_HTTPS=1 when the site is reached over HTTPS (as it must be beyond one machine):
# HTTP is redirected, cookies are sent over HTTPS only, and browsers are told to stay on HTTPS.
HTTPS = os.environ.get("CUSTODIAN_HTTPS", "") == "1"
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # The directive alone does nothing; only the domain's owner submitting it to the browsers'
    # preload list does. Sending it keeps `check --deploy` clean and that choice open.
    SECURE_HSTS_PRELOAD = True
# Behind a reverse proxy that ends TLS, trust its X-Forwarded-Proto (and only then: a client
# reaching Django directly could send the header itself).
if os.environ.get("CUSTODIAN_TRUST_X_FORWARDED_PROTO", "") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "en"
# The patron portal speaks English and Spanish (custodian/locale, compiled by custodian/i18n.py).
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("CUSTODIAN_TIME_ZONE", "America/Los_Angeles")
USE_I18N = True
USE_TZ = True

# The patron portal (/my/). Many patrons sign in on shared library computers: an idle
# session ends after this many minutes. PINs are at least this long (libraries issue 4).
CUSTODIAN_PORTAL_IDLE_MINUTES = int(os.environ.get("CUSTODIAN_PORTAL_IDLE_MINUTES", "15"))
CUSTODIAN_PIN_MIN_LENGTH = int(os.environ.get("CUSTODIAN_PIN_MIN_LENGTH", "4"))

# Notices (docs/notices.md). On a test or demo machine they are written as files into
# DATA_DIR/outbox so a tester can read them; a production site (CUSTODIAN_HTTPS=1) sends
# real mail by SMTP unless CUSTODIAN_EMAIL_BACKEND says otherwise (`check --deploy` refuses
# the file backend there, rightly: patrons would never get their notices).
_EMAIL_BACKENDS = {
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
_email_backend = os.environ.get("CUSTODIAN_EMAIL_BACKEND", "smtp" if HTTPS else "file")
_email_backend = _EMAIL_BACKENDS.get(_email_backend, _email_backend)
_mail_options: dict = {}
if _email_backend.endswith("filebased.EmailBackend"):
    _outbox_dir = os.environ.get("CUSTODIAN_EMAIL_FILE_PATH", str(DATA_DIR / "outbox"))
    _mail_options = {"file_path": _outbox_dir}
elif _email_backend.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": os.environ.get("EMAIL_USE_TLS", "") == "1",
    }
# Django 6.1's MAILERS (the EMAIL_* settings are deprecated); the environment names stay.
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "library@localhost")
# Texts and phone messages go by email to a gateway ("{number}@sms.example.net"). With the
# file backend they default to a made-up domain, so the outbox shows them too.
_outbox = _email_backend.endswith("filebased.EmailBackend")
CUSTODIAN_SMS_GATEWAY = os.environ.get(
    "CUSTODIAN_SMS_GATEWAY", "{number}@sms.outbox.invalid" if _outbox else ""
)
CUSTODIAN_VOICE_GATEWAY = os.environ.get(
    "CUSTODIAN_VOICE_GATEWAY", "{number}@voice.outbox.invalid" if _outbox else ""
)
# A due-soon notice goes this many days before the due date (and any day after, until due).
CUSTODIAN_NOTICE_DUE_SOON_DAYS = int(os.environ.get("CUSTODIAN_NOTICE_DUE_SOON_DAYS", "3"))
# Where the notices tell the patron to sign in (the portal's address as patrons reach it).
CUSTODIAN_PORTAL_URL = os.environ.get("CUSTODIAN_PORTAL_URL", "http://127.0.0.1:8000/my/")

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # collectstatic fills it; WhiteNoise wants it present
STATICFILES_DIRS = [BASE_DIR / "static"]
# Django chmods what its storage saves (scans, disclosure packages) to these, whatever the
# umask: 0644 by default. Owner-only, like the rest of the data folder.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Largest request body read into memory: a JSON intake carries its scan (at most
# CUSTODIAN_DISCLOSURE_MAX_SCAN_BYTES, 10 MB) base64-encoded, 4/3 the size, plus its other
# fields. Bigger bodies are refused unread; the API answers them with a JSON 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = (10 * 1024 * 1024) * 4 // 3 + 256 * 1024
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Logs never carry patron personal data: only opaque ids, roles and outcomes.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A 4xx (a refusal, a 404, a CSRF failure) is one line, not a traceback.
    "filters": {"one_line_4xx": {"()": "custodian.errors.OneLineClientErrors"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["one_line_4xx"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("CUSTODIAN_LOG_LEVEL", "WARNING")},
}

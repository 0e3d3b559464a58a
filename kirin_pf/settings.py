"""Settings for kirin_pf.

Every value that differs between a laptop, CI and production is read here from the environment
(or an optional `.env` file beside manage.py) and nowhere else. The variable names are listed in
README.md; `tests/test_deployment.py` checks that docker-compose sets only names read here.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from import_export.formats.base_formats import CSV, XLSX

from core.csv_format import ExcelCSV
from kirin_pf.schedule import PERIODIC_TASKS  # noqa: F401  (a setting, see below)

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DATA_DIR = Path(env.str("KIRIN_DATA_DIR", default=str(BASE_DIR / "data")))

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=true for local development only."
        )
    SECRET_KEY = "dev-only-kirin-pf-key-never-use-in-production-7f3a9c1e5b2d4f6a8c0e"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "kirin_pf.apps.KirinAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "simple_history",
    "import_export",
    "csp",
    "kirin_pf.apps.CeleryBeatConfig",
    "core",
    "members",
    "supporters",
    "foodhub",
    "council",
    "exchange",  # needs and resources board, public resource map: above members and foodhub
    "reports",  # above the domain apps: reads them, none of them imports it
    "staff",  # the staff's front door, error pages; above the domain apps like reports
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.limits.RequestBodyLimitMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "core.middleware.RequireMFAMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "kirin_pf.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "kirin_pf.wsgi.application"

if "DATABASE_URL" not in env:
    DATA_DIR.mkdir(parents=True, exist_ok=True)  # the embedded default lives here
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'kirin_pf.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Cache, broker, background work -------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="kirin_pf"),
        }
    }
else:
    # Shared between processes (runserver's reloader, gunicorn workers), so allauth's login
    # rate limits hold without Redis too.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Tokyo"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# PERIODIC_TASKS (imported above from kirin_pf/schedule.py) is synced into the scheduler's
# tables after every migrate (core/schedule.py).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Language, time, formats --------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- E-mail --------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
globals().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="麒麟のまち官民連携プラットフォーム事務局 <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Accounts (django-allauth) -------------------------------------------------------------
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/admin/"
ACCOUNT_ADAPTER = "core.adapters.InviteOnlyAccountAdapter"
# "Signed in as 鳥取 花子", never the login name (staff/templatetags/staff.py).
ACCOUNT_USER_DISPLAY = "staff.templatetags.staff.display_name"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
# A password reset for an address without an account sends nothing (there is no sign-up to point
# to, and a mail would tell a stranger which addresses have accounts).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Two-factor: an authenticator app (TOTP), passkeys and security keys (WebAuthn), recovery codes.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG  # http://127.0.0.1 in development only
MFA_TOTP_ISSUER = "kirin_pf"
# The TOTP secret stays the same until activated, so enrolment works on the first try (core/mfa.py).
MFA_FORMS = {"activate_totp": "core.mfa.StableActivateTOTPForm"}

# --- Export (django-import-export) ---------------------------------------------------------
EXPORT_FORMATS = [ExcelCSV]  # CSV with a BOM, for Excel on Japanese Windows
IMPORT_FORMATS = [CSV, XLSX]
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# --- Security ------------------------------------------------------------------------------
# Request bodies: forms up to 256 KB (every public text field has its own maximum, core.limits),
# file uploads (imports) up to 10 MB; larger ones are refused with a Japanese page (413).
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
# Admin imports (core.imports): larger files are refused before they are read; files of more
# rows than IMPORT_BACKGROUND_ROWS are checked and imported by a Celery task with a progress page.
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 20000
IMPORT_BACKGROUND_ROWS = 500
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies append to X-Forwarded-For in front of the app (0: none, trust nothing).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# The secretariat is mailed the day's summary when sign-in failures reach this many (core.security).
SECURITY_FAILED_LOGIN_ALERT = 20
# One setting: allauth's login limits read the same count (and its adapter asks core.abuse).
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The public resource map's tiles (exchange): any XYZ tile server; OpenStreetMap's by default.
# Its origin is added to the CSP's img-src below; an empty URL draws the map without tiles.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
    " contributors",
)
_tiles = urlsplit(MAP_TILE_URL.replace("{s}.", "*."))
MAP_TILE_ORIGINS = [f"{_tiles.scheme}://{_tiles.netloc}"] if _tiles.netloc else []

# No inline script anywhere (scripts are static files); the few <style> blocks carry the request's
# nonce ({{ request.csp_nonce }}); style="" attributes (chart bar widths) cannot run code and stay
# allowed. The browser tests fail on any violation (tests/conftest.py `browser`).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:", *MAP_TILE_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
    "publickey-credentials-get": ["self"],
    "publickey-credentials-create": ["self"],
}
CSRF_FAILURE_VIEW = "staff.views.csrf_failure"  # a page of the product, in Japanese
SESSION_COOKIE_HTTPONLY = True

# --- Logging -------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}

# --- Council (孤独・孤立対策地域協議会) case data — owned by the council app ------------------
# Fernet keys, comma-separated, newest first: the first encrypts, all decrypt (rotation: put a
# new key first, run `manage.py rotate_council_keys`, then drop the old key). The blind-index key
# is separate and is not rotated (changing it needs a re-index). Without DEBUG both are required;
# in development a key file is created under the data directory.
COUNCIL_ENCRYPTION_KEYS = env.list("COUNCIL_ENCRYPTION_KEYS", default=[])
COUNCIL_BLIND_INDEX_KEY = env.str("COUNCIL_BLIND_INDEX_KEY", default="")
if not COUNCIL_ENCRYPTION_KEYS or not COUNCIL_BLIND_INDEX_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "COUNCIL_ENCRYPTION_KEYS and COUNCIL_BLIND_INDEX_KEY are not set. Generate a key with "
            "python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        )
    import json as _json

    _council_key_file = DATA_DIR / "council_dev_keys.json"
    if not _council_key_file.exists():
        import secrets as _secrets

        from cryptography.fernet import Fernet as _Fernet

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        _council_key_file.write_text(
            _json.dumps(
                {"encryption": _Fernet.generate_key().decode(), "index": _secrets.token_hex(32)}
            )
        )
        _council_key_file.chmod(0o600)
    _council_dev_keys = _json.loads(_council_key_file.read_text())
    COUNCIL_ENCRYPTION_KEYS = COUNCIL_ENCRYPTION_KEYS or [_council_dev_keys["encryption"]]
    COUNCIL_BLIND_INDEX_KEY = COUNCIL_BLIND_INDEX_KEY or _council_dev_keys["index"]
COUNCIL_IDLE_TIMEOUT_MINUTES = env.int("COUNCIL_IDLE_TIMEOUT_MINUTES", default=30)
COUNCIL_RETENTION_YEARS = env.int("COUNCIL_RETENTION_YEARS", default=5)
COUNCIL_BREAK_GLASS_MINUTES = env.int("COUNCIL_BREAK_GLASS_MINUTES", default=60)
COUNCIL_DAILY_CASE_READ_ALERT = env.int("COUNCIL_DAILY_CASE_READ_ALERT", default=40)
# --- end of council block ------------------------------------------------------------------

# --- The platform --------------------------------------------------------------------------
PLATFORM_NAME = "麒麟のまち官民連携プラットフォーム"
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

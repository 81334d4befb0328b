"""Kerne settings, read from the environment.

Every value that differs between a laptop, CI and production comes from an environment
variable (see docs/configuration.md); the defaults give the embedded SQLite set-up.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("KERNE_DEBUG", False)
SECRET_KEY = env("KERNE_SECRET_KEY") or ("insecure-development-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("KERNE_SECRET_KEY must be set when KERNE_DEBUG is off.")
ALLOWED_HOSTS = env_list("KERNE_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("KERNE_CSRF_TRUSTED_ORIGINS")
KERNE_BASE_URL = env("KERNE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "kerne.core",
    "kerne.organisation",
    "kerne.accounts",
    # After kerne.accounts, whose axes_reset_username (any case) replaces axes' own.
    "axes",
    "kerne.frameworks",
    "kerne.evaluations",
    "kerne.reports",
    "kerne.development",
    "kerne.results",
    "kerne.api",
    "kerne.home",
    "kerne.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a login refused by django-axes into the Danish lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'kerne.sqlite3'}"),
        conn_max_age=int(env("KERNE_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker and the web process use the file at the same time.
    # secure_delete: a deleted row is overwritten in the file at once, never left to be found there.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for one day

# --- Signing in: e-mail and password, throttled; optional single sign-on (docs/configuration.md) ---
# django-axes checks every attempt first; a locked-out address gets the lockout page, not a login.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "kerne.accounts.backends.ModelBackend",  # Django's, refusing people who have left (backends.py)
]
AXES_FAILURE_LIMIT = int(env("KERNE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("KERNE_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # per e-mail address from one IP address
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "kerne.accounts.throttle.attempted_username"
AXES_CLIENT_IP_CALLABLE = "kerne.accounts.throttle.client_ip"
# Reverse proxies in front of Kerne whose X-Forwarded-For is trusted (0: use the connection's address).
KERNE_PROXY_COUNT = int(env("KERNE_PROXY_COUNT", "0"))
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto: trust it, so Kerne knows the request came
# over https (the SSO callback address, secure cookies). Off by default: without such a proxy a client
# could claim https itself. The proxy must overwrite the header, never pass on the client's.
KERNE_TRUST_X_FORWARDED_PROTO = env_bool("KERNE_TRUST_X_FORWARDED_PROTO")
if KERNE_TRUST_X_FORWARDED_PROTO:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
AXES_RESET_ON_SUCCESS = True
# A fixed lockout: attempts during the lockout do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "kerne.accounts.throttle.lockout_response"  # the Danish lockout page
AXES_ENABLE_ADMIN = False
# Single sign-on is not counted: the provider checks the password (and throttles), and a refused SSO
# sign-in carries no user name, so counting it would lock every SSO sign-in from a shared NAT address.
AXES_WHITELIST_CALLABLE = "kerne.accounts.throttle.is_single_sign_on"
AXES_VERBOSE = False

# OpenID Connect (Microsoft Entra ID and others) with mozilla-django-oidc: on when a client id and
# either the discovery document or the endpoints are given.
OIDC_RP_CLIENT_ID = env("KERNE_OIDC_RP_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env("KERNE_OIDC_RP_CLIENT_SECRET")
KERNE_OIDC_OP_DISCOVERY = env("KERNE_OIDC_OP_DISCOVERY")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("KERNE_OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env("KERNE_OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env("KERNE_OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env("KERNE_OIDC_OP_JWKS_ENDPOINT")
OIDC_RP_SIGN_ALGO = env("KERNE_OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env("KERNE_OIDC_RP_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
OIDC_CALLBACK_CLASS = "kerne.accounts.oidc.KerneOIDCCallbackView"
OIDC_AUTHENTICATE_CLASS = "kerne.accounts.oidc.KerneOIDCRequestView"
KERNE_OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID and (KERNE_OIDC_OP_DISCOVERY or OIDC_OP_AUTHORIZATION_ENDPOINT))
KERNE_OIDC_ORGANISATION = env("KERNE_OIDC_ORGANISATION")  # slug of the organisation SSO users belong to
KERNE_OIDC_EMAIL_CLAIM = env("KERNE_OIDC_EMAIL_CLAIM", "email")
KERNE_OIDC_EMPLOYEE_NUMBER_CLAIM = env("KERNE_OIDC_EMPLOYEE_NUMBER_CLAIM")  # e.g. "employeeid"
KERNE_OIDC_PROVIDER_NAME = env("KERNE_OIDC_PROVIDER_NAME", "Microsoft")
OIDC_TIMEOUT = float(env("KERNE_OIDC_TIMEOUT", "10"))  # seconds for every call to the provider
# An outbound proxy for the calls to the provider, e.g. "http://proxy.kommune.dk:8080" (else HTTPS_PROXY).
_oidc_proxy = env("KERNE_OIDC_HTTP_PROXY")
OIDC_PROXY = {"http": _oidc_proxy, "https": _oidc_proxy} if _oidc_proxy else None
OIDC_STORE_ID_TOKEN = True  # the ID token is the hint for the provider's end-session at logout
# RP-initiated logout: the provider's end-session address (default: from the discovery document), and
# whether logging out of Kerne also logs out at the provider ("provider") or only offers it ("kerne").
KERNE_OIDC_OP_LOGOUT_ENDPOINT = env("KERNE_OIDC_OP_LOGOUT_ENDPOINT")
KERNE_OIDC_LOGOUT = env("KERNE_OIDC_LOGOUT", "provider")
if KERNE_OIDC_LOGOUT not in {"provider", "kerne"}:
    raise RuntimeError("KERNE_OIDC_LOGOUT must be 'provider' or 'kerne'.")
if KERNE_OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("kerne.accounts.oidc.KerneOIDCBackend")

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "kerne" / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("KERNE_STATIC_ROOT", str(BASE_DIR / "var" / "static")))
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
MEDIA_ROOT = BASE_DIR / "var" / "media"

# --- E-mail (docs/configuration.md): the relay, and how kerne.core.mail paces and retries ---
_email_backend = env("KERNE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
if _email_backend in {"smtp", "django.core.mail.backends.smtp.EmailBackend"}:
    # Django's SMTP backend, greeting the relay with Kerne's public host name (kerne/core/smtp.py).
    _email_backend = "kerne.core.smtp.EmailBackend"
EMAIL_BACKEND = _email_backend
EMAIL_HOST = env("KERNE_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("KERNE_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("KERNE_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("KERNE_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("KERNE_EMAIL_USE_TLS")  # STARTTLS, usually port 587
# Implicit TLS (SMTPS), usually port 465: on by default for port 465 unless STARTTLS is asked for.
EMAIL_USE_SSL = env_bool("KERNE_EMAIL_USE_SSL", EMAIL_PORT == 465 and not EMAIL_USE_TLS)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise RuntimeError(
        "KERNE_EMAIL_USE_TLS (STARTTLS, port 587) and KERNE_EMAIL_USE_SSL (implicit TLS, port 465) "
        "cannot both be on: choose the one your mail relay offers."
    )
EMAIL_TIMEOUT = float(env("KERNE_EMAIL_TIMEOUT", "20"))  # seconds for each step of an SMTP conversation
DEFAULT_FROM_EMAIL = env("KERNE_FROM_EMAIL", "Kerne <kerne@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
KERNE_REPLY_TO = env("KERNE_REPLY_TO")  # where answers to Kerne's mails go, e.g. HR's shared mailbox
KERNE_MAIL_DOMAIN = env("KERNE_MAIL_DOMAIN")  # Message-ID domain; default: the host of KERNE_BASE_URL
KERNE_EMAIL_HELO_NAME = env("KERNE_EMAIL_HELO_NAME")  # EHLO name; default: the host of KERNE_BASE_URL
KERNE_EMAIL_BATCH_SIZE = int(env("KERNE_EMAIL_BATCH_SIZE", "30"))  # mails per connection (0: no limit)
KERNE_EMAIL_BATCH_PAUSE = float(env("KERNE_EMAIL_BATCH_PAUSE", "0"))  # seconds between two connections
KERNE_EMAIL_RETRIES = int(env("KERNE_EMAIL_RETRIES", "4"))  # tries again after a temporary failure
# The demo data's made-up domains: never sent to through a real relay (kerne.core.mail).
KERNE_DEMO_MAIL_DOMAINS = env("KERNE_DEMO_MAIL_DOMAINS", "demo-kommune.dk")
KERNE_EMAIL_RETRY_DELAY = float(env("KERNE_EMAIL_RETRY_DELAY", "2"))  # first wait in seconds, doubled each time

TASKS = {
    "default": {
        "BACKEND": env("KERNE_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("KERNE_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Every handler hides rater links (kerne.core.logging), also runserver's request log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"hide_rater_links": {"()": "kerne.core.logging.HideRaterLinks"}},
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["hide_rater_links"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["hide_rater_links"],
        },
    },
    "root": {"handlers": ["console"], "level": env("KERNE_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # keeps failed logins and lockouts, drops per-login chatter
    },
}

# Where the framework files live; `manage.py framework import` with no path loads them all.
KERNE_FRAMEWORK_DIR = Path(env("KERNE_FRAMEWORK_DIR", str(BASE_DIR / "content" / "frameworks")))

# Cache: shared by every process in production (Redis), so rate limits hold across workers.
_cache_url = env("KERNE_CACHE_URL")
if _cache_url.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}}
else:
    # Without Redis: a table in the database, shared by the web server and the task worker
    # (rate limits, and reports prepared in the background). `manage.py createcachetable` makes it.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "kerne_cache"}}

# Rate limits have a cache of their own, so closing a round can clear every counter keyed by its
# links (docs/privacy.md). With Redis: the same server, keys of their own that expire within a minute.
if _cache_url.startswith(("redis://", "rediss://")):
    CACHES["ratelimit"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _cache_url,
        "KEY_PREFIX": "kerne-ratelimit",
    }
    RATELIMIT_USE_CACHE = "default"  # clear() would empty the whole Redis database
else:
    # Counters only, one statement a step, never culled (kerne/core/counters.py).
    CACHES["ratelimit"] = {"BACKEND": "kerne.core.counters.CounterDatabaseCache", "LOCATION": "kerne_ratelimit"}
    RATELIMIT_USE_CACHE = "ratelimit"

# Result follow-up: the key Jobindsats gives an organisation for api.jobindsats.dk (docs/results.md).
KERNE_JOBINDSATS_API_KEY = env("KERNE_JOBINDSATS_API_KEY")

# Rater links: wrong links per client address, and requests per valid link.
KERNE_BAD_TOKEN_RATE = env("KERNE_BAD_TOKEN_RATE", "20/m")
KERNE_TOKEN_RATE = env("KERNE_TOKEN_RATE", "120/m")
# The key directory: each open round's link secret and private key, one file per round, destroyed
# when the round closes. Never in a database backup; with several machines, a shared mount.
KERNE_KEY_DIR = Path(env("KERNE_KEY_DIR", str(BASE_DIR / "var" / "keys")))

"""Settings of the test OpenID Connect provider (see testing/op/__init__.py)."""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
PORT = int(os.environ["KERNE_TEST_OP_PORT"])
SITE_URL = f"http://127.0.0.1:{PORT}"
CONTROL_KEY = os.environ["KERNE_TEST_OP_KEY"]

SECRET_KEY = "test-provider-" + CONTROL_KEY
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oidc_provider",
    "testing.op",
]
MIDDLEWARE = [
    "testing.op.control.FailureModes",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "testing.op.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["KERNE_TEST_OP_DB"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USE_TZ = True
LOGIN_URL = "/login/"
# Kerne and the provider both run on 127.0.0.1: different cookie names keep their sessions apart.
SESSION_COOKIE_NAME = "op_sessionid"
CSRF_COOKIE_NAME = "op_csrftoken"

OIDC_IDTOKEN_INCLUDE_CLAIMS = True  # like Entra: the claims are in the ID token
OIDC_IDTOKEN_PROCESSING_HOOK = "testing.op.control.id_token_claims"
OIDC_USERINFO = "testing.op.control.userinfo"
OIDC_SKIP_CONSENT_EXPIRE = 0
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

"""Test settings: fast hashing, mail in memory, tasks run at once."""

import os

os.environ.setdefault("KERNE_SECRET_KEY", "test-only-secret")
os.environ.setdefault("KERNE_DEBUG", "0")

from .base import *  # noqa: F403
from .base import DATABASES, env

# An audit action without a Danish name (kerne.core.audit_types) fails the test that writes it.
KERNE_AUDIT_STRICT = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": env("KERNE_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # A file, not shared memory: concurrent-submit tests need SQLite's real locking and busy timeout.
    # One file per test process, so parallel runs on one machine never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-kerne-{os.getpid()}.sqlite3")}
STATIC_ROOT = None  # type: ignore[assignment]  # served from the apps' static folders (WhiteNoise finders) in tests
WHITENOISE_USE_FINDERS = True
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kerne-test"},
    "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kerne-test-ratelimit"},
}
RATELIMIT_USE_CACHE = "ratelimit"
# Each test process keeps its rounds' keys in a folder of its own.
KERNE_KEY_DIR = BASE_DIR / "var" / f"test-keys-{os.getpid()}"
# kerne.core.mail: retry quickly (tests that check the back-off count the waits instead).
KERNE_EMAIL_RETRY_DELAY = 0.01
KERNE_EMAIL_BATCH_PAUSE = 0.0

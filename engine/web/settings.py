"""Django settings of the web application: the store's settings (``base_settings``) with the web's
apps, the store's database as ``default``, and safe defaults (no debug pages, CSRF on every
POST, HttpOnly SameSite=Lax cookies, Secure over HTTPS, bounded uploads, throttled log-in).

Environment: ``DUTY_DB`` / ``DUTY_DATABASE_URL`` / ``DUTY_AUDIT_KEY`` / ``DUTY_CHECKPOINTS``
(the store, as for the command line), ``DUTY_COUNTY`` (the county directory),
``DUTY_SECRET_KEY`` or ``DUTY_SECRET_KEY_FILE`` (else derived from the audit key),
``DUTY_ALLOWED_HOSTS`` (comma-separated), ``DUTY_TRUST_PROXY=1`` (behind a proxy that sets
X-Forwarded-Proto), ``DUTY_TRUSTED_PROXIES`` (the proxies' addresses or networks,
comma-separated, whose X-Forwarded-For is believed for log-in throttling).
"""

from __future__ import annotations

import os
from datetime import timedelta

from engine.store.config import base_settings, store_target
from engine.web.clientip import trusted
from engine.web.secret import web_secret

globals().update(base_settings())
_TARGET = store_target()

SECRET_KEY = web_secret(_TARGET)
DEBUG = False
ALLOWED_HOSTS = [h.strip() for h in os.environ.get(
    "DUTY_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h.strip()]

INSTALLED_APPS = [
    *base_settings()["INSTALLED_APPS"],  # the store's apps (admin, sessions, axes among them)
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "engine.web",
]
DATABASES = {"default": _TARGET.database()}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "engine.web.uploads.DeclaredLength",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "engine.web.middleware.CountyInStep",  # the county of the store, or 503 (several hosts)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "engine.web.middleware.SecureHeaders",
    "axes.middleware.AxesMiddleware",
    "engine.web.middleware.ForcedPasswordChange",  # a temporary password: changed first
]
ROOT_URLCONF = "engine.web.urls"
WSGI_APPLICATION = "engine.web.wsgi.application"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
        "engine.web.access.context",
        "engine.web.views.proposals.waiting_context",
    ]},
}]

AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend",
                           "engine.web.backends.RecordedBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "todo"
LOGOUT_REDIRECT_URL = "login"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked.html"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# the client's address: the peer's, or behind the proxies of DUTY_TRUSTED_PROXIES the one they
# forwarded (engine/web/clientip.py); a malformed list stops the start-up
AXES_CLIENT_IP_CALLABLE = "engine.web.clientip.client_ip"
trusted(os.environ.get("DUTY_TRUSTED_PROXIES", ""))

# nothing a request leaves behind stays in one process: sessions are rows of the store (JSON,
# signed), lock-outs are django-axes' rows, and no cache is kept by Django's cache framework,
# so any number of processes on any number of hosts serve one store (docs/web.md, "More than
# one host"). The dummy cache keeps nothing: a feature that wanted a per-process cache would
# see it empty rather than serve one host's state on another; Django's DatabaseCache is not
# used because it unpickles what it reads, and the store's rows are not trusted that far.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "engine.web.views.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if os.environ.get("DUTY_TRUST_PROXY") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

MAX_UPLOAD_BYTES = 256 * 1024  # a proposal file
MAX_IMPORT_BYTES = 16 * 1024 * 1024  # the workbooks of one import, in all (the office's page)
DATA_UPLOAD_MAX_MEMORY_SIZE = 512 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES
FILE_UPLOAD_HANDLERS = ["engine.web.uploads.BoundedUpload"]  # never spooled to disk
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("DUTY_STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True
USE_I18N = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}

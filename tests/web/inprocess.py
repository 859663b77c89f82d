"""The web application in the test's own process, through Django's test client: a new store of
the sample county with the accounts of ``tests.web.conftest.ACCOUNTS`` (and, on request, the
demonstration proposals), the web's settings laid over whatever settings the process has
(``override_settings`` installs the web's apps), the store's database as ``default``."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.web.conftest import ACCOUNTS

_ENV = ("DUTY_DB", "DUTY_DATABASE_URL", "DUTY_AUDIT_KEY", "DUTY_CHECKPOINTS", "DUTY_COUNTY",
        "DUTY_SECRET_KEY", "DUTY_NOW", "DUTY_STORE_COUNTY")


def _web_settings() -> dict[str, Any]:
    import engine.web.settings as web

    values = {k: getattr(web, k) for k in dir(web) if k.isupper()}
    values.pop("DATABASES")
    values["ALLOWED_HOSTS"] = [*values["ALLOWED_HOSTS"], "testserver"]
    values["SECRET_KEY"] = os.environ["DUTY_SECRET_KEY"]
    return values


def _default(database: dict[str, Any]) -> None:
    """Make ``database`` the ``default`` connection (the one the web's queries use)."""
    from django.db import connections

    connections["default"].close()
    del connections["default"]
    connections.databases["default"] = connections.configure_settings(
        {"default": database})["default"]


@contextmanager
def web_site(folder: Path, *, demo: bool = False) -> Iterator[Any]:
    """Yield a function making a logged-in test client for an account of ``ACCOUNTS``
    (``login(None)``: not logged in)."""
    saved = {k: os.environ.get(k) for k in _ENV}
    for k in _ENV:
        os.environ.pop(k, None)
    os.environ["DUTY_DB"] = str(folder / "duty.db")
    os.environ["DUTY_SECRET_KEY"] = secrets.token_urlsafe(32)
    from engine.store.config import ensure_django, store_target

    ensure_django()
    from django.conf import settings
    from django.db import connections
    from django.test import Client
    from django.test.utils import override_settings

    import engine.web.runtime as runtime

    if not getattr(settings._wrapped, "SECRET_KEY", ""):  # the command line's settings have
        settings.SECRET_KEY = os.environ["DUTY_SECRET_KEY"]  # none; the web's signals read it
    target = store_target()
    try:
        with override_settings(**_web_settings()):
            from engine.web import demo as demo_store
            from engine.workflow.roles import Clock

            demo_store.seed(None, target, [(n, r, p) for n, (r, p) in ACCOUNTS.items()],
                            Clock.real())
            if demo:  # the parties of the demonstration the tests' accounts do not cover
                demo_store.seed_more(target, [
                    (n, r, secrets.token_urlsafe(12)) for n, r in demo_store.ACCOUNTS.items()
                    if n not in ACCOUNTS], Clock.real())
                demo_store.play(None, target, Clock.real())
            _default(target.database())
            runtime._service = None

            def login(account: str | None) -> Client:
                from django.contrib.auth import get_user_model

                client = Client()
                if account is not None:
                    user = get_user_model().objects.get(username=account)
                    client.force_login(user, "engine.web.backends.RecordedBackend")
                return client

            yield login
    finally:
        runtime._service = None
        connections["default"].close()
        _default({"ENGINE": "django.db.backends.dummy"})
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v

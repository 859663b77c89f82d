"""The outside services some tests need — a PostgreSQL server and Debian's chromium — found
once for the whole suite.

A test that needs one and cannot have it is skipped on a developer's machine, but FAILS when
``CI`` is set, and a PostgreSQL server named by ``DUTY_TEST_DATABASE_URL`` that does not answer
is a failure anywhere: a suite must not pass by testing less than it says. ``.ci/run`` starts or
installs both before the tests run.
"""

from __future__ import annotations

import os
import shutil
from functools import cache
from urllib.parse import urlsplit, urlunsplit

import pytest

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"


def _strict() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pg_admin_url() -> str:
    """The maintenance database of the test server (``DUTY_TEST_DATABASE_URL``)."""
    return os.environ.get("DUTY_TEST_DATABASE_URL") or DEFAULT_PG


def pg_url(database: str) -> str:
    """The test server's URL for ``database``."""
    parts = urlsplit(pg_admin_url())
    return urlunsplit(parts._replace(path="/" + database))


@cache
def _pg_problem() -> str | None:
    try:
        import psycopg

        with psycopg.connect(pg_admin_url(), connect_timeout=5):
            return None
    except Exception as err:  # any reason the server cannot be used
        return f"{type(err).__name__}: {err}".strip()


def require_postgresql() -> str:
    """The admin URL of a PostgreSQL server that answers; else skip (fail under CI, or when
    the server was named explicitly)."""
    problem = _pg_problem()
    if problem is None:
        return pg_admin_url()
    where = pg_admin_url().split("@")[-1]
    message = f"no PostgreSQL server answers at {where} ({problem})"
    if _strict() or os.environ.get("DUTY_TEST_DATABASE_URL"):
        pytest.fail(message + "; .ci/run starts one", pytrace=False)
    pytest.skip(message)


@cache
def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def require_chromium() -> str:
    """Debian's chromium; else skip (fail under CI)."""
    path = chromium_path()
    if path is not None:
        return path
    if _strict():
        pytest.fail("no chromium installed (Debian's package chromium); .ci/run installs it",
                    pytrace=False)
    pytest.skip("no chromium installed")

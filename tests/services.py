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
from pathlib import Path
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


def _schema_digest() -> str:
    """What a store's schema depends on: the migrations of the store and of Django's apps."""
    import hashlib

    import axes
    import django
    import procrastinate

    from tests.conftest import ROOT

    digest = hashlib.sha256(
        f"{django.__version__} {axes.__version__} {procrastinate.__version__}".encode())
    for path in sorted((ROOT / "engine" / "store").glob("**/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()[:16]


@cache
def pg_template() -> str:
    """A database holding the current schema and nothing else, made once per schema (by
    whichever test process comes first; the others wait for it) and kept on the server: new
    stores are copied from it instead of running every migration again."""
    import psycopg

    from engine.store.config import StoreTarget
    from engine.store.session import _register, migrate

    name = f"duty_template_{_schema_digest()}"
    with psycopg.connect(require_postgresql(), autocommit=True) as admin:
        admin.execute("SELECT pg_advisory_lock(hashtext('duty test template'))")
        try:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                 (name,)).fetchone():
                building = name + "_building"
                admin.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{building}"')
                url = pg_url(building)
                target = StoreTarget("postgresql", url, url, Path(os.devnull),
                                     Path(os.devnull))
                alias = _register(target)
                migrate(alias)
                from django.db import connections

                connections[alias].close()
                del connections.databases[alias]
                # whole or not at all: the template takes its name once it is complete
                admin.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
        finally:
            admin.execute("SELECT pg_advisory_unlock(hashtext('duty test template'))")
    return name


@cache
def sqlite_template() -> Path:
    """A SQLite file holding the current schema and nothing else, made once per test process:
    a new store copied from it is initialised like an empty file, without running every
    migration again."""
    import atexit
    import shutil
    import sqlite3
    import tempfile

    from django.db import connections

    from engine.store.config import store_target
    from engine.store.session import _register, migrate

    folder = Path(tempfile.mkdtemp(prefix="duty-template-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "schema.db"
    alias = _register(store_target(path))
    migrate(alias)
    connections[alias].close()
    del connections.databases[alias]
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the file alone holds the schema
    finally:
        conn.close()
    return path


def pg_create(name: str, *, migrated: bool = True) -> None:
    """A new database ``name`` on the test server: a copy of the template with the current
    schema (``migrated``), or empty."""
    import psycopg

    template = f' TEMPLATE "{pg_template()}"' if migrated else ""
    with psycopg.connect(require_postgresql(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"{template}')
        # a test's commit need not wait for the server's disk: only a crash of the server
        # itself could lose it, and no test crashes the server
        admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit TO off')


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

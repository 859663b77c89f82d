"""Shared helpers for the admission workflow tests: a store on the MINI county driven through
the CLI, a fixed clock, and byte snapshots of the database files."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MINI, Run, proposal, run_cli, write_yaml
from tests.services import pg_create, pg_url, require_postgresql, sqlite_template

NOW = "2026-03-02T09:00:00+08:00"  # a Monday: hearing due 2026-03-16, review due 2026-03-23
STREETS = ["S01", "S02", "S03", "S04"]
WORKFLOW_FILE: dict[str, Any] = {"legal_review": "pending", "hearing": None, "meeting": None}


class Flow:
    """One store on the MINI county, driven through ``duty proposal``: a SQLite file
    (``tmp/duty.db``) or, with ``url``, a PostgreSQL database (its key in ``tmp``).

    A rehearsal store (the clock is fixed with ``DUTY_NOW``) with accounts: each role a test
    acts in gets an account holding it, created on first use, whose token the command is given
    (``local``: a single-user store, where the role is declared instead)."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                 url: str | None = None, local: bool = False) -> None:
        self.tmp = tmp_path
        self.db = tmp_path / "duty.db"
        self.url = url
        self.local = local
        self.run_county: Path = MINI
        self.tokens: dict[str, str] = {}
        self.monkeypatch = monkeypatch
        if url:
            monkeypatch.setenv("DUTY_DATABASE_URL", url)
            monkeypatch.setenv("DUTY_AUDIT_KEY", str(tmp_path / "duty.db.key"))
            monkeypatch.setenv("DUTY_CHECKPOINTS", str(tmp_path / "duty.db.checkpoints"))
        self.now(NOW)
        if not url:  # the schema copied in: `store init` takes it as a new store
            shutil.copyfile(sqlite_template(), self.db)
        run = run_cli("store", "init", "--county", MINI, "--db", self.db, "--rehearsal",
                      *(["--local"] if local else []))
        assert run.code == 0, run.stderr
        if not local:
            run = run_cli("user", "add", "admin", "--role", "admin", "--county", MINI,
                          "--db", self.db)
            assert run.code == 0, run.stderr
            self.tokens["admin"] = run.stdout.splitlines()[-1]

    def token(self, role: str) -> str:
        """The token of the account acting in ``role`` (made on first use)."""
        if role not in self.tokens:
            name = "u-" + role.replace(":", "-")
            self.monkeypatch.setenv("DUTY_TOKEN", self.tokens["admin"])
            run = run_cli("user", "add", name, "--role", role, "--token", "--county", MINI,
                          "--db", self.db)
            assert run.code == 0, run.stderr
            self.tokens[role] = run.stdout.splitlines()[-1]
        return self.tokens[role]

    def env(self, actor: str | None) -> dict[str, str]:
        """The environment a command of ``actor`` runs with (its token, in an account
        store; without an actor: the county office's, which reads every proposal)."""
        if self.local:
            return {}
        known = actor is not None and self._known_role(actor)
        return {"DUTY_TOKEN": self.token(actor if known and actor else "office")}

    @staticmethod
    def _known_role(actor: str) -> bool:
        kind, _, ident = actor.partition(":")
        ids = {"department": ("fire_rescue", "civil_affairs", "market_regulation",
                              "urban_management", "statistics"),
               "street": tuple(STREETS)}
        return (kind in ("office", "justice", "county", "admin") and not ident) or \
            ident in ids.get(kind, ()) or (kind in ("city", "province") and ident.isdigit())
    # -- environment -------------------------------------------------------------------------
    def now(self, when: str) -> None:
        """Fix the clock for the commands that follow (``DUTY_NOW``)."""
        self.monkeypatch.setenv("DUTY_NOW", when if "T" in when else f"{when}T09:00:00+08:00")

    # -- commands ----------------------------------------------------------------------------
    def run(self, *args: str | Path, actor: str | None = None) -> Run:
        extra: list[str | Path] = ["--county", self.run_county, "--db", self.db]
        if actor is not None:
            extra += ["--as", actor]
        env = self.env(actor)
        if env:
            self.monkeypatch.setenv("DUTY_TOKEN", env["DUTY_TOKEN"])
        return run_cli("proposal", *args, *extra)

    def ok(self, *args: str | Path, actor: str | None = None) -> Run:
        run = self.run(*args, actor=actor)
        assert run.code == 0, (args, run.stdout, run.stderr)
        return run

    def file(self, **changes: Any) -> Path:
        """A proposal file as a department submits it: no procedural facts filled in."""
        data = proposal(**{**WORKFLOW_FILE, **changes})
        return write_yaml(self.tmp / "proposals" / f"{data['id']}.yaml", data)

    def submit(self, **changes: Any) -> str:
        data = proposal(**{**WORKFLOW_FILE, **changes})
        path = write_yaml(self.tmp / "proposals" / f"{data['id']}.yaml", data)
        self.ok("submit", path, actor=f"department:{data['department']}")
        return str(data["id"])

    def review(self, pid: str) -> Run:
        return self.ok("review", pid, actor="office")

    def legal(self, pid: str) -> Run:
        return self.ok("legal", pid, "--passed", actor="justice")

    def hear(self, pid: str, street: str, opinion: str = "agree") -> Run:
        return self.ok("hear", pid, "--street", street, "--opinion", opinion,
                       actor=f"street:{street}")

    def decide(self, pid: str, *how: str) -> Run:
        return self.ok("decide", pid, *how, actor="county")

    def publish(self, *pids: str) -> Run:
        return self.ok("publish", *pids, actor="office")

    def to_hearing(self, **changes: Any) -> str:
        pid = self.submit(**changes)
        self.review(pid)
        self.legal(pid)
        return pid

    def to_deliberation(self, opinions: dict[str, str] | None = None, **changes: Any) -> str:
        pid = self.to_hearing(**changes)
        for street in self.show(pid)["streets"]:
            self.hear(pid, street, (opinions or {}).get(street, "agree"))
        assert self.state(pid) == "deliberation"
        return pid

    def to_admitted(self, **changes: Any) -> str:
        pid = self.to_deliberation(**changes)
        self.decide(pid, "--meeting", "区委常委会2026年第12次", "--admit")
        return pid

    # -- reading -----------------------------------------------------------------------------
    def show(self, pid: str) -> dict[str, Any]:
        run = self.ok("show", pid, "--format", "json")
        data: dict[str, Any] = json.loads(run.stdout)
        return data

    def state(self, pid: str) -> str:
        return str(self.show(pid)["state"])

    def history(self, pid: str) -> list[dict[str, Any]]:
        data: list[dict[str, Any]] = json.loads(self.ok("history", pid, "--format", "json").stdout)
        return data

    @property
    def target_name(self) -> str:
        """How commands name the store."""
        return "postgresql://" + self.url.split("@")[-1] if self.url else str(self.db)

    @property
    def engine(self) -> str:
        return "postgresql" if self.url else "sqlite"

    def sql(self, query: str, *args: Any) -> list[tuple[Any, ...]]:
        """Run SQL on the store directly (``?`` placeholders), as someone with access to the
        database but not to the audit key could (SQLite's foreign keys are off unless a
        connection turns them on; PostgreSQL's are set aside, as its owner can)."""
        if self.url:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as pg:
                # whoever owns the database is not stopped by its foreign keys
                pg.execute("SET session_replication_role = replica")
                cur = pg.execute(query.replace("?", "%s"), args)  # type: ignore[arg-type]
                return [tuple(r) for r in cur.fetchall()] if cur.description else []
        conn = sqlite3.connect(self.db)
        try:
            rows = list(conn.execute(query, args).fetchall())
            conn.commit()
            return rows
        finally:
            conn.close()

    @staticmethod
    def json(raw: Any) -> Any:
        """A JSON column as read by ``sql``: text on SQLite, decoded on PostgreSQL."""
        return json.loads(raw) if isinstance(raw, (str, bytes)) else raw

    @staticmethod
    def time(raw: Any) -> str:
        """A date-time column as read by ``sql`` (SQLite: Django's UTC text; PostgreSQL: an
        aware datetime) as the record states it: ISO 8601 in China time."""
        from engine.times import time_text

        when = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
        return time_text(when if when.tzinfo else when.replace(tzinfo=timezone.utc))

    def entries(self) -> list[dict[str, Any]]:
        """The audit entries' MAC'd fields, by ``sql``, serialised as the record commits to
        them (as someone holding a key would compute MACs)."""
        from engine.store.audit import ENTRY_FIELDS, canonical

        out = []
        for row in self.sql(f"SELECT {', '.join(ENTRY_FIELDS)} FROM duty_audit ORDER BY seq"):
            values = dict(zip(ENTRY_FIELDS, row, strict=True))
            values["at"], values["detail"] = (self.time(values["at"]),
                                              canonical(self.json(values["detail"])))
            out.append(values)
        return out

    def snapshot(self) -> dict[str, bytes]:
        """The store as bytes: the SQLite files, or every table of the PostgreSQL database;
        with the key and checkpoint files."""
        if not self.url:
            return snapshot(self.db)
        import psycopg

        out = snapshot(self.db)  # the key and checkpoint files
        with psycopg.connect(self.url, autocommit=True) as pg:
            tables = [r[0] for r in pg.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "ORDER BY tablename").fetchall()]
            for table in tables:
                rows = sorted(repr(tuple(r)) for r in pg.execute(f'SELECT * FROM "{table}"'))
                out[f"table:{table}"] = "\n".join(rows).encode("utf-8")
        return out


class Wording:
    """The wording of each refusal a test provokes, checked once in a golden file
    (``errors/<module>/<test>-<n>.txt``, the same for SQLite and PostgreSQL); the tests
    themselves check the exit code, the error code and the values the message names."""

    def __init__(self) -> None:
        self.check: Any = None
        self.name, self.count = "", 0

    def start(self, check: Any, module: str, test: str) -> None:
        self.check, self.name, self.count = check, f"{module}/{test}", 0

    def __call__(self, flow: Flow, stderr: str) -> None:
        self.count += 1
        text = stderr.replace(flow.target_name, "<store>").replace(str(flow.db), "<store>")
        self.check(f"errors/{self.name}-{self.count}.txt", text)


WORDING = Wording()


@pytest.fixture(autouse=True)
def _wording(golden: Any, request: pytest.FixtureRequest) -> None:
    module = request.node.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    WORDING.start(golden, f"workflow_{module}", request.node.originalname.removeprefix("test_"))


CLOCK_TIME = datetime.fromisoformat(NOW)


def _clock() -> Any:
    from engine.workflow.roles import Clock

    return Clock(CLOCK_TIME, fixed=True)


CLOCK = _clock()


def actor(role: str) -> Any:
    """An actor of a local store, in ``role``."""
    from engine.models.county import County  # noqa: F401  (the role names county ids)
    from engine.workflow.names import RoleKind
    from engine.workflow.roles import Actor, Role

    kind, _, ident = role.partition(":")
    return Actor("tester", Role(RoleKind(kind), ident or None), local=True)


@contextmanager
def service(flow: Flow) -> Iterator[Any]:
    """The admission service on the flow's store (closed afterwards)."""
    from engine.api import workflow
    from engine.store.config import store_target

    with workflow(MINI, store_target(flow.db)) as wf:
        yield wf


def snapshot(db: Path) -> dict[str, bytes]:
    """The bytes of the database and of its -wal / -shm companions, by file name."""
    out = {}
    for path in sorted(db.parent.glob(db.name + "*")):
        out[path.name] = path.read_bytes()
    return out


def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DUTY_DB", "DUTY_ACTOR", "DUTY_COUNTY", "DUTY_FAULT_PAUSE", "DUTY_TOKEN",
                 "DUTY_DATABASE_URL", "DUTY_AUDIT_KEY", "DUTY_CHECKPOINTS", "DUTY_STORE_COUNTY"):
        monkeypatch.delenv(name, raising=False)
    for name in ("USER", "LOGNAME"):  # the system user local stores record
        monkeypatch.setenv(name, "tester")


@contextmanager
def pg_database(*, migrated: bool = True) -> Iterator[str]:
    """A new PostgreSQL database for one test, dropped afterwards: with the current schema and
    no data (``migrated``; a store is initialised in it as in an empty one), or empty."""
    import uuid

    import psycopg

    admin_url = require_postgresql()
    name = f"duty_test_{uuid.uuid4().hex[:12]}"
    pg_create(name, migrated=migrated)
    try:
        yield pg_url(name)
    finally:
        from django.db import connections

        for conn in connections.all(initialized_only=True):
            conn.close()
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql":
        require_postgresql()
    return str(request.param)


@pytest.fixture
def flow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str) -> Iterator[Flow]:
    _clean_environment(monkeypatch)
    if engine == "postgresql":
        with pg_database() as url:
            yield Flow(tmp_path, monkeypatch, url)
    else:
        yield Flow(tmp_path, monkeypatch)


@pytest.fixture
def local_flow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flow:
    """A single-user SQLite rehearsal store: roles are declared with ``--as``."""
    _clean_environment(monkeypatch)
    return Flow(tmp_path, monkeypatch, local=True)


__all__ = [
    "CLOCK",
    "MINI",
    "NOW",
    "STREETS",
    "WORKFLOW_FILE",
    "Flow",
    "actor",
    "flow",
    "local_flow",
    "service",
    "snapshot",
]

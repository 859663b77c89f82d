"""Shared helpers for the admission workflow tests: a store on the MINI county driven through
the CLI, a fixed clock, and byte snapshots of the database files."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MINI, Run, proposal, run_cli, write_yaml

NOW = "2026-03-02T09:00:00+08:00"  # a Monday: hearing due 2026-03-16, review due 2026-03-23
STREETS = ["S01", "S02", "S03", "S04"]
WORKFLOW_FILE: dict[str, Any] = {"legal_review": "pending", "hearing": None, "meeting": None}


class Flow:
    """One store (``tmp/duty.db``) on the MINI county, driven through ``duty proposal``."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tmp = tmp_path
        self.db = tmp_path / "duty.db"
        self.monkeypatch = monkeypatch
        self.now(NOW)
        run = run_cli("store", "init", "--county", MINI, "--db", self.db, "--local",
                      "--rehearsal")
        assert run.code == 0, run.stderr

    # -- environment -------------------------------------------------------------------------
    def now(self, when: str) -> None:
        """Fix the clock for the commands that follow (``DUTY_NOW``)."""
        self.monkeypatch.setenv("DUTY_NOW", when if "T" in when else f"{when}T09:00:00+08:00")

    # -- commands ----------------------------------------------------------------------------
    def run(self, *args: str | Path, actor: str | None = None) -> Run:
        extra: list[str | Path] = ["--county", MINI, "--db", self.db]
        if actor is not None:
            extra += ["--as", actor]
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

    def sql(self, query: str, *args: Any) -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(self.db)
        try:
            rows = list(conn.execute(query, args).fetchall())
            conn.commit()
            return rows
        finally:
            conn.close()

    def snapshot(self) -> dict[str, bytes]:
        return snapshot(self.db)


CLOCK_TIME = datetime.fromisoformat(NOW)


def _clock() -> Any:
    from engine.workflow.roles import Clock

    return Clock(CLOCK_TIME, fixed=True)


CLOCK = _clock()


def actor(role: str) -> Any:
    """An actor of a local store, in ``role``."""
    from engine.models.county import County  # noqa: F401  (the role names county ids)
    from engine.workflow.roles import Actor, Role
    from engine.workflow.names import RoleKind

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


@pytest.fixture
def flow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flow]:
    for name in ("DUTY_DB", "DUTY_ACTOR", "DUTY_COUNTY", "DUTY_FAULT_PAUSE", "DUTY_TOKEN",
                 "DUTY_DATABASE_URL", "DUTY_AUDIT_KEY", "DUTY_CHECKPOINTS"):
        monkeypatch.delenv(name, raising=False)
    for name in ("USER", "LOGNAME"):  # the system user local stores record
        monkeypatch.setenv(name, "tester")
    yield Flow(tmp_path, monkeypatch)


__all__ = ["CLOCK", "MINI", "NOW", "STREETS", "WORKFLOW_FILE", "Flow", "actor", "flow",
           "service", "snapshot"]

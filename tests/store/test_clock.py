"""The clock: ``DUTY_NOW`` is honoured only by a store created for rehearsal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MINI, run_cli


@pytest.fixture
def clean(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DUTY_DB", "DUTY_NOW", "DUTY_TOKEN", "DUTY_DATABASE_URL", "DUTY_AUDIT_KEY",
                 "DUTY_CHECKPOINTS", "DUTY_ACTOR"):
        monkeypatch.delenv(name, raising=False)


def test_duty_now_refused_outside_rehearsal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            clean: None, golden: Any) -> None:
    db = tmp_path / "duty.db"
    monkeypatch.setenv("DUTY_NOW", "2026-03-02T09:00:00+08:00")
    run = run_cli("store", "init", "--county", MINI, "--db", db)
    assert run.code == 1 and "[E-STORE]" in run.stderr and "DUTY_NOW" in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    golden("errors/store_clock/duty-now-at-init.txt", run.stderr)
    monkeypatch.delenv("DUTY_NOW")
    assert run_cli("store", "init", "--county", MINI, "--db", db, "--local").code == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    monkeypatch.setenv("DUTY_NOW", "2026-03-02T09:00:00+08:00")
    run = run_cli("proposal", "submit", "duties/proposals/01-ebike-charging-coordination.yaml",
                  "--county", MINI, "--db", db, "--as", "department:urban_management")
    assert run.code == 2 and "[E-USAGE]" in run.stderr and "DUTY_NOW" in run.stderr
    golden("errors/store_clock/duty-now-outside-rehearsal.txt", run.stderr)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_bad_duty_now_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       clean: None, golden: Any) -> None:
    monkeypatch.setenv("DUTY_NOW", "yesterday")
    run = run_cli("store", "init", "--county", MINI, "--db", tmp_path / "duty.db",
                  "--rehearsal")
    assert run.code == 2 and "[E-USAGE]" in run.stderr
    assert "DUTY_NOW" in run.stderr and "“yesterday”" in run.stderr
    golden("errors/store_clock/bad-duty-now.txt", run.stderr)
    assert list(tmp_path.iterdir()) == []


def test_the_real_clock_is_recorded(tmp_path: Path, clean: None) -> None:
    import json
    from datetime import datetime, timedelta, timezone

    db = tmp_path / "duty.db"
    assert run_cli("store", "init", "--county", MINI, "--db", db, "--local").code == 0
    run = run_cli("proposal", "submit", "duties/proposals/01-ebike-charging-coordination.yaml",
                  "--db", db, "--county", MINI, "--as", "department:urban_management",
                  "--format", "json")
    assert run.code in (0, 1)
    run = run_cli("audit", "verify", "--db", db, "--format", "json")
    assert json.loads(run.stdout)["intact"]
    import sqlite3

    conn = sqlite3.connect(db)
    (at, clock), = conn.execute("SELECT at, clock FROM duty_audit WHERE seq = 1").fetchall()
    conn.close()
    assert clock == "real"
    stored = datetime.fromisoformat(at).replace(tzinfo=timezone.utc)  # Django's UTC text
    assert abs(stored - datetime.now().astimezone()) < timedelta(minutes=5)

"""Background jobs: publishing and every list for download, queued on Procrastinate on
PostgreSQL (run by `duty worker`) and run inline on SQLite, on the same code path. Asking is
checked as the step is; a worker killed with SIGKILL mid-publication leaves no half version,
its job runs again after a restart and never publishes twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.errors import ForbiddenError, NotFoundError, StoreError
from tests.conftest import MINI, ROOT, Run, run_cli
from tests.workflow.conftest import Flow, _clean_environment, pg_database

PATIENCE_S = 300  # a loaded machine is slow; only a hang fails


def job(flow: Flow, *args: str, actor: str = "office") -> Run:
    env = flow.env(actor)
    if env:
        flow.monkeypatch.setenv("DUTY_TOKEN", env["DUTY_TOKEN"])
    return run_cli("job", *args, "--county", MINI, "--db", flow.db, "--as", actor)


def job_json(flow: Flow, *args: str, actor: str = "office") -> dict[str, Any]:
    run = job(flow, *args, "--format", "json", actor=actor)
    assert run.code == 0, run.stderr
    data: dict[str, Any] = json.loads(run.stdout)
    return data


def versions(flow: Flow) -> list[int]:
    return [r[0] for r in flow.sql("SELECT number FROM duty_version ORDER BY number")]


def audit_ok(flow: Flow) -> None:
    run = run_cli("audit", "verify", "--db", flow.db)
    assert run.code == 0, run.stdout + run.stderr


def worker_env(flow: Flow, **extra: str) -> dict[str, str]:
    """A worker's environment: the store and the county, no token."""
    environ = {k: v for k, v in os.environ.items()
               if k not in ("DUTY_TOKEN", "DUTY_FAULT_PAUSE", "DUTY_DB")}
    return {**environ, "DUTY_COUNTY": str(MINI), **extra}


def worker(flow: Flow, *args: str, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "engine.cli", "worker", *args], cwd=ROOT,
                            env=worker_env(flow, **extra), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for(check: Any, what: str, proc: subprocess.Popen[str] | None = None) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while not check():
        if proc is not None and proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"worker ended before {what} (exit {proc.returncode}): {out}{err}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {PATIENCE_S} s")
        time.sleep(0.1)


def stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_a_publication_job_publishes_once(flow: Flow) -> None:
    pid = flow.to_admitted()
    asked = job_json(flow, "publish", pid)
    if flow.engine == "sqlite":  # inline: done when the command returns
        assert (asked["state"], asked["result"]["version"]) == ("done", 1)
    else:
        assert asked["state"] == "queued" and asked["attempts"] == 0
        queued = flow.sql("SELECT args FROM procrastinate_jobs")
        assert [flow.json(a)["job"] for (a,) in queued] == [asked["id"]]  # no secret in it
        assert set(flow.json(queued[0][0])) == {"job", "county"}
        run = subprocess.run([sys.executable, "-m", "engine.cli", "worker", "--burst"],
                             cwd=ROOT, env=worker_env(flow), capture_output=True, text=True,
                             timeout=PATIENCE_S)
        assert run.returncode == 0, run.stderr
    shown = job_json(flow, "show", str(asked["id"]))
    assert (shown["state"], shown["attempts"], shown["result"]["version"]) == ("done", 1, 1)
    assert flow.state(pid) == "published" and versions(flow) == [0, 1]
    listed = job_json(flow, "list")
    assert [j["id"] for j in listed] == [asked["id"]]  # type: ignore[index]
    text = job(flow, "show", str(asked["id"])).stdout
    assert "已完成" in text and "第 1 版" in text
    audit_ok(flow)


def test_a_job_the_account_may_not_ask_for_is_refused_and_nothing_is_queued(
        flow: Flow) -> None:
    pid = flow.to_admitted()
    for actor, args in (("department:fire_rescue", ("publish", pid)),
                        ("street:S01", ("lists",))):
        run = job(flow, *args, actor=actor)
        assert run.code == ForbiddenError.exit_code, run.stderr
        assert "[E-FORBIDDEN]" in run.stderr and "Traceback" not in run.stderr
    not_yet = flow.to_deliberation(id="P-2026-901")  # the state refuses it, as the step does
    run = job(flow, "publish", not_yet)
    assert run.code != 0 and "publish" in run.stderr
    assert flow.sql("SELECT count(*) FROM duty_job") == [(0,)]
    if flow.engine == "postgresql":
        assert flow.sql("SELECT count(*) FROM procrastinate_jobs") == [(0,)]
    assert flow.state(pid) == "admitted" and versions(flow) == [0]


def test_an_unknown_job_is_not_found(flow: Flow) -> None:
    run = job(flow, "show", "42")
    assert run.code == NotFoundError.exit_code
    assert "没有编号为 42 的任务" in run.stderr and "Traceback" not in run.stderr
    flow.ok("list", actor="office")


def test_a_job_is_not_shown_to_another_account(flow: Flow) -> None:
    pid = flow.to_admitted()
    asked = job_json(flow, "publish", pid)
    run = job(flow, "show", str(asked["id"]), actor="street:S01")
    assert run.code == NotFoundError.exit_code  # as one that does not exist
    assert job_json(flow, "list", actor="street:S01") == []  # type: ignore[comparison-overlap]


def test_every_list_for_download(flow: Flow) -> None:
    flow.publish(flow.to_admitted())
    asked = job_json(flow, "lists", "--files", "csv")
    if flow.engine == "postgresql":
        run = subprocess.run([sys.executable, "-m", "engine.cli", "worker", "--burst"],
                             cwd=ROOT, env=worker_env(flow), capture_output=True, text=True,
                             timeout=PATIENCE_S)
        assert run.returncode == 0, run.stderr
    done = job_json(flow, "show", str(asked["id"]))
    assert done["state"] == "done", done
    result = done["result"]
    assert result["version"] == 1 and result["file"] == "清单-第1版-csv.zip"
    archive = Path(f"{flow.db}.jobs") if flow.engine == "sqlite" else \
        Path(os.environ["DUTY_AUDIT_KEY"]).parent / "jobs"
    with zipfile.ZipFile(archive / str(asked["id"]) / result["file"]) as z:
        names = z.namelist()
    assert "streets/S01.csv" in names and len(names) == result["files"]
    bad = job(flow, "lists", "--files", "pdf")
    assert bad.code == 2 and "pdf" in bad.stderr


def test_a_worker_without_a_store_says_so(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUTY_DATABASE_URL", raising=False)
    run = run_cli("worker", "--burst")
    assert run.code == StoreError.exit_code
    assert "DUTY_DATABASE_URL" in run.stderr and "Traceback" not in run.stderr


@pytest.fixture
def pg_flow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flow]:
    """A store on PostgreSQL alone: the queue lives there."""
    _clean_environment(monkeypatch)
    with pg_database() as url:
        yield Flow(tmp_path, monkeypatch, url)


@pytest.mark.parametrize("point", ["before-commit", "job-ran"])
def test_a_worker_killed_mid_publication(pg_flow: Flow, point: str) -> None:
    """SIGKILL at the publication's COMMIT (nothing written) or just after it (the version
    committed, the job not marked done): a second worker takes the job up again once the
    first stops sending its heartbeat, and exactly one version is published."""
    flow = pg_flow
    pid = flow.to_admitted()
    asked = job_json(flow, "publish", pid)
    marker = flow.tmp / "paused"
    first = worker(flow, "--stalled-after", "2", DUTY_FAULT_PAUSE=f"{point}:{marker}")
    try:
        wait_for(marker.exists, f"the worker at {point}", first)
        time.sleep(0.1)
        os.kill(int(marker.read_text(encoding="utf-8")), signal.SIGKILL)
        assert first.wait(timeout=60) == -signal.SIGKILL
    finally:
        stop(first)
    assert versions(flow) == ([0] if point == "before-commit" else [0, 1])
    assert job_json(flow, "show", str(asked["id"]))["state"] == "running"
    second = worker(flow, "--stalled-after", "2")
    try:
        wait_for(lambda: job_json(flow, "show", str(asked["id"]))["state"] == "done",
                 "job done after the restart", second)
    finally:
        stop(second)
    shown = job_json(flow, "show", str(asked["id"]))
    assert shown["attempts"] == 2 and shown["result"]["version"] == 1
    assert versions(flow) == [0, 1] and flow.state(pid) == "published"
    published = flow.sql("SELECT count(*) FROM duty_audit WHERE action = 'publish'")
    assert published == [(1,)]
    audit_ok(flow)


def test_the_queue_lives_on_postgresql_alone(flow: Flow) -> None:
    """Procrastinate's migrations make its tables on PostgreSQL; a SQLite store records them
    as applied and holds only the jobs' rows."""
    if flow.engine == "postgresql":
        tables = {r[0] for r in flow.sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    else:
        tables = {r[0] for r in flow.sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "duty_job" in tables
    assert ("procrastinate_jobs" in tables) == (flow.engine == "postgresql")
    applied = flow.sql("SELECT count(*) FROM django_migrations WHERE app = 'procrastinate'")
    assert applied[0][0] > 0  # the store is current on both: nothing left to migrate
    assert run_cli("store", "migrate", "--db", flow.db).code == 0

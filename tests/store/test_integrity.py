"""Verify means something: entry times are read under the write lock (commands that wait for
each other never look like a clock going backwards), SQLite's integrity check is part of
``verify``, and no command writes to a file SQLite calls malformed."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import MINI, ROOT, run_cli
from tests.store.test_verify import verify
from tests.workflow.conftest import Flow, actor, service


def test_a_time_read_before_the_lock_does_not_go_backwards(local_flow: Flow) -> None:
    """A command read the clock, then waited while another wrote: its entry takes the time
    the lock was taken."""
    from engine.loading.proposal import load_proposal
    from engine.workflow.roles import Clock

    early = Clock.real()
    time.sleep(1.2)
    department = actor("department:fire_rescue")
    with service(local_flow) as wf:
        wf.submit(department, Clock.real(), load_proposal(local_flow.file(id="P-T-201")))
        wf.submit(department, early, load_proposal(local_flow.file(id="P-T-202")))
    code, report = verify(local_flow)
    assert (code, report["problems"]) == (0, [])


WRITERS = 50
PATIENCE_S = 900  # a hang, not a speed: fifty processes queue for one lock on a busy machine


def test_fifty_concurrent_writers_then_verify_finds_nothing(flow: Flow) -> None:
    """Fifty processes on the real clock, each submitting a proposal through the service
    (a signed draft and submit entry each), released together once all are loaded, each
    waiting its turn for the write lock: then ``verify`` finds no problem (no clock going
    backwards, no gap, nothing lost), on SQLite and on PostgreSQL."""
    files = [flow.file(id=f"P-C-{i:03d}") for i in range(WRITERS)]
    env = {k: v for k, v in os.environ.items() if k not in ("DUTY_NOW", "DUTY_DB")}
    env.update(flow.env("department:fire_rescue"))
    go, ready = flow.tmp / "go", flow.tmp / "ready"
    ready.mkdir()
    script = ("import os, sys, time\n"
              "import engine.store.config as c\n"
              f"c.SQLITE_TIMEOUT_S = {PATIENCE_S}\n"
              "from engine.cli import main\n"
              "open(os.path.join(sys.argv[2], str(os.getpid())), 'w').close()\n"
              "while not os.path.exists(sys.argv[1]): time.sleep(0.01)\n"
              "sys.argv = ['duty', *sys.argv[3:]]\n"
              "main()\n")
    procs = [subprocess.Popen(
        [sys.executable, "-c", script, str(go), str(ready), "proposal", "submit", str(path),
         "--county", str(MINI), "--db", str(flow.db), "--as", "department:fire_rescue"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for path in files]
    try:
        deadline = time.monotonic() + PATIENCE_S
        while len(list(ready.iterdir())) < WRITERS and time.monotonic() < deadline:
            assert all(p.poll() is None for p in procs), [p.communicate() for p in procs
                                                           if p.poll() is not None]
            time.sleep(0.1)
        go.write_text("", encoding="utf-8")  # all loaded: released together
        results = [p.communicate(timeout=max(1.0, deadline - time.monotonic()))
                   for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    assert [p.returncode for p in procs] == [0] * WRITERS, results
    submitted = flow.sql("SELECT COUNT(*) FROM duty_audit WHERE action = 'submit'")
    assert submitted == [(WRITERS,)]
    code, report = verify(flow)
    assert (code, report["problems"], report["warnings"]) == (0, [], [])
    assert report["entries"] >= 2 * WRITERS + 1


def _corrupt_an_index(db: Path) -> None:
    """Garbage over the page of one index, the WAL folded in first: the file still opens,
    the tables read, but SQLite's own check calls it malformed."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE type = 'index' AND "
                               "tbl_name = 'duty_opinion' LIMIT 1").fetchone()
    finally:
        conn.close()
    with open(db, "r+b") as f:  # a leaf index page claiming 200 cells at random places
        f.seek((root - 1) * page_size)
        f.write(bytes([0x0A, 0, 0, 0, 200, 0, 0, 0]) + bytes(range(7, 255)) * 2)


def test_a_malformed_file_is_named_by_verify_and_refused_for_writing(
        local_flow: Flow) -> None:
    _corrupt_an_index(local_flow.db)
    run = run_cli("audit", "verify", "--db", local_flow.db, "--format", "json")
    assert run.code == 1 and "Traceback" not in run.stderr
    if run.stdout:  # the report: the check's findings are among its problems
        kinds = {p["kind"] for p in json.loads(run.stdout)["problems"]}
        assert "integrity" in kinds
    else:
        assert "E-STORE" in run.stderr
    before = local_flow.db.read_bytes()
    run = local_flow.run("submit", local_flow.file(id="P-T-301"),
                         actor="department:fire_rescue")
    assert run.code == 1 and "E-STORE" in run.stderr and "Traceback" not in run.stderr
    assert "备份" in run.stderr
    assert local_flow.db.read_bytes() == before

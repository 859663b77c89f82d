"""Verify means something: entry times are read under the write lock (commands that wait for
each other never look like a clock going backwards), SQLite's integrity check is part of
``verify``, and no command writes to a file SQLite calls malformed. (Fifty processes writing
at once, then ``verify``: ``tests/workflow/test_concurrency.py``.)"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

from tests.conftest import run_cli
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
        local_flow: Flow, golden: Any) -> None:
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
    assert str(local_flow.db) in run.stderr
    # SQLite's own words on the damage depend on its version: not part of the golden text
    golden("errors/store_integrity/malformed-store-refused-for-writing.txt",
           re.sub(r"（SQLite：.*?）", "（SQLite：<detail>）", run.stderr, flags=re.S))
    assert local_flow.db.read_bytes() == before

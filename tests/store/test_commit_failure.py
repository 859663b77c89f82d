"""A disk that fills up, or a device that fails, while the store commits a command: the
command is reported in Chinese with exit code 1 and no traceback, the store keeps what it
held before (byte for byte on SQLite, row for row on PostgreSQL), `duty audit verify` finds
it intact, and the same command succeeds once the disk is back."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli
from tests.workflow.conftest import Flow


def _verify(flow: Flow) -> dict[str, object]:
    run = run_cli("audit", "verify", "--db", flow.db, "--format", "json")
    assert run.code == 0 and "Traceback" not in run.stderr, run.stderr
    report: dict[str, object] = json.loads(run.stdout)
    assert report["intact"] is True and report["problems"] == []
    return report


@pytest.mark.parametrize("kind", ["disk-full", "io"])
def test_failed_commit_leaves_the_store_as_it_was(flow: Flow, kind: str) -> None:
    pid = flow.to_admitted()
    head = _verify(flow)["head"]
    before = flow.snapshot()
    flow.monkeypatch.setenv("DUTY_FAULT_FAIL", f"commit:{kind}")
    run = flow.run("publish", pid, actor="office")
    flow.monkeypatch.delenv("DUTY_FAULT_FAIL")
    assert run.code == 1, (run.stdout, run.stderr)
    assert "[E-STORE]" in run.stderr
    assert "Traceback" not in run.stderr and run.stdout == ""
    assert flow.snapshot() == before  # nothing reached the database, nor the checkpoints
    assert _verify(flow)["head"] == head
    assert flow.state(pid) == "admitted"
    flow.publish(pid)  # the disk is back: the same command goes through
    assert flow.show(pid)["published_in"] == 1
    _verify(flow)


def test_the_error_names_the_failure(flow: Flow) -> None:
    from engine.errors import StoreError
    from engine.store.config import store_target
    from engine.store.session import store_error

    target = store_target(flow.db)
    for text, reason in (("database or disk is full", "disk-full"),
                         ("could not extend file: No space left on device", "disk-full"),
                         ("disk I/O error", "io"),
                         ("could not write to file: Input/output error", "io")):
        error = store_error(target, Exception(text))
        assert isinstance(error, StoreError) and error.reason == reason


def test_checkpoint_that_cannot_be_written_after_commit(flow: Flow) -> None:
    """The database committed, then the checkpoint file could not grow (``/dev/full``): the
    command says it was saved and must not be repeated (exit code 1, no traceback); the store
    verifies, and the next write adds its head to the checkpoint file."""
    from engine.store.keys import read_checkpoints

    pid = flow.to_admitted()
    checkpoints = flow.tmp / "duty.db.checkpoints"
    heads = read_checkpoints(checkpoints)
    flow.monkeypatch.setenv("DUTY_CHECKPOINTS", "/dev/full")
    run = flow.run("publish", pid, actor="office")
    flow.monkeypatch.setenv("DUTY_CHECKPOINTS", str(checkpoints))
    assert run.code == 1 and "[E-STORE]" in run.stderr and "Traceback" not in run.stderr
    assert flow.state(pid) == "published"
    assert read_checkpoints(checkpoints) == heads  # one head behind
    _verify(flow)
    flow.submit(id="P-T-101")
    assert read_checkpoints(checkpoints)[-1][0] > heads[-1][0]
    _verify(flow)

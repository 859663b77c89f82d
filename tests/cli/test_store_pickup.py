"""A store is used only when it is named: a ``duty.db`` left in the working directory (by the
README's walkthrough, say) changes nothing for the commands that can work without a store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

PROPOSAL = ROOT / "duties" / "proposals" / "01-ebike-charging-coordination.yaml"
NOTE = "依据：数据库"


@pytest.fixture
def leftover(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("DUTY_DB", "DUTY_DATABASE_URL", "DUTY_AUDIT_KEY", "DUTY_CHECKPOINTS",
                 "DUTY_COUNTY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    run = run_cli("store", "init", "--rehearsal", "--local")  # the default name, duty.db
    assert run.code == 0, run.stderr
    assert (tmp_path / "duty.db").is_file()
    return tmp_path / "duty.db"


@pytest.mark.parametrize("args", [
    ("evaluate", str(PROPOSAL), "--format", "json"),
    ("lists", "build", "--street", "S01", "--format", "json"),
    ("check",),
])
def test_a_store_left_behind_is_not_read(leftover: Path, args: tuple[str, ...],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    unnamed = run_cli(*args)
    assert unnamed.code == 0, unnamed.stderr
    assert NOTE not in unnamed.stderr
    monkeypatch.setenv("DUTY_DB", str(leftover))  # named: now it is the source
    named = run_cli(*args)
    assert named.code == 0, named.stderr
    assert NOTE in named.stderr
    assert _content(named.stdout) == _content(unnamed.stdout)  # version 0: the county as is


def _content(stdout: str) -> object:
    """What a command says, without the source line naming a published version."""
    if not stdout.startswith("{"):
        return stdout
    data = json.loads(stdout)
    data.pop("source", None)
    return data

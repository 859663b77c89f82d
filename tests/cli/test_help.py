"""Help text on every command, and a fast `duty --help` (heavy modules load lazily)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import run_cli


def test_cli_module_does_not_import_heavy_modules() -> None:
    code = ("import sys, engine.cli; "
            "print(sorted(m for m in ('durable', 'networkx', 'pydantic', 'yaml') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


COMMANDS = [[], ["evaluate"], ["graph"], ["check"], ["lists"], ["lists", "build"]]


@pytest.mark.parametrize("command", COMMANDS)
def test_help(command: list[str]) -> None:
    run = run_cli(*command, "--help")
    assert run.code == 0
    assert "Usage:" in run.stdout
    for line in run.stdout.splitlines():
        if line.strip().startswith("--") and "--help" not in line:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in line), line  # Chinese help text


def test_version() -> None:
    run = run_cli("--version")
    assert run.code == 0 and run.stdout.startswith("duty ")

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


def _commands() -> list[list[str]]:
    """Every command and group of the CLI, found by walking the command tree."""
    import typer

    from engine.cli import app

    out: list[list[str]] = []

    def walk(cmd: object, path: list[str]) -> None:
        out.append(path)
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return out


COMMANDS = _commands()


def test_every_command_is_walked() -> None:
    assert ["proposal", "decide"] in COMMANDS and ["scenario", "run"] in COMMANDS
    assert ["audit", "verify"] in COMMANDS and len(COMMANDS) >= 22


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "duty")
def test_help(command: list[str]) -> None:
    run = run_cli(*command, "--help")
    assert run.code == 0
    assert run.stdout.startswith("用法：duty")
    for english in ("Usage", "Options:", "Arguments:", "Commands:", "Show this message",
                    "default:", "env var"):
        assert english not in run.stdout
    options: list[str] = []  # each option with its (possibly wrapped) help text
    for line in run.stdout.split("选项：")[-1].splitlines():
        if line.strip().startswith("-"):
            options.append(line)
        elif options and line.startswith(" "):
            options[-1] += line
    assert options
    for option in options:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in option), option  # Chinese help


def test_version() -> None:
    run = run_cli("--version")
    assert run.code == 0 and run.stdout.startswith("duty ")

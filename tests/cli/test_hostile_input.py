"""Hostile files through the CLI, each in a child process: the message, the exit code, no
traceback, and the child's peak memory for the bombs and floods."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINI, ROOT, proposal, write_yaml
from tests.loading.test_yamlio_limits import laughs

PEAK_MB = 200

# A wrapper whose only child is the CLI, so RUSAGE_CHILDREN is the CLI's own peak.
_WRAPPER = """
import json, resource, subprocess, sys
r = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=120)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(json.dumps([r.returncode, r.stdout, r.stderr, peak]))
"""


class Child:
    def __init__(self, code: int, stdout: str, stderr: str, peak_mb: int) -> None:
        self.code, self.stdout, self.stderr, self.peak_mb = code, stdout, stderr, peak_mb


def duty(*args: str | Path, cwd: Path | None = None) -> Child:
    """Run ``duty ARGS`` in a child process and measure its peak resident memory (MB)."""
    cmd = [sys.executable, "-c", _WRAPPER, sys.executable, "-m", "engine.cli",
           *map(str, args)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DUTY_DEBUG", None)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=180, cwd=cwd, env=env,
                         check=True)
    return Child(*json.loads(out.stdout))


def _refused(run: Child, code: int, *parts: str) -> None:
    assert run.code == code, run.stderr
    assert run.stdout == ""
    assert "Traceback" not in run.stderr and "E-INTERNAL" not in run.stderr, run.stderr
    for part in parts:
        assert part in run.stderr, run.stderr


def _county(tmp_path: Path) -> Path:
    directory = tmp_path / "county"
    directory.mkdir()
    (directory / "county.yaml").write_text((MINI / "county.yaml").read_text("utf-8"), "utf-8")
    return directory


def test_alias_bomb_in_a_proposal(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text("schema_version: 1\nid: P-1\n" + laughs(), "utf-8")
    run = duty("evaluate", "--county", MINI, path)
    _refused(run, 1, "[E-LIMIT]", "bomb.yaml:7", "100,000", "limits.yaml")
    assert run.peak_mb < PEAK_MB, run.peak_mb


def test_alias_bomb_in_a_county_file(tmp_path: Path) -> None:
    directory = _county(tmp_path)
    (directory / "items").mkdir()
    (directory / "items" / "bomb.yaml").write_text(laughs(), "utf-8")
    run = duty("check", "--county", directory)
    _refused(run, 1, "[E-LIMIT]", "items/bomb.yaml:5")
    assert run.peak_mb < PEAK_MB, run.peak_mb


def test_alias_bomb_in_a_scenario(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text("schema_version: 1\nname: x\ncounty: sample\n" + laughs(), "utf-8")
    run = duty("scenario", "run", path)
    _refused(run, 2, "[E-LIMIT]", "bomb.yaml:8")
    assert run.peak_mb < PEAK_MB, run.peak_mb


def test_46_mb_of_invalid_items_is_refused_by_size(tmp_path: Path) -> None:
    directory = _county(tmp_path)
    (directory / "items").mkdir()
    row = "  - {id: X, name: n, department: nowhere, category: bad}\n"
    with (directory / "items" / "flood.yaml").open("w", encoding="utf-8") as out:
        out.write("items:\n")
        out.write(row * (46_000_000 // len(row)))
    run = duty("check", "--county", directory)
    _refused(run, 1, "[E-LIMIT]", "items/flood.yaml", "4,194,304")
    assert run.peak_mb < PEAK_MB, run.peak_mb


def test_flood_of_errors_is_capped(tmp_path: Path) -> None:
    """Just under the node limit, every entry wrong in several ways: 50 errors shown, the rest
    counted, memory bounded."""
    directory = _county(tmp_path)
    (directory / "items").mkdir()
    (directory / "items" / "flood.yaml").write_text("items:\n" + "- {}\n" * 99_000, "utf-8")
    run = duty("check", "--county", directory)
    _refused(run, 1, "[E-SCHEMA]", "items/flood.yaml:2 字段 items[0].id：缺少必填字段")
    lines = run.stderr.splitlines()
    assert len(lines) == 51
    omitted = int(lines[-1].split("另有 ")[1].split(" ")[0])
    assert omitted + 50 >= 99_000 * 5
    assert run.peak_mb < PEAK_MB, run.peak_mb


def test_flood_of_unknown_keys_in_a_proposal(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("schema_version: 1\n" + "".join(f"k{i}: 1\n" for i in range(45_000)),
                    "utf-8")
    run = duty("evaluate", "--county", MINI, path)
    _refused(run, 1, "[E-SCHEMA]", "不认识的字段 “k0”", "个错误未列出")
    assert run.peak_mb < PEAK_MB, run.peak_mb


def test_50_mb_scalar_is_refused_by_size(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    with path.open("w", encoding="utf-8") as out:
        out.write("schema_version: 1\ntitle: |\n")
        out.write(("  " + "长" * 60 + "\n") * (50_000_000 // 183))
    run = duty("evaluate", "--county", MINI, path)
    _refused(run, 1, "[E-LIMIT]", "p.yaml：文件超过 4,194,304 字节的上限")
    assert run.peak_mb < PEAK_MB, run.peak_mb


def test_long_scalar_under_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("schema_version: 1\ntitle: |\n" + ("  " + "x" * 99 + "\n") * 3000, "utf-8")
    run = duty("evaluate", "--county", MINI, path)
    _refused(run, 1, "[E-LIMIT]", "p.yaml:2", "100,000 个字符")
    assert run.peak_mb < PEAK_MB, run.peak_mb


@pytest.mark.parametrize(("depth", "code"), [(500, "[E-LIMIT]"), (50_000, "[E-YAML]")])
def test_deep_nesting(tmp_path: Path, depth: int, code: str) -> None:
    """Past the loader's limit, and past the parser's own (libyaml stops at 1,000)."""
    path = tmp_path / "p.yaml"
    path.write_text("schema_version: 1\nitem: " + "[" * depth + "]" * depth + "\n", "utf-8")
    run = duty("evaluate", "--county", MINI, path)
    _refused(run, 1, code, "p.yaml:2")
    assert run.peak_mb < PEAK_MB, run.peak_mb


def test_5000_digit_integer(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "p.yaml", proposal())
    text = path.read_text("utf-8").replace("funding: 20000", "funding: " + "9" * 5000)
    path.write_text(text, "utf-8")
    line = text.splitlines().index("  funding: " + "9" * 5000) + 1
    run = duty("evaluate", "--county", MINI, path)
    _refused(run, 1, "[E-LIMIT]", f"p.yaml:{line}", "18 位数字")


def test_symlink_loop_as_proposal(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    run = duty("evaluate", "--county", MINI, tmp_path / "a.yaml")
    _refused(run, 1, "[E-FILETYPE]", "a.yaml", "循环")


def test_items_entries_pointing_at_each_other(tmp_path: Path) -> None:
    directory = _county(tmp_path)
    items = directory / "items"
    items.mkdir()
    (items / "a.yaml").symlink_to(items / "b.yaml")
    (items / "b.yaml").symlink_to(items / "a.yaml")
    _refused(duty("check", "--county", directory), 1, "[E-FILETYPE]", "items/a.yaml", "循环")


@pytest.mark.parametrize("make", ["dangling", "loop", "file"])
def test_items_entry_that_is_not_a_directory_fails_check(tmp_path: Path, make: str) -> None:
    directory = _county(tmp_path)
    items = directory / "items"
    if make == "dangling":
        items.symlink_to(tmp_path / "moved-away")
    elif make == "loop":
        items.symlink_to(items)
    else:
        items.write_text("", "utf-8")
    _refused(duty("check", "--county", directory), 1, "[E-FILETYPE]", "items", "应为目录")


def test_fifo_in_items_does_not_hang(tmp_path: Path) -> None:
    directory = _county(tmp_path)
    (directory / "items").mkdir()
    os.mkfifo(directory / "items" / "pipe.yaml")
    _refused(duty("check", "--county", directory), 1, "[E-FILETYPE]", "items/pipe.yaml",
             "命名管道")


def test_device_as_proposal(tmp_path: Path) -> None:
    _refused(duty("evaluate", "--county", MINI, "/dev/zero"), 1, "[E-FILETYPE]", "设备文件")

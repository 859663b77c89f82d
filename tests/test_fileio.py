"""Failures of the machine worded for people: disk full (on a small tmpfs where one can be
mounted), a read-only location, permission denied; stable codes, exit code 1, nothing left
half-written."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.errors import SystemFailure
from engine.fileio import read_regular, system_failure, write_atomic
from tests.conftest import MINI, run_cli


def _mount(path: Path, options: str) -> str | None:
    """Mount a tmpfs at ``path``; the reason when that is not possible here."""
    if shutil.which("mount") is None:
        return "no mount command"
    if os.geteuid() != 0:
        return "mounting a tmpfs needs root"
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
                          capture_output=True, text=True)
    return None if done.returncode == 0 else f"cannot mount a tmpfs: {done.stderr.strip()}"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KB tmpfs: too small for the sample county's lists."""
    where = tmp_path / "small"
    reason = _mount(where, "size=64k")
    if reason:
        pytest.skip(reason)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    where = tmp_path / "ro"
    reason = _mount(where, "ro,size=64k")
    if reason:
        pytest.skip(reason)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_disk_full_while_writing_a_tree(small_disk: Path, golden: Any) -> None:
    out = small_disk / "lists"
    run = run_cli("lists", "build", "--all", "--format", "html", "-o", out)
    assert run.code == 1, run.stderr
    assert run.stderr.count("[E-DISKFULL]") == 1 and f"{out}：" in run.stderr
    assert os.strerror(errno.ENOSPC) in run.stderr and "Traceback" not in run.stderr
    golden("errors/fileio/disk-full-while-writing-a-tree.txt", run.stderr)  # with its hint
    assert os.listdir(small_disk) == []  # no half-written tree, no staging left


def test_disk_full_keeps_the_previous_tree(small_disk: Path) -> None:
    out = small_disk / "lists"
    assert run_cli("lists", "build", "--county", MINI, "--all", "--format", "csv",
                   "-o", out).code == 0
    before = sorted(p.name for p in out.rglob("*"))
    run = run_cli("lists", "build", "--all", "--format", "html", "-o", out)
    assert run.code == 1 and "[E-DISKFULL]" in run.stderr
    assert sorted(p.name for p in out.rglob("*")) == before
    assert sorted(os.listdir(small_disk)) == ["lists"]


def test_disk_full_while_writing_one_file(small_disk: Path) -> None:
    out = small_disk / "lists.xlsx"
    (small_disk / "filler").write_bytes(b"x" * 60 * 1024)
    run = run_cli("lists", "build", "--format", "xlsx", "-o", out)
    assert run.code == 1 and "[E-DISKFULL]" in run.stderr, run.stderr
    assert sorted(os.listdir(small_disk)) == ["filler"]


def test_read_only_location(read_only: Path, golden: Any) -> None:
    for args, case in ((("-o", read_only / "l.md"), "file"),
                       (("--all", "-o", read_only / "lists"), "tree")):
        run = run_cli("lists", "build", "--county", MINI, *args)
        assert run.code == 1, run.stderr
        assert "[E-READONLY]" in run.stderr and str(args[-1]) in run.stderr
        golden(f"errors/fileio/read-only-location-{case}.txt", run.stderr)
        assert "Traceback" not in run.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads and writes regardless of permissions")
def test_permission_denied(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "p.yaml").write_text("a: 1\n", "utf-8")
    os.chmod(locked / "p.yaml", 0)
    run = run_cli("evaluate", "--county", MINI, locked / "p.yaml")
    assert run.code == 1 and "[E-PERMISSION]" in run.stderr
    os.chmod(locked, 0o500)
    run = run_cli("lists", "build", "--county", MINI, "-o", locked / "l.md")
    assert run.code == 1 and "[E-PERMISSION]" in run.stderr


@pytest.mark.parametrize(("number", "code"), [
    (errno.ENOSPC, "E-DISKFULL"), (errno.EDQUOT, "E-DISKFULL"), (errno.EROFS, "E-READONLY"),
    (errno.EACCES, "E-PERMISSION"), (errno.EPERM, "E-PERMISSION"), (errno.EIO, "E-IO"),
    (errno.ENAMETOOLONG, "E-OS")])
def test_system_failure_codes(number: int, code: str) -> None:
    err = system_failure(OSError(number, os.strerror(number), "/x/y"), "y")
    assert (err.code, err.errno, err.path, err.cause) == (code, number, "y",
                                                          os.strerror(number))
    assert err.exit_code == 1 and err.hint
    assert os.strerror(number) in err.message


def test_permission_denied_on_read_and_write(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The same translation where the system refuses for real (as root it does not)."""
    path = tmp_path / "p.yaml"
    path.write_text("a: 1\n", "utf-8")

    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(SystemFailure) as info:
        read_regular(path, "p.yaml", 100)
    assert (info.value.code, info.value.path) == ("E-PERMISSION", "p.yaml")
    monkeypatch.undo()
    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(SystemFailure) as info:
        write_atomic(tmp_path / "out.md", "x")
    assert info.value.code == "E-PERMISSION"
    assert os.listdir(tmp_path) == ["p.yaml"]  # the temporary file is gone


def test_any_os_error_in_a_command_is_worded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             golden: Any) -> None:
    from engine import api

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "/var/tmp/x")

    monkeypatch.setattr(api, "check", full)
    run = run_cli("check", "--county", MINI)
    assert run.code == 1
    assert run.stderr.count("[E-DISKFULL]") == 1 and "/var/tmp/x：" in run.stderr
    golden("errors/fileio/any-os-error-in-a-command.txt", run.stderr)
    assert "E-INTERNAL" not in run.stderr

"""Output directories: new, empty or the tool's own; foreign files never deleted or
overwritten; the old tree or the new one in place at every moment; everything flushed."""

from __future__ import annotations

import errno
import json
import os
import resource
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine import outdir
from engine.errors import DataError, OutputDirError, SystemFailure, UsageError
from engine.outdir import MARKER, write_output_tree
from tests.conftest import MINI, run_cli

ONE = {"index.md": "一\n", "streets/S01.md": "s1\n", "streets/S02.md": "s2\n"}
TWO = {"index.md": "二\n", "streets/S01.md": "s1 new\n", "departments/d.md": "d\n"}


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text("utf-8")
            for p in sorted(root.rglob("*")) if p.is_file()}


def marker(root: Path) -> list[str]:
    return json.loads((root / MARKER).read_text("utf-8"))["files"]


class _Spawned:
    """``subprocess.Popen`` for ``engine.outdir``, recording the writing processes started
    and starting each with ``limit`` bytes as its largest file (RLIMIT_FSIZE)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, limit: int | None = None) -> None:
        self.started: list[subprocess.Popen[bytes]] = []
        real = subprocess.Popen

        def popen(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
            if limit is not None:
                kwargs["preexec_fn"] = lambda: resource.setrlimit(
                    resource.RLIMIT_FSIZE, (limit, limit))
            proc = real(*args, **kwargs)
            self.started.append(proc)
            return proc

        monkeypatch.setattr(outdir.subprocess, "Popen", popen)


def test_new_directory_gets_the_files_and_a_marker(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_output_tree(out, ONE)
    assert {k: v for k, v in tree(out).items() if k != MARKER} == ONE
    assert marker(out) == sorted(ONE)
    assert sorted(os.listdir(tmp_path)) == ["out"]  # no staging left beside it


def test_rewriting_its_own_directory_replaces_the_tree(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_output_tree(out, ONE)
    write_output_tree(out, TWO)
    assert {k: v for k, v in tree(out).items() if k != MARKER} == TWO
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_empty_directory_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    write_output_tree(out, ONE)
    assert marker(out) == sorted(ONE)


@pytest.mark.parametrize("foreign", ["notes.txt", "streets/mine.md", "empty-dir/"])
def test_foreign_content_is_refused_and_kept(tmp_path: Path, foreign: str) -> None:
    out = tmp_path / "out"
    write_output_tree(out, ONE)
    path = out / foreign
    if foreign.endswith("/"):
        path.mkdir()
    else:
        path.write_text("mine", "utf-8")
    before = tree(out)
    with pytest.raises(OutputDirError) as info:
        write_output_tree(out, TWO)
    assert info.value.foreign == [foreign.rstrip("/")]
    assert tree(out) == before and path.exists()


def test_directory_without_marker_is_foreign(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.md").write_text("someone's", "utf-8")
    with pytest.raises(OutputDirError) as info:
        write_output_tree(out, ONE)
    assert info.value.foreign == ["index.md"]
    assert (out / "index.md").read_text("utf-8") == "someone's"


def test_marker_cannot_claim_a_symlink(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_output_tree(out, ONE)
    elsewhere = tmp_path / "precious.md"
    elsewhere.write_text("keep", "utf-8")
    (out / "index.md").unlink()
    (out / "index.md").symlink_to(elsewhere)
    with pytest.raises(OutputDirError) as info:
        write_output_tree(out, TWO)
    assert info.value.foreign == ["index.md"]
    assert elsewhere.read_text("utf-8") == "keep"


def test_force_writes_beside_foreign_files_and_deletes_none(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", "utf-8")
    write_output_tree(out, ONE, force=True)
    write_output_tree(out, TWO, force=True)
    files = tree(out)
    assert files.pop("notes.txt") == "mine"
    assert {k: v for k, v in files.items() if k != MARKER} == TWO  # S02 was the tool's
    assert marker(out) == sorted(TWO)


def test_force_never_overwrites_a_foreign_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.md").write_text("someone's", "utf-8")
    with pytest.raises(OutputDirError) as info:
        write_output_tree(out, ONE, force=True)
    assert info.value.foreign == ["index.md"]
    assert tree(out) == {"index.md": "someone's"}


def test_symlink_to_a_directory_writes_its_target(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    write_output_tree(link, ONE)
    write_output_tree(link, TWO)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert {k: v for k, v in tree(real).items() if k != MARKER} == TWO


def test_dangling_link_working_directory_and_file(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "nowhere")
    with pytest.raises(DataError) as info:
        write_output_tree(link, ONE)
    assert info.value.code == "E-OUTPUT"
    assert not (tmp_path / "nowhere").exists()
    monkeypatch.chdir(tmp_path)
    for here in (Path("."), Path(".."), tmp_path):
        with pytest.raises(UsageError):
            write_output_tree(here, ONE)
    (tmp_path / "file").write_text("x", "utf-8")
    with pytest.raises(DataError) as info:
        write_output_tree(tmp_path / "file", ONE)
    assert info.value.code == "E-OUTPUT"


def test_a_failure_while_writing_leaves_the_old_tree(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_output_tree(out, ONE)
    before = tree(out)

    def files():  # type: ignore[no-untyped-def]
        yield "index.md", "new"
        raise OSError(28, "No space left on device")

    with pytest.raises(Exception) as info:
        write_output_tree(out, files())
    assert getattr(info.value, "code", None) == "E-DISKFULL"
    assert tree(out) == before
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_killed_before_or_after_the_swap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The swap is one step: stopped just before it, the old tree is whole; stopped just after,
    the new one is."""
    out = tmp_path / "out"
    write_output_tree(out, ONE)
    before = tree(out)

    class Killed(BaseException):
        pass

    def killed(*args: object) -> bool:
        raise Killed

    monkeypatch.setattr(outdir, "exchange", killed)
    with pytest.raises(Killed):
        write_output_tree(out, TWO)
    assert tree(out) == before
    monkeypatch.undo()
    monkeypatch.setattr(outdir, "_remove_ours", killed)
    with pytest.raises(Killed):
        write_output_tree(out, TWO)
    assert {k: v for k, v in tree(out).items() if k != MARKER} == TWO


def test_without_atomic_exchange(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outdir, "exchange", lambda a, b: False)
    out = tmp_path / "out"
    write_output_tree(out, ONE)
    write_output_tree(out, TWO)
    assert {k: v for k, v in tree(out).items() if k != MARKER} == TWO
    assert sorted(os.listdir(tmp_path)) == ["out"]


def _flushed_one_by_one(out: Path, fsynced: list[str]) -> None:
    """Every file (the marker too) and every directory of the new tree was flushed, each
    directory after what it holds, before the swap; then the parent's entry."""
    staging, parent = Path(fsynced[-2]), Path(fsynced[-1])
    assert staging.name.startswith(f".{out.name}.duty-new-") and parent == out.parent
    done = [Path(p).relative_to(staging).as_posix() for p in fsynced[:-1]]
    assert sorted(done) == sorted([*ONE, MARKER, "streets", "."])
    for rel in done:
        inside = [d for d in done if d != rel and (rel == "." or d.startswith(rel + "/"))]
        assert all(done.index(d) < done.index(rel) for d in inside), rel


def test_files_and_directories_are_flushed_one_by_one_without_syncfs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fsynced: list[str]) -> None:
    monkeypatch.setattr(outdir, "_syncfs", lambda: None)
    write_output_tree(tmp_path / "out", ONE)
    _flushed_one_by_one(tmp_path / "out", fsynced)


def test_a_syncfs_refused_by_a_sandbox_falls_back_to_one_by_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fsynced: list[str]) -> None:
    def refused(fd: int) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(outdir, "_syncfs", lambda: refused)
    monkeypatch.setattr(outdir, "syncfs", refused)
    write_output_tree(tmp_path / "out", ONE)
    _flushed_one_by_one(tmp_path / "out", fsynced)


def test_a_syncfs_that_fails_otherwise_fails_the_write(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write-back error syncfs reports: nothing is swapped in."""
    out = tmp_path / "out"
    write_output_tree(out, ONE)
    before = tree(out)

    def failed(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(outdir, "_syncfs", lambda: failed)
    monkeypatch.setattr(outdir, "syncfs", failed)
    with pytest.raises(SystemFailure) as info:
        write_output_tree(out, TWO)
    assert info.value.code == "E-IO"
    _old_tree_kept(tmp_path, out, before)


@pytest.mark.parametrize(("system", "release", "bulk"), [
    ("linux", "5.8.0", True), ("linux", "6.1.0-13-amd64", True), ("linux", "5.4.0-150", False),
    ("linux", "4.18.0-553.el8", False), ("linux", "weird", False), ("darwin", "23.1.0", False)])
def test_syncfs_only_where_it_reports_write_back_errors(
        monkeypatch: pytest.MonkeyPatch, system: str, release: str, bulk: bool) -> None:
    monkeypatch.setattr(outdir.sys, "platform", system)
    monkeypatch.setattr(outdir.os, "uname", lambda: os.uname_result(
        ("Linux", "host", release, "#1", "x86_64")))
    monkeypatch.setattr(outdir, "_libc", lambda: type("C", (), {"syncfs": len})())
    assert (outdir._syncfs() is not None) == bulk


@pytest.mark.skipif(outdir._syncfs() is None, reason="the system has no syncfs")
def test_the_whole_tree_is_flushed_by_one_syncfs_before_the_swap(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fsynced: list[str]) -> None:
    """One syncfs of the staging directory's file system once every file is written, then the
    parent's entry (the rename) is flushed."""
    out = tmp_path / "out"
    write_output_tree(out, ONE)
    calls: list[tuple[str, dict[str, str]]] = []
    real = outdir.syncfs

    def syncfs(fd: int) -> None:
        staging = Path(os.readlink(f"/proc/self/fd/{fd}"))
        calls.append((staging.name, tree(staging)))
        real(fd)

    monkeypatch.setattr(outdir, "syncfs", syncfs)
    fsynced.clear()  # from here on
    write_output_tree(out, TWO)
    assert len(calls) == 1
    name, written = calls[0]
    assert name.startswith(".out.duty-new-")
    assert {k: v for k, v in written.items() if k != MARKER} == TWO
    assert json.loads(written[MARKER])["files"] == sorted(TWO)
    assert fsynced == [str(tmp_path)]


def _old_tree_kept(tmp_path: Path, out: Path, before: dict[str, str]) -> None:
    assert tree(out) == before
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_a_full_disk_in_the_writing_process_leaves_the_old_tree(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file system refuses a file in the middle of a large tree: the writing process
    reports it, the command fails with the disk-full code, and the old tree is untouched."""
    out = tmp_path / "out"
    write_output_tree(out, ONE)
    before = tree(out)
    spawned = _Spawned(monkeypatch, limit=1000)
    many = {f"streets/S{n:04d}.md": ("大" * 400 if n == 150 else f"{n}\n") for n in range(500)}
    with pytest.raises(SystemFailure) as info:
        write_output_tree(out, many)
    assert (info.value.code, info.value.errno) == ("E-DISKFULL", errno.EFBIG)
    assert [p.returncode for p in spawned.started] == [1]
    _old_tree_kept(tmp_path, out, before)


def test_a_writing_process_that_dies_is_an_io_failure(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    write_output_tree(out, ONE)
    before = tree(out)
    spawned = _Spawned(monkeypatch)

    def files() -> Iterator[tuple[str, str]]:
        for n in range(400):
            if n == 100:
                spawned.started[0].kill()
                spawned.started[0].wait()
            yield f"streets/S{n:04d}.md", "x" * 5000

    with pytest.raises(SystemFailure) as info:
        write_output_tree(out, files())
    assert (info.value.code, info.value.errno) == ("E-IO", errno.EIO)
    _old_tree_kept(tmp_path, out, before)


def test_an_interrupt_stops_the_writing_process(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    write_output_tree(out, ONE)
    before = tree(out)
    spawned = _Spawned(monkeypatch)

    def files() -> Iterator[tuple[str, str]]:
        yield from ((f"streets/S{n:04d}.md", f"{n}\n") for n in range(50))
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_output_tree(out, files())
    assert len(spawned.started) == 1 and spawned.started[0].returncode is not None
    _old_tree_kept(tmp_path, out, before)


def test_a_long_failure_report_does_not_stall_the_write(tmp_path: Path) -> None:
    """The writing process refuses a path far too long and says so while this process waits
    for it: the write fails at once with the system's error, nothing left behind."""
    outcome: list[BaseException] = []

    def attempt() -> None:
        try:
            write_output_tree(tmp_path / "out", {"y" * 200_000: "1"})
        except BaseException as exc:  # handed to the test's thread
            outcome.append(exc)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(120)
    assert not worker.is_alive(), "the write stalled"
    assert isinstance(outcome[0], SystemFailure) and outcome[0].errno == errno.ENAMETOOLONG
    assert os.listdir(tmp_path) == []


def test_a_path_that_cannot_be_made_is_reported(tmp_path: Path) -> None:
    """A file where a later file needs a directory: the writing process's own error."""
    with pytest.raises(SystemFailure) as info:
        write_output_tree(tmp_path / "out", {"a/b": "1", "a/b/c": "2"})
    assert info.value.errno == errno.EEXIST
    assert os.listdir(tmp_path) == []


def test_a_large_tree_is_written_whole(tmp_path: Path) -> None:
    many = {f"streets/{n % 7}/S{n:04d}.md": f"{n}\n" * n for n in range(300)}
    write_output_tree(tmp_path / "out", many)
    assert {k: v for k, v in tree(tmp_path / "out").items() if k != MARKER} == many
    assert marker(tmp_path / "out") == sorted(many)


def test_cli_never_deletes_a_file_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("lists", "build", "--county", MINI, "--all", "-o", out).code == 0
    assert run_cli("lists", "build", "--county", MINI, "--all", "-o", out).code == 0
    (out / "streets" / "my-notes.md").write_text("mine", "utf-8")
    run = run_cli("lists", "build", "--county", MINI, "--all", "--format", "html", "-o", out)
    assert run.code == 1 and "[E-OUTDIR]" in run.stderr and "streets/my-notes.md" in run.stderr
    assert run.stdout == ""
    run = run_cli("lists", "build", "--county", MINI, "--all", "--format", "html", "--force",
                  "-o", out)
    assert run.code == 0, run.stderr
    assert (out / "streets" / "my-notes.md").read_text("utf-8") == "mine"
    assert (out / "index.html").exists() and not (out / "index.md").exists()


def test_cli_output_dot_and_force_without_all(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "keep.txt").write_text("x", "utf-8")
    run = run_cli("lists", "build", "--county", MINI, "--all", "-o", ".")
    assert run.code == 2 and "[E-USAGE]" in run.stderr
    assert sorted(os.listdir(tmp_path)) == ["keep.txt"]
    run = run_cli("lists", "build", "--county", MINI, "--force", "-o", "x.md")
    assert run.code == 2 and "--force" in run.stderr


def test_cli_output_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    for _ in range(2):
        run = run_cli("lists", "build", "--county", MINI, "--all", "-o", tmp_path / "link")
        assert run.code == 0, run.stderr
    assert (tmp_path / "link").is_symlink() and (real / "index.md").is_file()
    assert sorted(os.listdir(tmp_path)) == ["link", "real"]

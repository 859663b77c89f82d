"""Output directories: new, empty or the tool's own; foreign files never deleted or
overwritten; the old tree or the new one in place at every moment; everything flushed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from engine import outdir
from engine.errors import DataError, OutputDirError, UsageError
from engine.outdir import MARKER, write_output_tree
from tests.conftest import MINI, run_cli

ONE = {"index.md": "一\n", "streets/S01.md": "s1\n", "streets/S02.md": "s2\n"}
TWO = {"index.md": "二\n", "streets/S01.md": "s1 new\n", "departments/d.md": "d\n"}


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text("utf-8")
            for p in sorted(root.rglob("*")) if p.is_file()}


def marker(root: Path) -> list[str]:
    return json.loads((root / MARKER).read_text("utf-8"))["files"]


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


def test_files_and_directories_are_flushed(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    write_output_tree(tmp_path / "out", ONE)
    names = {Path(p).name for p in synced}
    assert {"index.md", "S01.md", "S02.md", MARKER, "streets", tmp_path.name} <= names


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

"""``--force`` never writes through a symbolic link out of the output directory; a failed
forced write leaves the tree as it was (new files removed, the marker unchanged) and says so;
staging trees of killed runs are removed by the next run."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest

from engine.errors import DutyError, OutputDirError
from engine.outdir import MARKER, write_output_tree


def _owned_with_foreign(out: Path) -> None:
    write_output_tree(out, {"a.md": "A\n", "S01/b.md": "B\n"})
    (out / "notes.txt").write_text("someone else's\n", encoding="utf-8")


def test_force_never_follows_a_symlinked_subdirectory(tmp_path: Path) -> None:
    out, outside = tmp_path / "out", tmp_path / "outside"
    outside.mkdir()
    _owned_with_foreign(out)
    (out / "S02").symlink_to(outside, target_is_directory=True)
    with pytest.raises(OutputDirError) as caught:
        write_output_tree(out, {"a.md": "A2\n", "S02/c.md": "C\n"}, force=True)
    assert caught.value.foreign == ["S02"]
    assert list(outside.iterdir()) == []
    assert (out / "a.md").read_text(encoding="utf-8") == "A\n"  # refused before writing


def test_a_failed_forced_write_leaves_the_tree_as_it_was(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         golden: Any) -> None:
    import engine.outdir as outdir

    out = tmp_path / "out"
    _owned_with_foreign(out)
    marker = (out / MARKER).read_bytes()
    real = outdir.write_atomic
    calls = []

    def failing(path: Path, content: str | bytes) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, content)

    monkeypatch.setattr(outdir, "write_atomic", failing)
    files = {"new1.md": "N1\n", "S03/new2.md": "N2\n", "S03/new3.md": "N3\n"}
    with pytest.raises(DutyError) as caught:
        write_output_tree(out, files, force=True)
    assert caught.value.code == "E-DISKFULL"
    assert caught.value.hint
    golden("errors/outdir_force/failed-forced-write.txt", caught.value.render() + "\n")
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        MARKER, "S01", "S01/b.md", "a.md", "notes.txt"]
    assert (out / MARKER).read_bytes() == marker
    monkeypatch.setattr(outdir, "write_atomic", real)
    write_output_tree(out, files, force=True)  # nothing left that it would call foreign
    assert (out / "S03" / "new3.md").read_text(encoding="utf-8") == "N3\n"


def test_staging_trees_of_killed_runs_are_removed(tmp_path: Path) -> None:
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    pid = int(dead.stdout)
    stale = tmp_path / f".out.duty-new-{pid}-x1"
    stale.mkdir()
    (stale / "half.md").write_text("half\n", encoding="utf-8")
    alive = tmp_path / f".out.duty-new-{1}-x2"  # init's: a run still going (never removed)
    alive.mkdir()
    write_output_tree(tmp_path / "out", {"a.md": "A\n"})
    assert not stale.exists() and alive.exists()

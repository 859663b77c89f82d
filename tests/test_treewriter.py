"""The writing process of output trees: frames in, files out, failures reported as one short
line of JSON."""

from __future__ import annotations

import errno
import io
import json
import subprocess
import sys
from pathlib import Path

from engine import treewriter
from engine.treewriter import HEADER, write_tree

SCRIPT = Path(treewriter.__file__)


def frames(files: dict[str, bytes]) -> bytes:
    out = b""
    for rel, data in files.items():
        name = rel.encode("utf-8")
        out += HEADER.pack(len(name), len(data)) + name + data
    return out


FILES = {"index.csv": b"a,b\r\n", "streets/S01.csv": "街道\r\n".encode(),
         "departments/d/x.csv": b"", "streets/S02.csv": b"x" * 200_000}


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_every_framed_file_is_written(tmp_path: Path) -> None:
    write_tree(str(tmp_path), io.BytesIO(frames(FILES)))
    assert tree(tmp_path) == dict(sorted(FILES.items()))


def run(root: Path, data: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-I", "-S", str(SCRIPT), str(root)], input=data,
                          capture_output=True, check=False)


def test_as_a_process(tmp_path: Path) -> None:
    done = run(tmp_path, frames(FILES))
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    assert tree(tmp_path) == dict(sorted(FILES.items()))


def test_a_failure_is_one_line_of_json_with_the_relative_path(tmp_path: Path) -> None:
    (tmp_path / "streets").write_text("a file, not a directory")
    done = run(tmp_path, frames(FILES))
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["path"] == "streets/S01.csv"
    assert report["errno"] in (17, 20)  # EEXIST or ENOTDIR, as the system says
    assert done.stderr == b""


def test_a_stream_cut_inside_a_frame_is_a_failure(tmp_path: Path) -> None:
    done = run(tmp_path, frames(FILES)[:-10])
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["errno"] is None and "EOFError" in report["strerror"]
    assert done.stderr == b""


def test_a_report_is_cut_short(tmp_path: Path) -> None:
    """A path too long for the system is named in the report only in part: the report stays
    far below what a pipe holds."""
    done = run(tmp_path, frames({"x" * 200_000: b"1"}))
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["errno"] == errno.ENAMETOOLONG
    assert report["path"] == "x" * treewriter.REPORT_CHARS
    assert len(done.stdout) < 2_000

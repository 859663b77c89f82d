"""Progress on long work: a bar on a terminal, nothing when standard error is redirected."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.conftest import ROOT, run_cli

DUTY = Path(sys.executable).parent / "duty"


def _on_a_terminal(*args: str | Path) -> tuple[int, str, str]:
    """Run ``duty`` with standard error on a pseudo-terminal; (exit code, stdout, stderr)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([str(DUTY), *map(str, args)], stdout=subprocess.PIPE, stderr=slave,
                            cwd=ROOT)
    os.close(slave)
    out = proc.stdout.read() if proc.stdout else b""
    chunks = []
    while True:
        try:
            chunk = os.read(master, 1 << 16)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return proc.wait(), out.decode("utf-8"), b"".join(chunks).decode("utf-8", "replace")


def _workbook(tmp_path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "基本履职事项清单"
    ws.append(["事项名称", "主责部门", "街道"])
    ws.append(["门前三包日常巡查", "区城市管理局", "解放路街道"])
    wb.save(tmp_path / "清单.xlsx")
    return tmp_path / "清单.xlsx"


COMMANDS = [
    ("scenario", ["scenario", "run", "scenarios", "-k", "emergency"], "运行情景"),
    ("lists", ["lists", "build", "--all", "--format", "md", "-o", "{tmp}/lists"], "生成清单"),
    ("import", ["import", "catalogue", "{book}", "-o", "{tmp}/county"], "读取清单"),
]


@pytest.mark.skipif(not DUTY.exists(), reason="the duty console script is not installed")
@pytest.mark.parametrize(("args", "words"), [(c[1], c[2]) for c in COMMANDS],
                         ids=[c[0] for c in COMMANDS])
def test_progress_on_a_terminal(tmp_path: Path, args: list[str], words: str) -> None:
    book = _workbook(tmp_path)
    args = [a.format(tmp=tmp_path, book=book) for a in args]
    code, out, err = _on_a_terminal(*args)
    assert code == 0, err
    assert words in err and "\x1b[" in err  # drawn with terminal controls
    assert words not in out


@pytest.mark.parametrize(("args", "words"), [(c[1], c[2]) for c in COMMANDS],
                         ids=[c[0] for c in COMMANDS])
def test_silent_when_redirected(tmp_path: Path, args: list[str], words: str,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    book = _workbook(tmp_path)
    run = run_cli(*[a.format(tmp=tmp_path, book=book) for a in args])
    assert run.code == 0, run.stderr
    assert words not in run.stderr and "\x1b[" not in run.stderr
    assert "\x1b[" not in run.stdout

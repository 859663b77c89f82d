"""Lists with dates (golden files): a recall's hand-over under way shows both parties and the
day it ends; rows in force from or to a day say so; after the hand-over the item is on the
recalled list only, from the day after it ended."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TESTS, run_cli

DATED = TESTS / "fixtures" / "dated"


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_street_lists_during_the_hand_over(tmp_path: Path, fmt: str, golden: Any) -> None:
    out = tmp_path / f"out.{fmt}"
    run = run_cli("lists", "build", "--county", DATED, "--street", "S02", "--format", fmt,
                  "--as-of", "2027-02-15", "-o", out)
    assert run.code == 0, run.stderr
    golden(f"lists/dated-S02-2027-02-15.{fmt}", out.read_text(encoding="utf-8-sig"))


@pytest.mark.parametrize("day", ["2026-05-01", "2027-04-01"])
def test_street_lists_before_and_after(day: str, golden: Any) -> None:
    run = run_cli("lists", "build", "--county", DATED, "--street", "S02", "--as-of", day)
    assert run.code == 0, run.stderr
    golden(f"lists/dated-S02-{day}.md", run.stdout)


def test_the_hand_over_reaches_every_format(tmp_path: Path) -> None:
    """The workbook and the files of --all carry the same words as the Markdown."""
    from openpyxl import load_workbook

    out = tmp_path / "s02.xlsx"
    assert run_cli("lists", "build", "--county", DATED, "--street", "S02", "--format", "xlsx",
                   "--as-of", "2027-02-15", "-o", out).code == 0
    cells = [str(c.value) for ws in load_workbook(out).worksheets for row in ws.iter_rows()
             for c in row if c.value]
    assert any("交接期至2027年3月31日，期满由区民政局承担" in c for c in cells)
    tree = tmp_path / "all"
    assert run_cli("lists", "build", "--county", DATED, "--all", "--format", "md",
                   "--as-of", "2027-02-15", "-o", tree).code == 0
    written = "".join(p.read_text(encoding="utf-8") for p in sorted(tree.rglob("*.md")))
    assert written.count("交接期至2027年3月31日，期满由区民政局承担") == 1

"""Control characters in a county's names are escaped in workbooks (as on the terminal)
instead of making every xlsx output fail."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from openpyxl import load_workbook

from tests.conftest import MINI, run_cli


def test_esc_and_bel_in_names_are_escaped_in_xlsx(tmp_path: Path) -> None:
    county = tmp_path / "county"
    shutil.copytree(MINI, county)
    data = yaml.safe_load((county / "county.yaml").read_text(encoding="utf-8"))
    data["name"] = "测试\x07区"
    data["streets"][0]["name"] = "东门\x1b[31m街道"
    (county / "county.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                        encoding="utf-8")
    out = tmp_path / "S01.xlsx"
    run = run_cli("lists", "build", "--county", county, "--street", "S01", "--format", "xlsx",
                  "-o", out)
    assert run.code == 0, run.stderr
    book = load_workbook(out)
    values = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
              if c.value is not None]
    assert not any("\x1b" in v or "\x07" in v for v in values)
    run = run_cli("lists", "build", "--county", county, "--all", "--format", "xlsx",
                  "-o", tmp_path / "all")
    assert run.code == 0, run.stderr

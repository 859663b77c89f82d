"""The Excel workbook: sheets, Chinese headers, row counts, frozen header, same bytes twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from engine.errors import TooLargeError
from engine.lists.build import build_lists
from engine.loading.workspace import load_workspace
from engine.render import lists_xlsx
from tests.conftest import MINI, run_cli


def test_street_workbook(tmp_path: Path) -> None:
    out = tmp_path / "s01.xlsx"
    run = run_cli("lists", "build", "--county", MINI, "--street", "S01", "--format", "xlsx",
                  "-o", out)
    assert run.code == 0 and run.stdout == ""
    wb = load_workbook(out)
    assert wb.sheetnames == ["东门街道基本履职事项清单", "东门街道配合履职事项清单",
                             "东门街道上级部门收回事项清单"]
    lists = next(s for s in build_lists(load_workspace(MINI)).streets if s.street == "S01")
    for sheet, rows in zip(wb.worksheets, (lists.basic, lists.cooperative, lists.recalled),
                           strict=True):
        header = [c.value for c in sheet[1]]
        assert header[:4] == ["序号", "履职领域", "事项名称", "事项类别"]
        assert {"对应上级部门", "经费（元/年）", "依据"} <= set(header) or sheet.title.endswith(
            "收回事项清单")
        assert "事项编号" not in header and "规则" not in header  # only with --with-rules
        assert sheet.max_row == 1 + len(rows)
        assert sheet.freeze_panes == "A2"
        assert sheet.column_dimensions["C"].width >= 10


def test_whole_county_and_department_workbooks(tmp_path: Path) -> None:
    out = tmp_path / "all.xlsx"
    assert run_cli("lists", "build", "--county", MINI, "--format", "xlsx", "-o", out).code == 0
    wb = load_workbook(out)
    assert wb.sheetnames[:3] == ["基本履职事项清单", "配合履职事项清单", "上级部门收回事项清单"]
    assert [c.value for c in wb.worksheets[0][1]][:2] == ["街道编号", "街道"]
    dept = tmp_path / "d.xlsx"
    assert run_cli("lists", "build", "--county", MINI, "--department", "civil_affairs",
                   "--format", "xlsx", "-o", dept).code == 0
    assert load_workbook(dept).sheetnames == ["区民政局事项", "区民政局经费"]


def test_same_bytes_twice(tmp_path: Path) -> None:
    import time

    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for path in (a, b):
        assert run_cli("lists", "build", "--county", MINI, "--format", "xlsx", "-o",
                       path).code == 0
        time.sleep(1.1)  # a clock-dependent stamp would differ between the two files
    assert a.read_bytes() == b.read_bytes()


def test_xlsx_needs_an_output_file() -> None:
    run = run_cli("lists", "build", "--county", MINI, "--format", "xlsx")
    assert run.code == 2 and "须用 -o" in run.stderr and run.stdout == ""


def test_a_county_workbook_beyond_excels_rows_is_refused(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    lists = build_lists(load_workspace(MINI))
    basic = sum(len(s.basic) for s in lists.streets)
    cooperative = sum(len(s.cooperative) for s in lists.streets)
    assert cooperative > basic
    monkeypatch.setattr(lists_xlsx, "EXCEL_ROWS", cooperative)  # one row short
    with pytest.raises(TooLargeError) as caught:
        lists_xlsx.lists_xlsx(lists, {})
    assert (caught.value.code, caught.value.rows, caught.value.limit) == (
        "E-TOO-LARGE", cooperative, cooperative - 1)
    out = tmp_path / "county.xlsx"
    run = run_cli("lists", "build", "--county", MINI, "--format", "xlsx", "-o", out)
    assert run.code == 2 and "[E-TOO-LARGE]" in run.stderr and "--all" in run.stderr
    assert not out.exists()
    # one street's workbook, and one workbook per street, still fit
    assert run_cli("lists", "build", "--county", MINI, "--street", "S01", "--format", "xlsx",
                   "-o", out).code == 0
    assert run_cli("lists", "build", "--county", MINI, "--all", "--format", "xlsx",
                   "-o", tmp_path / "all").code == 0
    monkeypatch.setattr(lists_xlsx, "EXCEL_ROWS", cooperative + 1)
    assert run_cli("lists", "build", "--county", MINI, "--format", "xlsx",
                   "-o", tmp_path / "fits.xlsx").code == 0

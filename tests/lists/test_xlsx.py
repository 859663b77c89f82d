"""The Excel workbook: sheets, Chinese headers, row counts, frozen header, same bytes twice."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

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
        assert sheet["A1"].value == ("县区：测试区；乡镇（街道）：东门街道；清单版本："
                                     "草案（据县区目录生成，未经公布）；公布日期：未公布；"
                                     "审计锚点：无")
        header = [c.value for c in sheet[2]]
        assert header[:4] == ["序号", "履职领域", "事项名称", "事项类别"]
        assert {"对应上级部门", "经费（元/年）", "依据"} <= set(header) or sheet.title.endswith(
            "收回事项清单")
        assert "事项编号" not in header and "规则" not in header  # only with --with-rules
        assert sheet.max_row == 2 + len(rows)
        assert sheet.freeze_panes == "A3"
        assert sheet.column_dimensions["C"].width >= 10


def test_whole_county_and_department_workbooks(tmp_path: Path) -> None:
    out = tmp_path / "all.xlsx"
    assert run_cli("lists", "build", "--county", MINI, "--format", "xlsx", "-o", out).code == 0
    wb = load_workbook(out)
    assert wb.sheetnames[:3] == ["基本履职事项清单", "配合履职事项清单", "上级部门收回事项清单"]
    assert [c.value for c in wb.worksheets[0][2]][:2] == ["街道编号", "街道"]
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


def test_xlsx_needs_an_output_file(golden: Any) -> None:
    run = run_cli("lists", "build", "--county", MINI, "--format", "xlsx")
    assert run.code == 2 and "[E-USAGE]" in run.stderr and "-o" in run.stderr
    assert run.stdout == ""
    golden("errors/lists_xlsx/xlsx-needs-an-output-file.txt", run.stderr)


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


def test_numbers_filter_and_print_setup(tmp_path: Path) -> None:
    """Numbers are numeric cells with number formats; every sheet filters its header row and
    prints landscape on A4, one page wide, header repeated, page numbers in the footer."""
    out = tmp_path / "all.xlsx"
    assert run_cli("lists", "build", "--county", MINI, "--format", "xlsx", "-o", out).code == 0
    wb = load_workbook(out)
    assert "不适用事项" in wb.sheetnames
    for ws in wb.worksheets:
        assert ws.auto_filter.ref == f"A2:{ws.cell(2, ws.max_column).column_letter}{ws.max_row}"
        assert ws["A1"].value.startswith("县区：") and "清单版本：" in ws["A1"].value
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.paperSize == 9  # A4
        assert ws.print_title_rows == "$1:$2"
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        assert all(isinstance(c.value, str) for c in ws[2])
    basic = wb["基本履职事项清单"]
    header = [c.value for c in basic[2]]
    seq = basic.cell(3, header.index("序号") + 1)
    assert (seq.data_type, seq.value, seq.number_format) == ("n", 1, "0")
    assert basic.cell(3, header.index("事项名称") + 1).data_type == "s"
    dept = wb["区民政局事项"]
    dheader = [c.value for c in dept[2]]
    for title in ("涉及街道数", "每街道每年经费（元）", "经费合计（元/年）"):
        cell = dept.cell(3, dheader.index(title) + 1)
        assert cell.data_type == "n" and isinstance(cell.value, int), title
        assert cell.number_format == "#,##0", title
    total = dept.cell(3, dheader.index("经费合计（元/年）") + 1).value
    assert total == sum(r.funding_total for d in build_lists(load_workspace(MINI)).departments
                        if d.department == "civil_affairs" for r in d.items[:1])
    ledger = wb["区民政局经费"]
    assert all(r[-1].data_type == "n" for r in ledger.iter_rows(min_row=3))


def test_a_street_workbook_lists_what_does_not_apply(tmp_path: Path) -> None:
    out = tmp_path / "s04.xlsx"
    assert run_cli("lists", "build", "--county", MINI, "--street", "S04", "--format", "xlsx",
                   "-o", out).code == 0
    wb = load_workbook(out)
    assert wb.sheetnames[-1] == "北山乡不适用事项"
    lists = next(s for s in build_lists(load_workspace(MINI)).streets if s.street == "S04")
    rows = [[c.value for c in r] for r in wb["北山乡不适用事项"].iter_rows(min_row=3)]
    assert rows == [[n.name, n.reason] for n in lists.not_applying]  # codes: --with-rules


def test_sheet_names_are_safe_and_unique() -> None:
    lists = build_lists(load_workspace(MINI))
    d = lists.departments[0]
    odd = [d.model_copy(update={"name": "区/民政:局[试]*?" + "很长" * 20}),
           d.model_copy(update={"name": "区/民政:局[试]*?" + "很长" * 20})]
    data = lists_xlsx.lists_xlsx(lists.model_copy(update={"streets": [],
                                                          "departments": odd}), {})
    names = load_workbook(io.BytesIO(data)).sheetnames
    assert len(names) == 4 and len({n.casefold() for n in names}) == 4
    assert all(len(n) <= 31 and not set("[]:*?/\\") & set(n) for n in names)
    # cut to 31 characters, the four names are alike: each later one gets a suffix
    assert [n[-3:] for n in names[1:]] == ["（2）", "（3）", "（4）"]


def test_long_text_is_cut_with_a_marker() -> None:
    from engine.render.cellsafe import CUT_MARKER, EXCEL_CELL_CHARS

    lists = build_lists(load_workspace(MINI))
    s = lists.streets[0]
    row = s.basic[0].model_copy(update={"legal_basis": "依据" * 20_000})
    part = lists.model_copy(update={"streets": [s.model_copy(update={"basic": [row]})],
                                    "departments": []})
    ws = load_workbook(io.BytesIO(lists_xlsx.lists_xlsx(part, {}))).worksheets[0]
    text = next(c.value for c in ws[3] if isinstance(c.value, str) and
                c.value.startswith("依据"))
    assert len(text) == EXCEL_CELL_CHARS and text.endswith(CUT_MARKER)

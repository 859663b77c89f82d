"""Lists as an Excel workbook: one sheet per list, frozen header row, readable widths.

The bytes are reproducible: document properties carry a fixed date and every zip entry a
fixed timestamp, so the same lists give the same file.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from engine.errors import TooLargeError
from engine.models.lists import CountyLists
from engine.render.lists_table import (
    DEPARTMENT_HEADERS,
    LEDGER_HEADERS,
    LIST_TITLES,
    Cell,
    cells,
    department_rows,
    display,
    ledger_rows,
    list_columns,
)
from engine.render.table import width

FIXED = dt.datetime(2000, 1, 1)
EXCEL_ROWS = 1_048_576  # rows in one Excel worksheet, the header row included
_WIDE = {"事项名称": 30, "街道职责": 36, "依据": 40, "主责单位": 24, "配合单位": 24,
         "经费安排": 22}


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list[Cell]]) -> None:
    ws = wb.create_sheet(title=title[:31])
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    ws.freeze_panes = "A2"
    for i, name in enumerate(header, start=1):
        longest = max([width(name), *(width(display(r[i - 1])) for r in rows)])
        ws.column_dimensions[get_column_letter(i)].width = min(max(longest + 2, 6),
                                                              _WIDE.get(name, 16))
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def check_sheet_rows(rows: dict[str, int]) -> None:
    """Refuse a workbook whose list sheets (rows per list, without the header) would not fit
    in Excel."""
    kind, most = max(rows.items(), key=lambda kv: kv[1], default=("basic", 0))
    if most + 1 > EXCEL_ROWS:
        raise TooLargeError(
            f"全县的{LIST_TITLES[kind]}共 {most:,} 行，超过 Excel 工作表的上限"
            f"（{EXCEL_ROWS - 1:,} 行数据）", rows=most, limit=EXCEL_ROWS - 1,
            hint="按街道分别写出：duty lists build --all --format xlsx -o 目录"
                 "（每个街道一个工作簿），或用 --format csv。")


def lists_xlsx(lists: CountyLists, names: dict[str, str], with_rules: bool = False) -> bytes:
    check_sheet_rows({kind: sum(len(getattr(s, kind)) for s in lists.streets)
                      for kind in ("basic", "cooperative", "recalled")})
    wb = Workbook()
    wb.remove(wb.active)
    several = len(lists.streets) > 1
    for kind in ("basic", "cooperative", "recalled"):
        if not lists.streets:
            break
        header = (["街道编号", "街道"] if several else []) + [
            c.title for c in list_columns(kind, with_rules)]
        rows: list[list[Cell]] = []
        for s in lists.streets:
            for i, row in enumerate(getattr(s, kind), 1):
                rows.append(([s.street, s.name] if several else [])
                            + cells(i, row, names, with_rules))
        title = LIST_TITLES[kind] if several else f"{lists.streets[0].name}{LIST_TITLES[kind]}"
        _sheet(wb, title, header, rows)
    for d in lists.departments:
        _sheet(wb, f"{d.name}事项"[:31], DEPARTMENT_HEADERS, department_rows(d))
        _sheet(wb, f"{d.name}经费"[:31], LEDGER_HEADERS, ledger_rows(d, names))
    if not wb.worksheets:
        _sheet(wb, "清单", [c.title for c in list_columns("basic", with_rules)], [])
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    wb.properties.creator = "duty"
    raw = io.BytesIO()
    wb.save(raw)
    return _fixed_zip(raw.getvalue())


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with every entry dated 1980-01-01 (zip's own epoch) and the
    modification date openpyxl stamps at save time replaced by the fixed one."""
    out = io.BytesIO()
    stamp = FIXED.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", body)
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, body)
    return out.getvalue()

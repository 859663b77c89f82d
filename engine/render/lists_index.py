"""The index of a tree of list files as a spreadsheet user reads it: CSV (UTF-8 with a
byte-order mark) or a small workbook, one row per file with its kind, name and path (the
workbook links each path to its file)."""

from __future__ import annotations

import io

from engine.render.cellsafe import csv_writer
from engine.render.lists_csv import BOM
from engine.render.lists_table import Column

INDEX_COLUMNS = [Column("类别", width=6), Column("名称", width=30), Column("文件", width=40)]


def index_csv(entries: list[tuple[str, str, str]]) -> str:
    """The index as CSV: (kind, name, path) entries in order."""
    buf = io.StringIO()
    writer = csv_writer(buf)
    writer.writerow([c.title for c in INDEX_COLUMNS])
    writer.writerows(entries)
    return BOM + buf.getvalue()


def index_xlsx(county: str, entries: list[tuple[str, str, str]]) -> bytes:
    """The index as a workbook with one sheet: a header row, then one row per file whose
    path links to it; the same entries give the same bytes."""
    from openpyxl import Workbook

    from engine.render.lists_xlsx import sheet, workbook_bytes

    wb = Workbook()
    wb.remove(wb.active)
    ws = sheet(wb, "索引", INDEX_COLUMNS, [list(e) for e in entries])
    for row, (_, _, path) in enumerate(entries, start=2):
        link = ws.cell(row=row, column=3)
        link.hyperlink = path
        link.style = "Hyperlink"
    return workbook_bytes(wb, f"{county}履行职责事项清单索引")

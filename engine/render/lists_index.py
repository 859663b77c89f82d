"""The index of a tree of list files as a spreadsheet user reads it: CSV (UTF-8 with a
byte-order mark) or a small workbook, one row per file with its kind, name and path (the
workbook links each path to its file)."""

from __future__ import annotations

import csv
import io

from engine.render.lists_csv import BOM

INDEX_HEADERS = ["类别", "名称", "文件"]


def index_csv(entries: list[tuple[str, str, str]]) -> str:
    """The index as CSV: (kind, name, path) entries in order."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(INDEX_HEADERS)
    writer.writerows(entries)
    return BOM + buf.getvalue()


def index_xlsx(county: str, entries: list[tuple[str, str, str]]) -> bytes:
    """The index as a workbook with one sheet: a header row, then one row per file whose
    path links to it; the same entries give the same bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from engine.render.lists_xlsx import FIXED
    from engine.render.lists_xlsx import _fixed_zip as fixed_zip
    from engine.render.table import width

    wb = Workbook()
    ws = wb.active
    ws.title = "索引"
    ws.append(INDEX_HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row, (kind, name, path) in enumerate(entries, start=2):
        ws.append([kind, name, path])
        link = ws.cell(row=row, column=3)
        link.hyperlink = path
        link.style = "Hyperlink"
    ws.freeze_panes = "A2"
    for letter, i in (("A", 0), ("B", 1), ("C", 2)):
        longest = max([width(INDEX_HEADERS[i]), *(width(e[i]) for e in entries)])
        ws.column_dimensions[letter].width = min(longest + 2, 60)
    wb.properties.title = f"{county}履行职责事项清单索引"
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    wb.properties.creator = "duty"
    raw = io.BytesIO()
    wb.save(raw)
    return fixed_zip(raw.getvalue())

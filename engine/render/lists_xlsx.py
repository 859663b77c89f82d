"""Lists as an Excel workbook: one sheet per list, ready to filter, sum and print.

Numbers are numeric cells with a number format, text is text (made safe by
``engine.render.cellsafe``: never a formula, within Excel's cell limit). Every sheet has a
title block on its first row (which lists these are: county, street, version, publication
date, audit anchor, as the other formats print it), a frozen header row with a filter, and
prints landscape on A4, fitted to the page width, the title block and the header row
repeated on every page and the page number in the footer. A sheet lists the
catalogue items that do not apply to a street, with the reason, as the other formats do.

The bytes are reproducible: document properties carry a fixed date and every zip entry a
fixed timestamp, so the same lists give the same file.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from engine.errors import TooLargeError
from engine.models.lists import CountyLists, ListSource
from engine.render.cellsafe import cut, risky, sheet_title, xlsx_text
from engine.render.lists_table import (
    LEDGER_COLUMNS,
    LIST_TITLES,
    Cell,
    Column,
    cells,
    department_columns,
    department_rows,
    display,
    ledger_rows,
    list_columns,
    title_block,
    title_text,
)
from engine.render.table import width

FIXED = dt.datetime(2000, 1, 1)
EXCEL_ROWS = 1_048_576  # rows in one Excel worksheet, the header row included
NUMBER_FORMATS = {"number": "#,##0", "seq": "0"}  # amounts and counts; row numbers
FOOTER = "第 &P 页，共 &N 页"
STREET_COLUMNS = [Column("街道编号", width=14), Column("街道", width=20)]
NOT_APPLYING_COLUMNS = [Column("事项编号", width=14), Column("不适用的目录事项", width=30),
                        Column("原因", width=60)]
NOT_APPLYING_TITLE = "不适用事项"
_HEAD = Alignment(wrap_text=True, vertical="center")
_TEXT = Alignment(wrap_text=True, vertical="top")
_NUMBER = Alignment(vertical="top")


def sheet(wb: Workbook, title: str, columns: Sequence[Column], rows: list[list[Cell]],
          heading: str | None = None) -> Any:
    """A new sheet of ``wb`` holding a table: typed, formula-safe cells, a filter, print
    setup; ``heading`` (the document's title block) goes on the first row, above the
    table's header, and is printed with it on every page. Returns the worksheet."""
    ws = wb.create_sheet(title=sheet_title(title, wb.sheetnames))
    top = 1
    if heading is not None:
        ws.cell(row=1, column=1, value=cut(xlsx_text(heading))).font = Font(bold=True)
        top = 2
    for i, column in enumerate(columns, start=1):
        cell = ws.cell(row=top, column=i, value=column.title)
        cell.font = Font(bold=True)
        cell.alignment = _HEAD
    formats = [NUMBER_FORMATS.get(c.kind) for c in columns]
    for r, row in enumerate(rows, start=top + 1):
        for i, value in enumerate(row, start=1):
            if isinstance(value, int):
                cell = ws.cell(row=r, column=i, value=value)
                cell.number_format = formats[i - 1] or "0"
                cell.alignment = _NUMBER
                continue
            cell = ws.cell(row=r, column=i, value=cut(xlsx_text(value)))
            if risky(value):  # kept as text, as if typed with a leading quote
                cell.data_type = "s"
                cell.quotePrefix = True
            cell.alignment = _TEXT
    ws.freeze_panes = f"A{top + 1}"
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A{top}:{last}{len(rows) + top}"
    for i, column in enumerate(columns, start=1):
        longest = max([width(column.title), *(width(display(r[i - 1])) for r in rows)])
        ws.column_dimensions[get_column_letter(i)].width = column_width(column, longest)
    ws.print_title_rows = f"1:{top}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, header=0.3,
                                  footer=0.3)
    ws.oddFooter.center.text = FOOTER
    return ws


def column_width(column: Column, longest: int) -> int:
    """A column's width for its longest cell (in display columns): room for it, within the
    column's own hint."""
    return min(max(longest + 2, 6), max(column.width, 6))


def check_sheet_rows(rows: dict[str, int]) -> None:
    """Refuse a workbook whose list sheets (rows per list, without the header) would not fit
    in Excel: one street's lists, or one file per street, do."""
    kind, most = max(rows.items(), key=lambda kv: kv[1], default=("basic", 0))
    if most + 1 > EXCEL_ROWS:
        title = LIST_TITLES.get(kind, NOT_APPLYING_TITLE)
        raise TooLargeError(
            f"全县的{title}共 {most:,} 行，超过 Excel 工作表的上限"
            f"（{EXCEL_ROWS - 1:,} 行数据）", rows=most, limit=EXCEL_ROWS - 1,
            hint="按街道分别写出（每个街道一个工作簿），或写成 CSV。")


Sheet = tuple[str, Sequence[Column], list[list[Cell]], str | None]  # title, columns, rows, heading


def lists_xlsx(lists: CountyLists, names: dict[str, str], with_rules: bool = False,
               source: ListSource | None = None) -> bytes:
    """The workbook; every sheet opens with the title block the other formats print (county,
    street, version, publication date, audit anchor; a draft says it is one)."""
    check_sheet_rows({kind: sum(len(getattr(s, kind)) for s in lists.streets)
                      for kind in ("basic", "cooperative", "recalled", "not_applying")})
    return workbook_bytes(workbook(sheets(lists, names, with_rules, source)))


def workbook(specs: Sequence[Sheet]) -> Workbook:
    """A workbook of one sheet per (title, columns, rows, heading), in order."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, columns, rows, heading in specs:
        sheet(wb, title, columns, rows, heading)
    return wb


def sheets(lists: CountyLists, names: dict[str, str], with_rules: bool = False,
           source: ListSource | None = None) -> list[Sheet]:
    """The sheets of the lists' workbook as (title, columns, rows, heading)."""
    out: list[Sheet] = []
    several = len(lists.streets) > 1
    lead = STREET_COLUMNS if several else []
    prefix = "" if several or not lists.streets else lists.streets[0].name
    heading = title_text(title_block(lists.county, source, prefix or None))
    county_heading = title_text(title_block(lists.county, source))
    for kind in ("basic", "cooperative", "recalled"):
        if not lists.streets:
            break
        rows: list[list[Cell]] = []
        for s in lists.streets:
            for i, row in enumerate(getattr(s, kind), 1):
                rows.append(([s.street, s.name] if several else [])
                            + cells(i, row, names, with_rules))
        out.append((prefix + LIST_TITLES[kind], [*lead, *list_columns(kind, with_rules)], rows,
                    heading))
    code = 0 if with_rules else 1  # the catalogue code only with ``with_rules``
    missing: list[list[Cell]] = [([s.street, s.name] if several else [])
                                 + [n.item, n.name, n.reason][code:]
                                 for s in lists.streets for n in s.not_applying]
    if missing:
        out.append((prefix + NOT_APPLYING_TITLE, [*lead, *NOT_APPLYING_COLUMNS[code:]], missing,
                    heading))
    for d in lists.departments:
        out.append((f"{d.name}事项", department_columns(with_rules),
                    department_rows(d, with_rules), county_heading))
        out.append((f"{d.name}经费", LEDGER_COLUMNS, ledger_rows(d, names), county_heading))
    if not out:
        out.append(("清单", list_columns("basic", with_rules), [], county_heading))
    return out


def workbook_bytes(wb: Workbook, title: str | None = None) -> bytes:
    """The workbook's file, the same bytes for the same content (fixed dates)."""
    return zipped(workbook_entries(wb, title))


def workbook_entries(wb: Workbook, title: str | None = None) -> list[tuple[str, int, bytes]]:
    """The entries of the workbook's file as ``zipped`` takes them (fixed dates)."""
    if title is not None:
        wb.properties.title = xlsx_text(title)
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    wb.properties.creator = "duty"
    raw = io.BytesIO()
    wb.save(raw)
    return entries(raw.getvalue())


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def entries(data: bytes) -> list[tuple[str, int, bytes]]:
    """The entries of the archive openpyxl saved, as (name, attributes, content) in order,
    the modification date openpyxl stamps at save time replaced by the fixed one."""
    stamp = FIXED.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", body)
            out.append((info.filename, info.external_attr, body))
    return out


def zipped(parts: Iterable[tuple[str, int, bytes]]) -> bytes:
    """The archive of (name, attributes, content) entries in order, each deflated and
    dated 1980-01-01 (zip's own epoch): the same entries give the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, attributes, body in parts:
            fixed = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = attributes
            dst.writestr(fixed, body)
    return out.getvalue()

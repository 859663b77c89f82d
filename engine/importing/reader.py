"""Workbooks in: the sheets of an xlsx file or one CSV table, as rows of text cells.

Files are read with the project's bounded reader; an xlsx archive is checked for its
expanded size before it is opened (a small file cannot unpack into gigabytes). Merged cells
carry their value into every cell they cover, so a department written once over five rows
belongs to all five.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from engine.errors import DataError, LimitError, Location
from engine.fileio import RAISE_LIMITS_HINT, read_regular
from engine.loading.yamlio import display_path
from engine.render.cellsafe import csv_unquote

MAX_BYTES = 32 * 1024 * 1024  # the workbook file
MAX_EXPANDED = 256 * 1024 * 1024  # the xlsx archive unpacked
MAX_ROWS = 200_000  # rows over all sheets
MAX_COLUMNS = 200


@dataclass(frozen=True)
class Sheet:
    """One sheet: its name and its rows (1-based row numbers as the user sees them)."""

    name: str
    rows: list[tuple[int, list[str]]]


def read_workbook(path: Path, sheet: str | None = None) -> tuple[str, list[Sheet]]:
    """The displayed path and the sheets of an xlsx or CSV file (only ``sheet`` if named)."""
    shown = display_path(Path(path))
    raw = read_regular(Path(path), shown, MAX_BYTES)
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        sheets = [Sheet(Path(path).stem, _csv_rows(raw, shown))]
    elif suffix in (".xlsx", ".xlsm"):
        sheets = _xlsx_sheets(raw, shown)
    else:
        raise DataError("只能导入 .xlsx 或 .csv 文件", location=Location(shown),
                        code="E-FILETYPE",
                        hint="在 Excel 中另存为 .xlsx（Excel 工作簿）或 .csv（UTF-8）。")
    if sheet is not None:
        chosen = [s for s in sheets if s.name == sheet]
        if not chosen:
            from engine.errors import did_you_mean

            names = [s.name for s in sheets]
            raise DataError(f"工作簿中没有名为 “{sheet}” 的工作表", location=Location(shown),
                            code="E-NOTFOUND",
                            hint=did_you_mean(sheet, names) or "工作表：" + "、".join(names))
        sheets = chosen
    total = sum(len(s.rows) for s in sheets)
    if total > MAX_ROWS:
        raise LimitError(f"工作簿超过 {MAX_ROWS:,} 行的上限", limit="max_rows",
                         maximum=MAX_ROWS, location=Location(shown), hint=RAISE_LIMITS_HINT)
    return shown, sheets


def _csv_rows(raw: bytes, shown: str) -> list[tuple[int, list[str]]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise DataError("CSV 文件的编码无法识别", location=Location(shown), code="E-DATA",
                        hint="请以 UTF-8 编码保存。")
    del raw
    try:
        table = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise DataError(f"CSV 格式错误：{exc}", location=Location(shown), code="E-DATA") from None
    if len(table) > MAX_ROWS:
        raise LimitError(f"CSV 超过 {MAX_ROWS:,} 行的上限", limit="max_rows",
                         maximum=MAX_ROWS, location=Location(shown), hint=RAISE_LIMITS_HINT)
    # the quote a CSV this tool wrote put before text that could run as a formula comes off
    return [(n, [csv_unquote(c).strip() for c in row[:MAX_COLUMNS]])
            for n, row in enumerate(table, 1)]


def _xlsx_sheets(raw: bytes, shown: str) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            expanded = sum(i.file_size for i in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise DataError("不是有效的 xlsx 文件（无法按 Excel 工作簿读取）",
                        location=Location(shown), code="E-DATA",
                        hint="用 Excel 打开后另存为 .xlsx 再导入。") from None
    if expanded > MAX_EXPANDED:
        raise LimitError(f"xlsx 解压后超过 {MAX_EXPANDED:,} 字节的上限",
                         limit="max_expanded", maximum=MAX_EXPANDED, location=Location(shown),
                         hint=RAISE_LIMITS_HINT)
    try:
        book = load_workbook(io.BytesIO(raw), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise DataError(f"xlsx 文件无法读取（{type(exc).__name__}）", location=Location(shown),
                        code="E-DATA", hint="用 Excel 打开后另存为 .xlsx 再导入。") from None
    sheets = []
    for ws in book.worksheets:
        if ws.max_row > MAX_ROWS:
            raise LimitError(f"工作表 {ws.title} 超过 {MAX_ROWS:,} 行的上限", limit="max_rows",
                             maximum=MAX_ROWS, location=Location(shown),
                             hint=RAISE_LIMITS_HINT)
        merged = {}
        for area in ws.merged_cells.ranges:
            value = ws.cell(area.min_row, area.min_col).value
            for r in range(area.min_row, area.max_row + 1):
                for c in range(area.min_col, area.max_col + 1):
                    merged[(r, c)] = value
        rows = []
        for r, row in enumerate(ws.iter_rows(max_col=min(ws.max_column, MAX_COLUMNS),
                                             values_only=True), 1):
            rows.append((r, [_text(merged.get((r, c), v)) for c, v in enumerate(row, 1)]))
        sheets.append(Sheet(ws.title, rows))
    return sheets


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).strip()

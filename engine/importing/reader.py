"""Workbooks in: the sheets of an xlsx file or one CSV table, as rows of text cells.

Files are read with the project's bounded reader; an xlsx archive is checked for its
expanded size before it is opened (a small file cannot unpack into gigabytes), and its sheets
are scanned, streaming, for the cells, columns, merged areas and shared strings they declare
before any is expanded: a workbook past a limit is refused with the limit it hit. Merged cells
carry their value into every cell they cover, so a department written once over five rows
belongs to all five.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from engine.errors import DataError, LimitError, Location
from engine.fileio import RAISE_LIMITS_HINT, read_regular
from engine.loading.yamlio import display_path
from engine.render.cellsafe import csv_unquote

MAX_BYTES = 32 * 1024 * 1024  # the workbook file
MAX_EXPANDED = 256 * 1024 * 1024  # the xlsx archive unpacked
MAX_ROWS = 200_000  # rows over all sheets
MAX_COLUMNS = 200  # columns of a sheet (a list has about twenty)
MAX_CELLS = 1_000_000  # cells over all sheets, as the workbook stores them
MAX_MERGED = 100_000  # cells covered by merged ranges, over all sheets
MAX_SHARED_STRINGS = 1_000_000
_CHUNK = 1 << 20
_REF = re.compile(rb'<mergeCell [^>]*ref="([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})([0-9]{1,7}))?"')
_CELL_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')


@dataclass(frozen=True)
class Sheet:
    """One sheet: its name and its rows (1-based row numbers as the user sees them)."""

    name: str
    rows: list[tuple[int, list[str]]]


def read_workbook(path: Path, sheet: str | None = None) -> tuple[str, list[Sheet]]:
    """The displayed path and the sheets of an xlsx or CSV file (only ``sheet`` if named)."""
    shown = display_path(Path(path))
    raw = read_regular(Path(path), shown, MAX_BYTES)
    return shown, workbook_sheets(raw, Path(path).name, shown, sheet)


def workbook_sheets(raw: bytes, name: str, shown: str, sheet: str | None = None) -> list[Sheet]:
    """The sheets of a workbook already read (``name``: the file's name, which says whether
    it is xlsx or CSV; ``shown``: how messages name it), within the same limits."""
    if len(raw) > MAX_BYTES:
        raise LimitError(f"文件超过 {MAX_BYTES // (1024 * 1024)} MB 的上限", limit="max_bytes",
                         maximum=MAX_BYTES, location=Location(shown), hint=RAISE_LIMITS_HINT)
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        sheets = [Sheet(Path(name).stem, _csv_rows(raw, shown))]
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
    return sheets


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
    widest = max((len(row) for row in table), default=0)
    if widest > MAX_COLUMNS:
        raise LimitError(f"CSV 有 {widest:,} 列，超过 {MAX_COLUMNS} 列的上限",
                         limit="max_columns", maximum=MAX_COLUMNS, location=Location(shown),
                         hint="清单只需要二十列左右：删去多余的列后重新导入。")
    # the quote a CSV this tool wrote put before text that could run as a formula comes off
    return [(n, [csv_unquote(c).strip() for c in row[:MAX_COLUMNS]])
            for n, row in enumerate(table, 1)]


def _xlsx_sheets(raw: bytes, shown: str) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            expanded = sum(i.file_size for i in archive.infolist())
            if expanded > MAX_EXPANDED:
                raise LimitError(f"xlsx 解压后超过 {MAX_EXPANDED:,} 字节的上限",
                                 limit="max_expanded", maximum=MAX_EXPANDED,
                                 location=Location(shown), hint=RAISE_LIMITS_HINT)
            _scan(archive, shown)
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise DataError("不是有效的 xlsx 文件（无法按 Excel 工作簿读取）",
                        location=Location(shown), code="E-DATA",
                        hint="用 Excel 打开后另存为 .xlsx 再导入。") from None
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
        for area in ws.merged_cells.ranges:  # bounded by _scan: at most MAX_MERGED cells
            value = ws.cell(area.min_row, area.min_col).value
            for r in range(area.min_row, min(area.max_row, ws.max_row) + 1):
                for c in range(area.min_col, min(area.max_col, MAX_COLUMNS) + 1):
                    merged[(r, c)] = value
        rows = []
        for r, row in enumerate(ws.iter_rows(max_col=min(ws.max_column, MAX_COLUMNS),
                                             values_only=True), 1):
            rows.append((r, [_text(merged.get((r, c), v)) for c, v in enumerate(row, 1)]))
        sheets.append(Sheet(ws.title, rows))
    return sheets


def _scan(archive: zipfile.ZipFile, shown: str) -> None:
    """What the sheets declare, read streaming before anything is expanded: cells, columns,
    merged areas and shared strings, each against its limit."""
    cells = merged = 0
    for info in archive.infolist():
        name = info.filename
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            for chunk, seen in _chunks(archive, name):
                cells += sum(chunk.count(t) - chunk[:seen].count(t) for t in (b"<c ", b"<c>"))
                for m in (m for m in _REF.finditer(chunk) if m.end() > seen):
                    first, last = _column(m.group(1)), _column(m.group(3) or m.group(1))
                    rows = int(m.group(4) or m.group(2)) - int(m.group(2)) + 1
                    merged += max(last - first + 1, 1) * max(rows, 1)
                    _limit(merged, MAX_MERGED, "max_merged", "合并单元格覆盖的单元格", shown)
                    _limit(last, MAX_COLUMNS, "max_columns", "列", shown)
                for m in _CELL_COLUMN.finditer(chunk, max(seen - 16, 0)):
                    _limit(_column(m.group(1)), MAX_COLUMNS, "max_columns", "列", shown)
                _limit(cells, MAX_CELLS, "max_cells", "单元格", shown)
        elif name == "xl/sharedStrings.xml":
            strings = sum(c.count(t) - c[:seen].count(t) for c, seen in _chunks(archive, name)
                          for t in (b"<si>", b"<si "))
            _limit(strings, MAX_SHARED_STRINGS, "max_shared_strings", "共享字符串", shown)


def _chunks(archive: zipfile.ZipFile, name: str) -> Iterator[tuple[bytes, int]]:
    """The part's bytes in pieces, each after the last 80 bytes of the one before (a tag cut
    in two is still seen), with the length of that repeated start."""
    tail = b""
    with archive.open(name) as part:
        while chunk := part.read(_CHUNK):
            yield tail + chunk, len(tail)
            tail = chunk[-80:]


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _limit(value: int, maximum: int, limit: str, what: str, shown: str) -> None:
    if value > maximum:
        raise LimitError(f"工作簿的{what}超过 {maximum:,} 的上限（展开前检查，未读入）",
                         limit=limit, maximum=maximum, location=Location(shown),
                         hint="删去多余的行、列和合并单元格（或拆成几个工作簿）后重新导入。")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).strip()

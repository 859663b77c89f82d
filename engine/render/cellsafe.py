"""Cell text that spreadsheets open safely: no formulas, within Excel's limits.

Rules (documented in docs/formats.md):

- **Formula injection.** Text beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return could run as a formula when a spreadsheet opens the file. In CSV such text gets a
  single quote in front (``'=1+2``), as OWASP advises for CSV; in xlsx it is stored as a text
  cell marked "quote prefix", so Excel shows it unchanged and keeps it text when edited.
  Text that already begins with quotes before such a start gets one more (``''=1`` for
  ``'=1``), so that reading a CSV back takes exactly one quote off where one was added.
  A plain negative number (``-5``, ``-2.5``, ``-1,200``) is left alone: a spreadsheet reads it
  as a number, which runs nothing, and a quote would only spoil it. ``-2+3`` is not a plain
  number and is neutralised.
- **Length.** Excel holds at most 32,767 characters in a cell; longer text is cut so that,
  with a visible marker at the end, it fits.
- **Sheet names.** At most 31 characters, none of ``[]:*?/\\``, not blank, not beginning or
  ending with a single quote, not ``History`` (Excel reserves it), and unique ignoring case;
  a name already taken gets a suffix such as ``（2）``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

from engine.render.escape import md_inline

EXCEL_CELL_CHARS = 32_767
CUT_MARKER = "…（已截断，全文见 JSON）"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTED = (*TRIGGERS, "'")
SHEET_CHARS = 31
_NUMBER = re.compile(r"-(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")
_BAD_SHEET = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


# what a workbook's XML cannot hold (openpyxl refuses it): C0 controls but tab, LF and CR
_XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xlsx_text(text: str) -> str:
    """Text a workbook can hold: control characters (ESC, BEL …) written as ``\\x1b``,
    as on the terminal, instead of making the whole workbook fail."""
    if _XLSX_ILLEGAL.search(text) is None:
        return text
    return _XLSX_ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def risky(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula."""
    return text.startswith(TRIGGERS) and _NUMBER.fullmatch(text) is None


def cut(text: str, limit: int = EXCEL_CELL_CHARS) -> str:
    """``text`` cut with a visible marker so that it holds at most ``limit`` characters."""
    if len(text) <= limit:
        return text
    return text[:limit - len(CUT_MARKER)] + CUT_MARKER


def csv_text(text: str) -> str:
    """Text as a CSV cell: cut to Excel's limit, a quote in front when it could run. Text that
    already begins with quotes before such a start (``'=1``) gets one more, so that
    ``csv_unquote`` gives back exactly what was written."""
    if len(text) < EXCEL_CELL_CHARS and not text.startswith(QUOTED):
        return text  # the common case, first: nothing to cut, nothing that could run
    text = cut(text, EXCEL_CELL_CHARS - 1)  # room for the quote
    return "'" + text if risky(text.lstrip("'")) else text


def csv_unquote(cell: str) -> str:
    """A CSV cell read back: the quote ``csv_text`` put in front is taken off."""
    return cell[1:] if cell.startswith("'") and risky(cell[1:].lstrip("'")) else cell


class SafeWriter:
    """``csv.writer`` whose rows have every text cell made safe (``csv_text``); anything else
    (numbers) is written as it is."""

    def __init__(self, stream: Any, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_text(c) if isinstance(c, str) else c for c in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: Any, lineterminator: str = "\r\n") -> SafeWriter:
    """A CSV writer for files users open in spreadsheets (see ``SafeWriter``)."""
    return SafeWriter(stream, lineterminator=lineterminator)


def sheet_title(name: str, taken: Iterable[str] = ()) -> str:
    """A valid Excel sheet name from ``name``, different (ignoring case) from ``taken``."""
    base = _BAD_SHEET.sub("_", name).strip().strip("'").strip()
    if not base:
        base = "工作表"
    used = {t.casefold() for t in taken} | {"history"}
    title = base[:SHEET_CHARS]
    n = 1
    while title.casefold() in used:
        n += 1
        suffix = f"（{n}）"
        title = base[:SHEET_CHARS - len(suffix)] + suffix
    return title


# what every list format writes as it is: no character any of them escapes or quotes
_PLAIN = re.compile("[^\\x00-\\x1f\\x7f,\"'&<>|\\\\\ue000-\uf8ff]*")


def plain(text: str) -> bool:
    """Whether ``text`` can be put in a stand-in's place as it is (no format escapes it, and
    a spreadsheet could not take it for a formula at the start of a cell)."""
    return _PLAIN.fullmatch(text) is not None and not text.startswith(TRIGGERS) \
        and md_inline(text) == text

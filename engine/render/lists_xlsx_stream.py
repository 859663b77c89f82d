"""Street and department workbooks of a tree of list files without openpyxl per file.

A class of streets whose lists differ only by names (``ListPlan.street_classes``) gets its
workbook once, with stand-ins for the street's id and name and for each department's side in
it (``engine.lists.street_json.StandIns``); the parts of that workbook (the sheets' XML, the
workbook's XML with the sheets' names, the styles …) are split at the stand-ins and at the
columns' widths. Each street's workbook is those parts with its own names put in and each
column's width worked out again for them, zipped as ``lists_xlsx.zipped`` zips any workbook:
byte for byte what openpyxl writes for the street's own lists.

A class's workbook is put together from pieces of the workbooks openpyxl built before
(``_Pieces``) where it can be: openpyxl builds only the rows not seen yet. A department's
workbook has its ledger put together from one row built with stand-ins (``_Ledger``).

A name that openpyxl would write otherwise than as it is, or that would change what the
workbook holds beside the text, is never put in that way, and the file is built through
openpyxl from its own lists: a name that some format escapes or quotes or a spreadsheet could
take for a formula (``lists_stream``), one with spaces at either end (kept with
``xml:space``), one that makes a sheet's name invalid or too long (``cellsafe.sheet_title``
would change it), or one long enough that a cell holding it could reach Excel's limit (cut
with a marker).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import chain
from operator import itemgetter

from engine.lists.street_json import CLOSE, OPEN, Sides, StandIns, token
from engine.models.lists import CountyLists, ListSource, NotApplying
from engine.render.cellsafe import EXCEL_CELL_CHARS, TRIGGERS, plain, risky, sheet_title
from engine.render.lists_table import Cell, Column, display
from engine.render.lists_xlsx import (
    NUMBER_FORMATS,
    Sheet,
    column_width,
    sheets,
    workbook,
    workbook_entries,
    zipped,
)
from engine.render.table import width

_SLOT = re.compile(OPEN.encode() + rb"(\w+)" + CLOSE.encode())
_SLOT_TEXT = re.compile(f"{OPEN}(\\w+){CLOSE}")
_WIDTH = re.compile(rb'<col width="[^"]*"')
_SHEET = re.compile(r"xl/worksheets/sheet(\d+)\.xml")
_NAME_KEY = "n"  # the street's name among the stand-ins' keys


def _plain(text: str) -> bool:
    """Whether ``text`` can be put in a stand-in's place in a workbook as it is."""
    return plain(text) and text == text.strip()


class _Width:
    """How wide a column of a class's sheet is for a street: the widest of its cells without
    a stand-in (and its heading), and of the cells with stand-ins, each as (the width of its
    text around them, the keys of the stand-ins in it)."""

    def __init__(self, column: Column, texts: Sequence[str], keys: dict[str, int],
                 width: Callable[[str], int]) -> None:
        self.column = column
        self.fixed = max(map(width, [column.title, *(t for t in texts if OPEN not in t)]))
        shapes: set[tuple[int, tuple[int, ...]]] = set()
        for text in texts:
            if OPEN in text:
                parts = _SLOT_TEXT.split(text)
                shapes.add((sum(map(width, parts[0::2])),
                            tuple(keys.get(k, 0) for k in parts[1::2])))
        cap = max(column.width, 6) - 2  # any text this wide gives the column its full width
        self.shapes = [] if self.fixed >= cap else sorted(s for s in shapes if s[0] < cap)
        if any(s[0] >= cap for s in shapes):
            self.fixed, self.shapes = cap, []

    def of(self, widths: Callable[[int], int]) -> bytes:
        """The column's width as openpyxl writes it, ``widths`` giving a stand-in's value's."""
        longest = max([self.fixed, *(lit + sum(map(widths, at)) for lit, at in self.shapes)])
        return str(column_width(self.column, longest)).encode()


class _Class:
    """A class's workbook with stand-ins: its parts split at them (None if it cannot be
    filled), the sheets' names and the columns' widths."""

    def __init__(self, books: XlsxStreets, lists: CountyLists) -> None:
        keys = dict(books.stand_ins.keys)
        self.keys = len(keys)
        self.width = books.width
        specs = sheets(lists, books.names, books.with_rules, books.source)
        self.titles = [title for title, *_ in specs]
        self.columns = [len(columns) for _, columns, _, _ in specs]
        self.name = keys[_NAME_KEY]
        self.widths: list[_Width] = []
        self.longest = 0  # the longest text around stand-ins in one cell, and their most
        self.most = 0
        self.parts: list[tuple[str, int, list[bytes], Callable[[list[bytes]], Sequence[bytes]]]]
        self.parts = []
        self.ok = self._cells(specs, keys)
        if not self.ok:  # every street of the class is built on its own
            return
        keys.update((f"w{at}", self.keys + at) for at in range(len(self.widths)))
        street = lists.streets[0]
        rows = [street.basic, street.cooperative, street.recalled, street.not_applying]
        rows = rows[:len(specs)]
        made = books.pieces.get(specs, rows)
        if made is None:  # openpyxl builds the rows not known yet, on their own
            new_specs, new_rows = books.pieces.missing(specs, rows)
            built = self._built(new_specs)
            if self.ok:  # its widths found where they should be
                books.pieces.put(new_specs, new_rows, built)
                made = books.pieces.get(specs, rows)
        if made is None:
            made = self._built(specs)
            if self.ok:
                books.pieces.put(specs, rows, made)
        for name, attributes, body in made:
            pieces = _SLOT.split(body)
            used = [p.decode() for p in pieces[1::2]]
            literals = pieces[0::2]
            if not set(used) <= set(keys) or any(OPEN.encode() in t or CLOSE.encode() in t
                                                  for t in literals):
                self.ok = False  # the data itself holds a stand-in character
            positions = [keys.get(k, 0) for k in used]
            self.parts.append((name, attributes, literals, _picker(positions)))

    def _cells(self, specs: list[Sheet], keys: dict[str, int]) -> bool:
        """Note every cell's text with stand-ins (the columns' widths, the longest cell);
        False when a sheet's name would not be the one given."""
        for n, (title, columns, rows, heading) in enumerate(specs):
            if sheet_title(title, self.titles[:n]) != title:
                return False
            texts = [[display(c) for c in row] for row in rows]
            for i, column in enumerate(columns):
                self.widths.append(_Width(column, [r[i] for r in texts], keys, self.width))
            for text in chain([heading or ""], chain.from_iterable(texts)):
                if OPEN in text:
                    if len(text) > EXCEL_CELL_CHARS:
                        return False
                    parts = _SLOT_TEXT.split(text)
                    self.longest = max(self.longest, sum(map(len, parts[0::2])))
                    self.most = max(self.most, len(parts) // 2)
        return True

    def _built(self, specs: list[Sheet]) -> list[tuple[str, int, bytes]]:
        """The workbook of ``specs`` built by openpyxl, as ``workbook_entries`` gives it,
        with the columns' widths as stand-ins."""
        made = []
        for name, attributes, body in workbook_entries(workbook(specs)):
            found = _SHEET.fullmatch(name)
            if found is not None and self.ok:
                body = self._widths(body, int(found.group(1)) - 1)
            made.append((name, attributes, body))
        return made

    def _widths(self, body: bytes, sheet: int) -> bytes:
        """The sheet's XML with a stand-in for each column's width (the sheet's columns in
        order, after those of the sheets before it)."""
        first = sum(self.columns[:sheet])
        count = iter(range(first, first + self.columns[sheet]))

        def slot(_: re.Match[bytes]) -> bytes:
            at = next(count, None)
            if at is None:
                self.ok = False
                return b""
            return b'<col width="' + token(f"w{at}").encode() + b'"'

        body = _WIDTH.sub(slot, body)
        if next(count, None) is not None:  # a column without a width of its own
            self.ok = False
        return body

    def fill(self, values: list[str]) -> bytes | None:
        """The workbook with ``values`` (in the order of the stand-ins' keys) put in, or None
        when one of them cannot be put in as it is."""
        if not self.ok:
            return None
        name = values[self.name]
        titles = [t.replace(token(_NAME_KEY), name) for t in self.titles]
        if any(sheet_title(t, titles[:n]) != t for n, t in enumerate(titles)):
            return None
        if self.longest + self.most * max(map(len, values)) > EXCEL_CELL_CHARS:
            return None
        cache: dict[int, int] = {}

        def widths(at: int) -> int:
            found = cache.get(at)
            if found is None:
                found = cache[at] = self.width(values[at])
            return found

        filled = [v.encode() for v in values] + [w.of(widths) for w in self.widths]
        return zipped((name, attributes, b"".join(chain.from_iterable(zip(
            literals, pick(filled), strict=False))) + literals[-1])
            for name, attributes, literals, pick in self.parts)


def _picker(positions: list[int]) -> Callable[[list[bytes]], Sequence[bytes]]:
    """The values at ``positions``, picked in one call."""
    if len(positions) > 1:
        return itemgetter(*positions)
    return lambda values: [values[i] for i in positions]


_TRIGGERS = frozenset(TRIGGERS)
_LAST = "\ue003"  # where a workbook's pieces name a sheet's last row
_NUMBER = "\ue004"  # a row's number in its piece
_SEQ = "\ue005"  # its number in its list
_MARKERS = re.compile("[\ue003-\ue005]")
_DATA_ROW = re.compile(r'<row r="(\d+)">.*?</row>', re.S)
_DIMENSION = r'(<dimension ref="[A-Z]+1:[A-Z]+){}(")'
_FILTER = r'(<autoFilter ref="[A-Z]+2:[A-Z]+){}(")'
_CELL_ROW = r'( r="[A-Z]*){}"'
_FIRST_SEQ = re.compile(f'^(<row r="{_NUMBER}"><c r="A{_NUMBER}" s="\\d+" t="n"><v>)(\\d+)(</v>)')

Piece = tuple[str, int, bytes | str]  # a part's name, attributes, and content or frame


class _Pieces:
    """Workbooks of classes put together without openpyxl from the pieces of those it built.

    What a workbook's parts hold around its rows (the sheets' heads and tails, the
    workbook's part, the styles …) depends only on the styles in the order its cells first
    use them (openpyxl numbers them so) and on its sheets: it is kept per both, with the
    sheets' last rows taken out. A row's XML depends only on the row (rows made with
    stand-ins are the same objects in every class that has them; an item not applying is
    told by its code, name and reason) and on that order: it is kept per both and its sheet,
    with its numbers taken out."""

    def __init__(self) -> None:
        self.frames: dict[tuple[tuple[str, ...], int], list[Piece]] = {}
        self.rows: dict[tuple[tuple[str, ...], int, object], tuple[object, str]] = {}

    @staticmethod
    def _key(row: object) -> object:
        return (row.item, row.name, row.reason) if isinstance(row, NotApplying) else id(row)

    def get(self, specs: list[Sheet], rows: list[Sequence[object]]) -> list[Piece] | None:
        """The workbook's parts (as ``workbook_entries`` with the widths taken out), or None
        when a piece is missing."""
        styles = _styles(specs)
        frame = self.frames.get((styles, len(specs)))
        if frame is None:
            return None
        sheets_: list[str] = []
        for j, listed in enumerate(rows):
            text = []
            for n, row in enumerate(listed, start=1):
                found = self.rows.get((styles, j, self._key(row)))
                if found is None or (found[0] is not row and not isinstance(row, NotApplying)):
                    return None
                text.append(found[1].replace(_NUMBER, str(n + 2)).replace(_SEQ, str(n)))
            sheets_.append("".join(text))
        out: list[Piece] = []
        for name, attributes, content in frame:
            if isinstance(content, bytes):
                out.append((name, attributes, content))
                continue
            found = _SHEET.fullmatch(name)
            if found is None:  # the workbook's part: every sheet's last row
                for j, listed in enumerate(rows):
                    content = content.replace(f"{_LAST}{j}{_LAST}", str(len(listed) + 2))
            else:
                j = int(found.group(1)) - 1
                head, tail = content.split(_NUMBER)
                last = str(len(rows[j]) + 2)
                content = head.replace(_LAST, last) + sheets_[j] + tail.replace(_LAST, last)
            out.append((name, attributes, content.encode()))
        return out

    def missing(self, specs: list[Sheet], rows: list[Sequence[object]]
                ) -> tuple[list[Sheet], list[list[object]]]:
        """The same sheets with only the rows whose pieces are not kept (numbered anew), and
        those rows: what openpyxl has to build so that the workbook can be put together, if
        the rows use the styles in the same order as the whole workbook does."""
        styles = _styles(specs)
        out: list[Sheet] = []
        left: list[list[object]] = []
        for j, ((title, columns, cells_, heading), listed) in enumerate(
                zip(specs, rows, strict=True)):
            keep = [(c, row) for c, row in zip(cells_, listed, strict=True)
                    if (found := self.rows.get((styles, j, self._key(row)))) is None
                    or (found[0] is not row and not isinstance(row, NotApplying))]
            seq = bool(columns) and columns[0].kind == "seq"
            out.append((title, columns, [[n, *c[1:]] if seq else c
                                         for n, (c, _) in enumerate(keep, start=1)], heading))
            left.append([row for _, row in keep])
        return out, left

    def put(self, specs: list[Sheet], rows: list[Sequence[object]],
            made: list[tuple[str, int, bytes]]) -> None:
        """Keep the pieces of a workbook openpyxl built (nothing if one cannot be told
        apart)."""
        styles = _styles(specs)
        frame: list[Piece] = []
        found_rows: list[tuple[int, object, str]] = []
        for name, attributes, body in made:
            sheet = _SHEET.fullmatch(name)
            if name != "xl/workbook.xml" and sheet is None:
                frame.append((name, attributes, body))
                continue
            text = body.decode()
            if _MARKERS.search(text):
                return
            if sheet is None:
                for j, listed in enumerate(rows):
                    text, count = re.subn(
                        f'(localSheetId="{j}" hidden="1">[^<]*\\$[A-Z]+\\$){len(listed) + 2}(<)',
                        f"\\g<1>{_LAST}{j}{_LAST}\\g<2>", text)
                    if count != 1:
                        return
                frame.append((name, attributes, text))
                continue
            j = int(sheet.group(1)) - 1
            seq = specs[j][1][0].kind == "seq"
            data = [m for m in _DATA_ROW.finditer(text) if int(m.group(1)) > 2]
            if len(data) != len(rows[j]):
                return
            start = data[0].start() if data else text.index("</sheetData>")
            end = data[-1].end() if data else start
            if "".join(m.group() for m in data) != text[start:end]:
                return
            last = str(len(rows[j]) + 2)
            head, tail = text[:start], text[end:]
            head, one = re.subn(_DIMENSION.format(last), f"\\g<1>{_LAST}\\g<2>", head)
            tail, two = re.subn(_FILTER.format(last), f"\\g<1>{_LAST}\\g<2>", tail)
            if one != 1 or two != 1 or head.count(_LAST) != 1 or tail.count(_LAST) != 1:
                return
            frame.append((name, attributes, head + _NUMBER + tail))
            for n, (m, row) in enumerate(zip(data, rows[j], strict=True), start=1):
                piece, count = re.subn(_CELL_ROW.format(n + 2), f'\\g<1>{_NUMBER}"', m.group())
                if count != piece.count("<c ") + 1:
                    return
                if seq:
                    piece, count = _FIRST_SEQ.subn(lambda m, n=n: m.group(1) + _SEQ + m.group(3)
                                                   if m.group(2) == str(n) else m.group(), piece)
                    if count != 1 or _SEQ not in piece:
                        return
                found_rows.append((j, row, piece))
        self.frames[(styles, len(specs))] = frame
        for j, row, piece in found_rows:
            self.rows[(styles, j, self._key(row))] = (row, piece)


def _styles(specs: list[Sheet]) -> tuple[str, ...]:
    """The styles of the sheets' cells in the order they are first used (after the title
    and the heading, which come first in every workbook)."""
    seen: dict[str, None] = {}
    for _, columns, rows, _ in specs:
        formats = [NUMBER_FORMATS.get(c.kind) or "0" for c in columns]
        for row in rows:
            for value, number in zip(row, formats, strict=True):
                kind = (number if isinstance(value, int)
                        else "'" if value[:1] in _TRIGGERS and risky(value) else "@")
                if kind not in seen:
                    seen[kind] = None
    return tuple(seen)


class XlsxStreets:
    """The street workbooks of a tree, one class of streets at a time."""

    def __init__(self, stand_ins: StandIns, base: CountyLists, names: dict[str, str],
                 source: ListSource | None, with_rules: bool) -> None:
        self.stand_ins, self.base, self.names = stand_ins, base, names
        self.source, self.with_rules = source, with_rules
        self.plan = stand_ins.plan
        self.sides = Sides(self.plan, stand_ins.depts, _plain)
        self.widths: dict[str, int] = {}  # texts' widths, by text
        self.pieces = _Pieces()

    def department(self, lists: CountyLists) -> bytes | None:
        """A department's workbook, its ledger put together row by row; None when it must
        be built through openpyxl (see ``_Ledger``)."""
        if len(lists.departments) != 1 or not lists.departments[0].funding_owed:
            return None
        return _Ledger(lists, self).file(self.width)

    def width(self, text: str) -> int:
        """``table.width`` of ``text``, kept for the next time."""
        found = self.widths.get(text)
        if found is None:
            found = self.widths[text] = width(text)
        return found

    def stencil(self, members: Sequence[str]) -> Callable[[str], bytes | None]:
        """The class of streets ``members`` built once: a function giving each street's
        workbook of that class, or None for a street whose names cannot be put in as they
        are."""
        made = _Class(self, self.base.model_copy(update={
            "streets": [self.stand_ins.lists(members[0])]}))

        def fill(street: str) -> bytes | None:
            name = self.plan.county.streets[street].name
            sides = self.sides.of(street) if _plain(street) and _plain(name) else None
            if sides is None:
                return None
            return made.fill([street, name, *chain.from_iterable(sides)])

        return fill



_ROW = re.compile(r'<row r="3">.*?</row>', re.S)
_ROW_NUMBER = re.compile(r'( r="[A-Z]*)3"')
_LAST_ROW = {  # where a part names the ledger's last row (3 in the stencil), and how often
    "xl/workbook.xml": (re.compile(r'(localSheetId="1" hidden="1">[^<]*\$[A-Z]+\$)3(<)'), 1),
    "xl/worksheets/sheet2.xml": (
        re.compile(r'(<(?:dimension|autoFilter) ref="[A-Z]+[0-9]+:[A-Z]+)3(")'), 2)}
_MARKS = (987654301, 987654302)  # the ledger's amounts in the stencil's row


class _Ledger:
    """A department's workbook as openpyxl writes it, its ledger (one row per street the
    department owes funds) put together from one row rendered with stand-ins: the row's XML
    filled per street, the last row and the columns' widths put in where they are named."""

    def __init__(self, lists: CountyLists, books: XlsxStreets) -> None:
        items, (title, columns, rows, heading) = sheets(lists, books.names, books.with_rules,
                                                        books.source)
        self.rows, self.columns = rows, columns
        self.row: str | None = None
        self.parts: list[tuple[str, int, str | None, bytes]] = []
        stand_in: list[list[Cell]] = [[token("s"), token("n"), *_MARKS]]
        for name, attributes, body in workbook_entries(workbook([items, (title, columns,
                                                                          stand_in, heading)])):
            text = None
            if name in _LAST_ROW:
                text = body.decode().replace("{", "{{").replace("}", "}}")
                if name.startswith("xl/worksheets/"):
                    text = self._sheet(text)
                pattern, count = _LAST_ROW[name]
                text, found = pattern.subn(r"\g<1>{end}\g<2>", text or "")
                if found != count:
                    return
            elif OPEN.encode() in body:
                return  # the data itself holds a stand-in character
            self.parts.append((name, attributes, text, body))
        if len(self.parts) < len(_LAST_ROW) or self.row is None:
            self.row = None

    def _sheet(self, text: str) -> str | None:
        """The ledger sheet's XML as a format string: its rows at ``rows``, its columns'
        widths at ``w0`` …; its row as a format string of the row number (``r``), the
        street's id (``s``) and name (``n``) and the amounts (``a``, ``b``)."""
        found = list(_ROW.finditer(text))
        if len(found) != 1:
            return None
        row, count = _ROW_NUMBER.subn(r'\g<1>{r}"', found[0].group())
        row = row.replace(token("s"), "{s}").replace(token("n"), "{n}")
        for key, mark in zip("ab", _MARKS, strict=True):
            row = row.replace(f"<v>{mark}</v>", f"<v>{{{key}}}</v>")
        if count != len(self.columns) + 1 or OPEN in row or str(_MARKS[0])[:6] in row:
            return None
        widths = iter(range(len(self.columns)))
        sheet = re.sub('<col width="[^"]*"', lambda _: f'<col width="{{w{next(widths, 0)}}}"',
                       text[:found[0].start()]) + "{rows}" + text[found[0].end():]
        if next(widths, None) is not None or OPEN in sheet:
            return None
        self.row = row
        return sheet

    def file(self, widths: Callable[[str], int]) -> bytes | None:
        """The department's workbook (``widths`` giving a name's width), or None when a
        street's id or name cannot be put in a row as it is or the stencil could not be
        made."""
        if self.row is None or not self.rows:
            return None
        row, lines = self.row, []
        longest = [width(c.title) for c in self.columns]
        for r, (sid, name, a, b) in enumerate(self.rows, start=3):
            if not (isinstance(sid, str) and isinstance(name, str) and type(a) is int
                    and type(b) is int and _plain(sid) and _plain(name)):
                return None
            lines.append(row.format(r=r, s=sid, n=name, a=a, b=b))
            for i, w in enumerate((widths(sid), widths(name), len(f"{a:,}"), len(f"{b:,}"))):
                if w > longest[i]:
                    longest[i] = w
        values = {"rows": "".join(lines), "end": len(self.rows) + 2,
                  **{f"w{i}": column_width(c, w)
                     for i, (c, w) in enumerate(zip(self.columns, longest, strict=True))}}
        return zipped((name, attributes, body if text is None else text.format(**values).encode())
                      for name, attributes, text, body in self.parts)

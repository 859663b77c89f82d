"""Every street's and department's lists as files, produced one at a time from a plan.

The files are those of ``render_tree``, in the same bytes, but nothing holds them all: each is
made when the writer asks for it. A class of streets whose lists differ only by names
(``ListPlan.street_classes``) is rendered once with stand-ins for the street's id and name and
for each department's side in it (its unit there, or the department); each street's file is
that text with its own names put in. A CSV, Markdown or HTML file of a street alone in its
class (or in a small one) is put together from its rows: each row's line rendered once per
template with stand-ins and cut at its row number, filled once per street and once per
department side, and laid out with the writer's headings and counts. Names that some format
would escape or quote (commas, quotes, ``|``, ``<``, ``&``, brackets, line breaks …) are never
put in that way: such a street is rendered from its own lists.

Both processors work: a forked second process makes the departments' files and streets' files
and sends them back as bytes, while this one makes others; the two take classes of streets
from the two ends until they meet.
"""

from __future__ import annotations

import contextlib
import io
import json
import mmap
import os
import queue
import signal
import struct
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from itertools import chain
from operator import itemgetter
from typing import Any

from engine.lists.plan import LISTS, ListPlan, RowTemplate
from engine.lists.street_json import CLOSE, OPEN, SLOT, Sides, StandIns, token
from engine.models.decision import Party
from engine.models.lists import CountyLists, ListRow, ListSource, NotApplying
from engine.render import lists_html, lists_md
from engine.render.cellsafe import CUT_MARKER, csv_writer, plain
from engine.render.lists_csv import BOM, head
from engine.render.lists_files import BINARY, index_file, render_lists
from engine.render.lists_table import Kept, Lines, flat_cells
from engine.treewriter import frame, frames

STENCIL_CSV = 32  # a class this large is rendered once; smaller ones row by row (CSV)
STENCIL_TEXT = 32  # the same for Markdown and HTML
_COUNTS = "\0counts"  # not a file: the second process's counts of its streets' rows


def _slots(text: str, fields: dict[str, str]) -> str | None:
    """``text`` as a format string, each stand-in a field (named by ``fields``); None when
    the text holds a stand-in character of its own or an unknown stand-in."""
    if not set(SLOT.findall(text)) <= set(fields):
        return None
    out = SLOT.sub(lambda m: "{" + fields[m.group(1)] + "}",
                    text.replace("{", "{{").replace("}", "}}"))
    return None if OPEN in out or CLOSE in out else out


Sizes = tuple[int, int, int]  # a street's rows in its basic, cooperating and recalled lists


class _RowStreets:
    """Street files put together from row stencils. Each template's row is rendered once
    with stand-ins and cut at its row number: the part before it names only the street (its
    id and name, in CSV; nothing in Markdown and HTML), the part after it only the side of the
    item's department (its unit there, or the department: the same for every street that
    side serves). A street's file is laid out from its rows, each the part before filled with
    the street, the row number and the part after filled with the side, each filled once and
    kept while it is wanted: in CSV one table, in Markdown and HTML the writer's own page
    (``street_page``) with its headings, sections and counts."""

    KEPT_SIDES = 4096  # sides whose filled parts are kept at once (memory stays bounded)

    def __init__(self, stand_ins: _StandIns, names: dict[str, str], source: ListSource | None,
                 with_rules: bool) -> None:
        plan = self.plan = stand_ins.plan
        self.names, self.source, self.with_rules = names, source, with_rules
        self.street = stand_ins.street
        self.side = Party.model_construct(kind="unit", id=token("ui"), name=token("un"))
        self.depts, self.sides = stand_ins.depts, stand_ins.sides
        self.befores: list[str] = []  # the parts before the row number (format strings)
        self.before_of: list[int] = []  # per line: its part before (index into befores)
        self.afters: list[str] = []  # per line: its part after (a format string)
        self.domains: list[str | None] = []  # per line: its field of work
        self.filled: dict[tuple[str, str, str], dict[int, str]] = {}  # side → line → after
        kinds = {k: i for i, k in enumerate(LISTS)}

        def entry(t: RowTemplate) -> tuple[int, int | None]:
            return kinds[t.list], self._line(t)

        # per item in publication order: where it applies (and its line where it does
        # not), its streets' own rows, its department's profiles, each profile's row and its
        # department (index into ``depts``)
        self.items = [(ip.applies,
                       None if ip.applies is None else self._line(NotApplying(
                           item=ip.item.id, name=ip.item.name, reason=ip.reason)),
                       {sid: entry(t) for sid, t in ip.by_street.items()},
                       plan.profiles.ids(ip.item.department),
                       {p: entry(t) for p, t in ip.by_profile.items()},
                       self.depts.index(ip.item.department))
                      for ip in plan.published]

    def parts(self, row: ListRow | NotApplying) -> tuple[str, str] | None:
        """The row's text (made with stand-ins) before and after its row number; None when
        it cannot be cut there."""
        raise NotImplementedError

    def page(self, sid: str, name: str, kind: str, rows: list[Lines]) -> str:
        """The street's file from its rows: basic, cooperating, recalled, not applying."""
        raise NotImplementedError

    def _line(self, t: RowTemplate | NotApplying) -> int | None:
        """The row's line (index into ``afters``), or None when it cannot be filled from the
        street and the side apart (a cell naming the street after the row number, or one
        whose text depends on the names' length)."""
        row = t if isinstance(t, NotApplying) else t.row(self.street, self.side)
        cut = self.parts(row)
        if cut is None:
            return None
        before, after = _slots(cut[0], {"s": "0", "n": "1"}), _slots(cut[1], {"ui": "0",
                                                                              "un": "1"})
        if before is None or after is None:
            return None
        if before not in self.befores:
            self.befores.append(before)
        self.before_of.append(self.befores.index(before))
        self.afters.append(after)
        self.domains.append(None if isinstance(t, NotApplying) else t.item.domain)
        return len(self.afters) - 1

    def _after(self, side: tuple[str, str, str]) -> dict[int, str]:
        """The parts after the row number already filled with ``side``, by line."""
        found = self.filled.get(side)
        if found is None:
            if len(self.filled) >= self.KEPT_SIDES:
                self.filled.clear()
            found = self.filled[side] = {}
        return found

    def file(self, sid: str, index: int) -> tuple[str, Sizes] | None:
        """The street's file and its lists' sizes, or None when a name cannot be put in
        plainly."""
        street = self.plan.county.streets[sid]
        name = street.name
        sides = self.sides.of(sid)
        if sides is None or not (plain(sid) and plain(name)):
            return None
        texts, afters = self.afters, [self._after(side) for side in sides]
        placed: tuple[tuple[list[int], list[str]], ...] = tuple(  # lines, afters
            ([], []) for _ in (*LISTS, "absent"))
        absent = placed[-1]
        for applies, away, own, ids, by_profile, dept in self.items:
            if applies is not None and sid not in applies:
                line, target = away, absent
            else:
                kind, line = (own.get(sid) if own else None) or by_profile[ids[index]]
                target = placed[kind]
            if line is None:
                return None
            got = afters[dept].get(line)
            if got is None:
                side = sides[dept]
                got = afters[dept][line] = texts[line].format(side[1], side[2])
            target[0].append(line)
            target[1].append(got)
        starts = [before.format(sid, name) for before in self.befores]
        rows = [Lines(list(map(starts.__getitem__, map(self.before_of.__getitem__, used))),
                      after, list(map(self.domains.__getitem__, used)))
                for used, after in placed]
        return self.page(sid, name, street.kind, rows), (len(rows[0].after),
                                                         len(rows[1].after),
                                                         len(rows[2].after))


class _CsvStreets(_RowStreets):
    """CSV street files from row stencils: one table, each line cut at its row number (the
    street's id and name come before it)."""

    def __init__(self, stand_ins: _StandIns, names: dict[str, str], source: ListSource | None,
                 with_rules: bool) -> None:
        self.head = head(with_rules)
        self.numbers = [str(i) for i in range(1, len(stand_ins.plan.published) + 1)]
        super().__init__(stand_ins, names, source, with_rules)

    def parts(self, row: ListRow | NotApplying) -> tuple[str, str] | None:
        """None for a cell cut at Excel's limit (its length depends on the names)."""
        values = flat_cells(token("s"), token("n"), 0, row, self.names, self.with_rules)
        values[3] = token("i")  # the row number (序号)
        buf = io.StringIO()
        csv_writer(buf).writerow(values)
        if CUT_MARKER in buf.getvalue():
            return None
        before, _, after = buf.getvalue().partition(token("i"))
        return before, after

    def page(self, sid: str, name: str, kind: str, rows: list[Lines]) -> str:
        return BOM + self.head + "".join(chain.from_iterable(chain.from_iterable(
            zip(r.before, self.numbers[:len(r.after)], r.after, strict=True) for r in rows)))


class _TextStreets(_RowStreets):
    """Markdown or HTML street files from row stencils: the writer's (``module``'s) own page
    with its headings, sections and counts, from its rows' lines."""

    def __init__(self, stand_ins: _StandIns, names: dict[str, str], source: ListSource | None,
                 with_rules: bool, module: Any) -> None:
        self.module = module
        super().__init__(stand_ins, names, source, with_rules)

    def parts(self, row: ListRow | NotApplying) -> tuple[str, str]:
        if isinstance(row, NotApplying):
            return self.module.absent_parts(row, self.with_rules)
        return self.module.row_parts(row, self.names, self.with_rules)

    def page(self, sid: str, name: str, kind: str, rows: list[Lines]) -> str:
        page: str = self.module.street_page(name, sid, kind, self.plan.county.name,
                                            self.source, self.with_rules, rows[:3], rows[3])
        return page


# the formats whose small classes are put together row by row: how, and the size of a class
# rendered once instead (read when used, so that tests can set it)
ROWS: dict[str, tuple[Callable[..., _RowStreets], Callable[[], int]]] = {
    "csv": (_CsvStreets, lambda: STENCIL_CSV),
    "md": (partial(_TextStreets, module=lists_md), lambda: STENCIL_TEXT),
    "html": (partial(_TextStreets, module=lists_html), lambda: STENCIL_TEXT)}


class _StandIns(StandIns):
    """What every stencil of a tree shares: the stand-ins and the rows made with them, the
    sides found so far, and the text of those rows in the tree's format."""

    def __init__(self, plan: ListPlan) -> None:
        super().__init__(plan)
        self.sides = Sides(plan, self.depts, plain)
        self.kept: Kept = {}


class _Stencil:
    """A class of streets rendered once, with slots for the street's id and name and, per
    department, its side's kind, id and name; split once into the text between the slots."""

    def __init__(self, stand_ins: _StandIns, base: CountyLists, names: dict[str, str],
                 fmt: str, sid: str, source: ListSource | None, with_rules: bool) -> None:
        self.plan, self.sides, keys = stand_ins.plan, stand_ins.sides, stand_ins.keys
        lists = stand_ins.lists(sid)
        self.sizes = len(lists.basic), len(lists.cooperative), len(lists.recalled)
        text = render_lists(base.model_copy(update={"streets": [lists]}), names, fmt, source,
                            with_rules, stand_ins.kept)
        assert isinstance(text, str)
        parts = SLOT.split(text)
        self.literals: list[str] | None = parts[0::2]
        used = parts[1::2]
        if not set(used) <= set(keys) or any(OPEN in t or CLOSE in t for t in parts[0::2]):
            self.literals = None  # the data itself holds a stand-in character: no stencil
        if fmt == "csv" and CUT_MARKER in text:
            self.literals = None  # a cell cut at Excel's limit: its length depends on names
        positions = [keys.get(k, 0) for k in used]
        # the values at the slots, picked in one call (a class's file has thousands of slots)
        self.pick: Callable[[list[str]], Sequence[str]] = (
            itemgetter(*positions) if len(positions) > 1
            else lambda values: [values[i] for i in positions])

    def fill(self, sid: str) -> tuple[str, Sizes] | None:
        """The street's file and its lists' sizes, or None when one of its names cannot be
        put in plainly."""
        if self.literals is None:
            return None
        name = self.plan.graph.street(sid).name
        sides = self.sides.of(sid)
        if sides is None or not (plain(sid) and plain(name)):
            return None
        filled = self.pick([sid, name, *chain.from_iterable(sides)])  # one fewer than literals
        return "".join(chain.from_iterable(zip(self.literals, filled, strict=False))) \
            + self.literals[-1], self.sizes


def lists_tree(plan: ListPlan, names: dict[str, str], fmt: str,
               source: ListSource | None = None,
               with_rules: bool = False) -> Iterator[tuple[str, str | bytes]]:
    """``streets/ID.fmt`` for every street, ``departments/ID.fmt`` for every department and
    the index, one file at a time (as ``render_tree`` with the same ``source`` and
    ``with_rules``). A second process makes the departments' files and then streets' files
    meanwhile, on the other processor: the classes of streets are taken one at a time, by
    this process from the front and by the second from the back, until the two meet. Each
    process counts the rows of the streets it makes (the HTML index shows them); the second
    sends its counts after its files."""
    county = plan.county
    base = CountyLists.model_construct(county=county.name, policy=plan.ws.policy.hash,
                                       streets=[], departments=[])
    stand_ins = _StandIns(plan)
    rows = ROWS[fmt][0](stand_ins, names, source, with_rules) if fmt in ROWS else None
    books = None
    if fmt == "xlsx":
        from engine.render.lists_xlsx_stream import XlsxStreets  # openpyxl only for workbooks

        books = XlsxStreets(stand_ins, base, names, source, with_rules)
    classes = list(plan.street_classes())
    counts: dict[str, Sizes] = {}  # per street file made here or received: its lists' rows

    def street_files(share: Iterable[list[str]]) -> Iterator[tuple[str, str | bytes]]:
        for members in share:
            if not members:  # every street of the class made already
                continue
            fill: Callable[[str], tuple[str | bytes, Sizes | None] | None] = \
                lambda sid: None  # noqa: E731
            if fmt not in BINARY and (rows is None or len(members) >= ROWS[fmt][1]()):
                fill = _Stencil(stand_ins, base, names, fmt, members[0], source,
                                with_rules).fill
            elif rows is not None:
                fill = lambda sid: rows.file(sid, plan.index(sid))  # noqa: E731
            elif books is not None:
                fill = _uncounted(books.stencil(members))
            for sid in members:
                path, made = f"streets/{sid}.{fmt}", fill(sid)
                if made is None:
                    lists = plan.street_lists(sid)
                    made = render_lists(base.model_copy(update={"streets": [lists]}), names,
                                        fmt, source, with_rules), (
                        len(lists.basic), len(lists.cooperative), len(lists.recalled))
                if made[1] is not None:
                    counts[path] = made[1]
                yield path, made[0]

    def department_files() -> Iterator[tuple[str, str | bytes]]:
        for d in plan.departments():
            lists = base.model_copy(update={"departments": [d]})
            book = books.department(lists) if books is not None else None
            yield f"departments/{d.department}.{fmt}", (
                book or render_lists(lists, names, fmt, source, with_rules))

    made: set[str] = set()  # the files this process made

    def second() -> Iterator[tuple[str, str | bytes]]:
        yield from department_files()
        yield from street_files(classes[i] for i in iter(claims.back, None))
        if fmt == "html":  # only the HTML index shows the counts
            yield _COUNTS, json.dumps(counts)

    def unsent() -> Iterator[tuple[str, str | bytes]]:  # the second process failed
        yield from department_files()
        left = ([sid for sid in c if f"streets/{sid}.{fmt}" not in made] for c in classes)
        yield from street_files(c for c in left if c)

    def received(files: Iterable[tuple[str, str | bytes]]) -> Iterator[tuple[str, str | bytes]]:
        for path, content in files:
            if path == _COUNTS:
                counts.update((p, tuple(c)) for p, c in json.loads(content).items())
            else:
                yield path, content

    with _Claims(len(classes)) as claims:
        others = Alongside(second, unsent)
        try:
            for pair in street_files(classes[i] for i in iter(claims.front, None)):
                made.add(pair[0])
                yield pair
                yield from received(others.ready())
            yield from received(others.rest())
        finally:
            others.close()
    if fmt == "html":  # streets whose counts did not come back (the second process failed)
        for members in classes:
            missing = [p for sid in members if (p := f"streets/{sid}.{fmt}") not in counts]
            if missing:
                sizes = _sizes(plan, members[0])  # the same for every street of a class
                counts.update((p, sizes) for p in missing)
    entries = [("街道", s.name, f"streets/{s.id}.{fmt}") for s in county.streets.values()]
    entries += [("部门", d.name, f"departments/{d.id}.{fmt}")
                for d in county.departments.values()]
    yield index_file(county.name, entries, fmt, counts)


def _uncounted(book: Callable[[str], bytes | None]
               ) -> Callable[[str], tuple[bytes, None] | None]:
    """A workbook stencil's files without their rows counted (no index shows them)."""
    return lambda sid: None if (made := book(sid)) is None else (made, None)


def _sizes(plan: ListPlan, sid: str) -> Sizes:
    """How many rows the street's basic, cooperative and recalled lists hold."""
    index = plan.index(sid)
    found = [t.list for ip in plan.items if (t := plan.template(ip, sid, index)) is not None]
    return found.count("basic"), found.count("cooperative"), found.count("recalled")


try:
    import fcntl

    _LOCKF: Callable[[Any, int], Any] | None = fcntl.lockf
except ImportError:  # not a POSIX system
    _LOCKF = None

_AHEAD = 64  # files received from the second process and not yet handed on


class _Claims:
    """Positions in a sequence taken one at a time by two processes, one from the front, the
    other from the back, until they meet, so that each position is taken once and whichever
    process is ahead takes more. The two ends are in memory both processes share (mapped
    before the second is forked); taking one holds a record lock on an unnamed file, which
    the system releases if its holder dies."""

    _ENDS = struct.Struct("<qq")  # the next position at the front, one past the back

    def __init__(self, count: int) -> None:
        self.ends = mmap.mmap(-1, self._ENDS.size)  # shared with forked processes
        self._ENDS.pack_into(self.ends, 0, 0, count)
        self.lock = tempfile.TemporaryFile()  # noqa: SIM115 (closed by ``__exit__``)

    def __enter__(self) -> _Claims:
        return self

    def __exit__(self, *exc: object) -> None:
        self.lock.close()
        self.ends.close()

    def _take(self, front: bool) -> int | None:
        if _LOCKF is not None:  # without it (no fork either) one process takes them all
            _LOCKF(self.lock, fcntl.LOCK_EX)
        try:
            first, end = self._ENDS.unpack_from(self.ends, 0)
            if first >= end:
                return None
            taken = first if front else end - 1
            self._ENDS.pack_into(self.ends, 0, *((first + 1, end) if front else (first, taken)))
            return taken
        finally:
            if _LOCKF is not None:
                _LOCKF(self.lock, fcntl.LOCK_UN)

    def front(self) -> int | None:
        return self._take(front=True)

    def back(self) -> int | None:
        return self._take(front=False)


class Alongside:
    """The files ``make`` yields, made in a forked process while this one makes others; the
    files come back through a pipe, framed as the writing process takes them (read by a
    thread into a bounded queue, so that the process never waits on this one for long), and
    are handed on by ``ready`` (those already here) and ``rest`` (all the others, waiting
    for them).

    Where there is no ``fork``, or the process fails (its files stop before the end), the
    files not received are made here by ``rest`` (those of ``again``, by default ``make``),
    so any error is raised by this process as usual. ``close`` stops the process if its
    files are not wanted after all."""

    def __init__(self, make: Callable[[], Iterable[tuple[str, str | bytes]]],
                 again: Callable[[], Iterable[tuple[str, str | bytes]]] | None = None) -> None:
        self.make, self.again, self.pid = make, again or make, 0
        self.got: set[str] = set()
        self.queue: queue.Queue[tuple[str, bytes] | None] = queue.Queue(_AHEAD)
        self.ended = False
        if not hasattr(os, "fork"):
            return
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: make the files, send them, leave at once
            code = 1
            try:
                os.close(read)
                with os.fdopen(write, "wb", buffering=1 << 20) as out:
                    for path, content in make():
                        data = content.encode("utf-8") if isinstance(content, str) else content
                        out.write(frame(path, len(data)))
                        out.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self.reader = threading.Thread(target=self._receive, args=(read,), daemon=True)
        self.reader.start()

    def _receive(self, read: int) -> None:
        with os.fdopen(read, "rb") as got, contextlib.suppress(EOFError):  # cut short: ended
            for item in frames(got):
                self.queue.put(item)
        self.queue.put(None)

    def _take(self, wait: bool) -> Iterator[tuple[str, bytes]]:
        while not self.ended and self.pid:
            try:
                item = self.queue.get(block=wait)
            except queue.Empty:
                return
            if item is None:
                self.ended = True
                return
            self.got.add(item[0])
            yield item

    def ready(self) -> Iterator[tuple[str, bytes]]:
        """The files received so far."""
        yield from self._take(wait=False)

    def rest(self) -> Iterator[tuple[str, str | bytes]]:
        """Every file not handed on yet: received, or made here if the process failed."""
        yield from self._take(wait=True)
        failed = True
        if self.pid:
            _, status = os.waitpid(self.pid, 0)
            self.pid, failed = 0, status != 0
        if failed:
            yield from ((path, content) for path, content in self.again()
                        if path not in self.got)

    def close(self) -> None:
        if self.pid:  # not wanted after all
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0
            while self.reader.is_alive():  # let the reader see the end and leave
                with contextlib.suppress(queue.Empty):
                    self.queue.get(timeout=0.1)

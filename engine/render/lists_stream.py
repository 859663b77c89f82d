"""Every street's and department's lists as files, produced one at a time from a plan.

The files are those of ``render_tree``, in the same bytes, but nothing holds them all: each is
made when the writer asks for it. A class of streets whose lists differ only by names
(``ListPlan.street_classes``) is rendered once with stand-ins for the street's id and name and
for each department's side in it (its unit there, or the department); each street's file is
that text with its own names put in. A CSV file of a street alone in its class is put
together from its rows, each row's line rendered once per template with stand-ins. Names that
some format would escape or quote (commas, quotes, ``|``, ``<``, ``&``, line breaks …) are
never put in that way: such a street is rendered from its own lists.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator

from engine.lists.plan import LISTS, ListPlan, RowTemplate
from engine.models.decision import Party
from engine.models.lists import CountyLists
from engine.render.lists_csv import BOM, HEAD
from engine.render.lists_files import BINARY, index_file, render_lists
from engine.render.lists_table import LIST_TITLES, cells

STENCIL_CSV = 32  # a class this large is rendered once; smaller ones row by row (CSV)
_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters: no format escapes them
_SLOT = re.compile(f"{_OPEN}(\\w+){_CLOSE}")
_PLAIN = re.compile("[^\\x00-\\x1f\\x7f,\"'&<>|\\\\\ue000-\uf8ff]*")


def _token(key: str) -> str:
    return f"{_OPEN}{key}{_CLOSE}"


def _slots(text: str, fields: dict[str, str]) -> str | None:
    """``text`` as a format string, each stand-in a field (named by ``fields``); None when
    the text holds a stand-in character of its own or an unknown stand-in."""
    if not set(_SLOT.findall(text)) <= set(fields):
        return None
    out = _SLOT.sub(lambda m: "{" + fields[m.group(1)] + "}",
                    text.replace("{", "{{").replace("}", "}}"))
    return None if _OPEN in out or _CLOSE in out else out


def _plain(text: str) -> bool:
    return _PLAIN.fullmatch(text) is not None


class _CsvStreets:
    """CSV street files from row stencils: each template's line rendered once, with slots for
    the row number and the street's and department side's ids and names."""

    KEYS = ("i", "n", "un", "s", "ui")  # positional fields 0–4 of a stencil line

    def __init__(self, plan: ListPlan, names: dict[str, str]) -> None:
        self.plan, self.names = plan, names
        self.street = Party.model_construct(kind="street", id=_token("s"), name=_token("n"))
        self.side = Party.model_construct(kind="unit", id=_token("ui"), name=_token("un"))
        self.depts = sorted({ip.item.department for ip in plan.items})
        self.plain: dict[tuple[str, str], bool] = {}  # side → are its id and name plain
        kinds = {k: i for i, k in enumerate(LISTS)}

        def entry(t: RowTemplate) -> tuple[int, str | None]:
            return kinds[t.list], self._line(t)

        # per item: where it applies, its streets' own rows, its department's profiles,
        # each profile's row and its department (index into ``depts``)
        self.items = [(ip.applies, {sid: entry(t) for sid, t in ip.by_street.items()},
                       plan.profiles.ids(ip.item.department),
                       {p: entry(t) for p, t in ip.by_profile.items()},
                       self.depts.index(ip.item.department))
                      for ip in plan.items]

    def _line(self, t: RowTemplate) -> str | None:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerow(
            [_token("s"), _token("n"), LIST_TITLES[t.list], _token("i"),
             *cells(0, t.row(self.street, self.side), self.names)[1:]])
        return _slots(buf.getvalue(), {k: str(i) for i, k in enumerate(self.KEYS)})

    def file(self, sid: str, index: int) -> str | None:
        """The street's CSV file, or None when a name cannot be put in plainly."""
        plan = self.plan
        name = plan.county.streets[sid].name
        if not (_plain(sid) and _plain(name)):
            return None
        sides = [plan.side(d, sid) for d in self.depts]
        for side in sides:
            plain = self.plain.get((side.kind, side.id))
            if plain is None:
                plain = self.plain[side.kind, side.id] = _plain(side.id) and _plain(side.name)
            if not plain:
                return None
        placed: tuple[list[tuple[str | None, Party]], ...] = tuple([] for _ in LISTS)
        for applies, own, ids, by_profile, dept in self.items:
            if applies is not None and sid not in applies:
                continue
            kind, line = (own.get(sid) if own else None) or by_profile[ids[index]]
            placed[kind].append((line, sides[dept]))
        out = [HEAD]
        for rows in placed:
            for i, (line, side) in enumerate(rows, 1):
                if line is None:
                    return None
                out.append(line.format(i, name, side.name, sid, side.id))
        return BOM + "".join(out)


class _Stencil:
    """A class of streets rendered once, with slots for the street's id and name and, per
    department, its side's kind, id and name (its unit in the street, or the department)."""

    def __init__(self, plan: ListPlan, base: CountyLists, names: dict[str, str], fmt: str,
                 sid: str) -> None:
        self.plan = plan
        self.depts = {d: f"d{i}" for i, d in enumerate(sorted({p.item.department
                                                                for p in plan.items}))}
        sides = {d: Party.model_construct(kind=_token(k + "k"), id=_token(k + "i"),
                                          name=_token(k + "n"))
                 for d, k in self.depts.items()}
        street = Party.model_construct(kind="street", id=_token("s"), name=_token("n"))
        lists = plan.street_lists(sid, street=street, side=sides.__getitem__)
        text = render_lists(base.model_copy(update={"streets": [lists]}), names, fmt)
        assert isinstance(text, str)
        keys = ["s", "n", *(k + e for k in self.depts.values() for e in "kin")]
        self.text = _slots(text, {k: str(i) for i, k in enumerate(keys)})
        self.sides: dict[tuple[str, str], tuple[str, str, str] | None] = {}

    def _side(self, dept: str, sid: str) -> tuple[str, str, str] | None:
        """The side's kind, id and name, or None when they cannot be put in plainly."""
        side = self.plan.side(dept, sid)
        key = (side.kind, side.id)
        if key not in self.sides:
            values = (side.kind, side.id, side.name)
            self.sides[key] = values if all(_plain(v) for v in values) else None
        return self.sides[key]

    def fill(self, sid: str) -> str | None:
        """The street's file, or None when one of its names cannot be put in plainly."""
        if self.text is None:
            return None
        name = self.plan.graph.street(sid).name
        if not (_plain(sid) and _plain(name)):
            return None
        values = [sid, name]
        for dept in self.depts:
            side = self._side(dept, sid)
            if side is None:
                return None
            values += side
        return self.text.format(*values)


def lists_tree(plan: ListPlan, names: dict[str, str], fmt: str) -> Iterator[tuple[str,
                                                                                 str | bytes]]:
    """``streets/ID.fmt`` for every street, ``departments/ID.fmt`` for every department (CSV
    has no department form) and the index, one file at a time."""
    county = plan.county
    base = CountyLists.model_construct(county=county.name, policy=plan.ws.policy.hash,
                                       streets=[], departments=[])

    def alone(sid: str) -> str | bytes:
        return render_lists(base.model_copy(update={"streets": [plan.street_lists(sid)]}),
                            names, fmt)

    rows = _CsvStreets(plan, names) if fmt == "csv" else None
    for members in plan.street_classes():
        fill: Callable[[str], str | None] = lambda sid: None  # noqa: E731
        if fmt not in BINARY and len(members) >= (STENCIL_CSV if rows else 2):
            fill = _Stencil(plan, base, names, fmt, members[0]).fill
        elif rows is not None:
            fill = lambda sid: rows.file(sid, plan.index(sid))  # noqa: E731
        for sid in members:
            content = fill(sid)
            yield f"streets/{sid}.{fmt}", alone(sid) if content is None else content
    entries = [("街道", s.name, f"streets/{s.id}.{fmt}") for s in county.streets.values()]
    if fmt != "csv":
        for d in plan.departments():
            path = f"departments/{d.department}.{fmt}"
            yield path, render_lists(base.model_copy(update={"departments": [d]}), names, fmt)
            entries.append(("部门", d.name, path))
    yield index_file(county.name, entries, fmt)

"""Lists as one self-contained HTML file, printable on A4 landscape.

Printing: each street and department begins a new page, except the first, so a document
never starts with a near-empty page; a table of contents is given only to a document with
several parts. Columns take widths in proportion to the columns' width hints, and short ones
(row numbers, numbers, codes and categories) never wrap. Page numbers ("第 N 页，共 M 页") are
printed at the foot of each page by CSS page-margin boxes, which Chromium-based browsers print
since version 131; other browsers ignore them and can print their own page numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from html import escape

from engine.models.lists import (
    CountyLists,
    DepartmentList,
    ListRow,
    ListSource,
    NotApplying,
    StreetLists,
)
from engine.render.lists_table import (
    LEDGER_COLUMNS,
    LIST_TITLES,
    SEQ,
    Cell,
    Column,
    Kept,
    Lines,
    cells,
    department_columns,
    department_rows,
    display,
    ledger_rows,
    list_columns,
    not_applying_cells,
    not_applying_columns,
    runs,
    street_lines,
    title_block,
    title_text,
)
from engine.vocab import label

STYLE = """
@page { size: A4 landscape; margin: 12mm 12mm 14mm;
        @bottom-center { content: "第 " counter(page) " 页，共 " counter(pages) " 页";
                         font-size: 9pt; color: #444; } }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif;
       font-size: 10pt; color: #111; margin: 0 auto; max-width: 1100px; }
h1 { font-size: 16pt; margin: 0 0 6pt; }
h2 { font-size: 12pt; margin: 12pt 0 4pt; break-after: avoid; }
section { break-before: page; }
section:first-of-type { break-before: auto; }
nav ol { columns: 3; }
table { border-collapse: collapse; width: 100%; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 1px solid #888; padding: 2pt 4pt; vertical-align: top; text-align: left; }
th { background: #eee; }
.nw { white-space: nowrap; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.summary { color: #444; }
"""
SHORT = 14  # a text column this narrow (width hint) is kept on one line
SHORT_HEADING = 6  # a short column's heading this long or shorter is kept on one line too


def _classes(column: Column, heading: bool) -> str:
    """The class attribute of a column's cells (or of its heading)."""
    names = []
    short = column.kind != "text" or column.width <= SHORT
    if short and (not heading or len(column.title) <= SHORT_HEADING):
        names.append("nw")
    if column.kind != "text" and not heading:
        names.append("num")
    return f' class="{" ".join(names)}"' if names else ""


def _table(columns: Sequence[Column], rows: list[list[Cell]]) -> list[str]:
    """A table with a column group sized from the columns' width hints."""
    if not rows:
        return ["<p>（无）</p>"]
    attrs = _attrs(tuple(columns))
    return [*_head(tuple(columns)), *("<tr>" + "".join([f"<td{a}>{_text(c)}</td>"
                                                 for a, c in zip(attrs, row, strict=False)])
                               + "</tr>" for row in rows), "</tbody>", "</table>"]


def _text(cell: Cell) -> str:
    """A cell as HTML text (a number has nothing to escape)."""
    return escape(cell) if isinstance(cell, str) else display(cell)


@cache  # a table per section of every street's lists
def _attrs(columns: tuple[Column, ...]) -> tuple[str, ...]:
    return tuple(_classes(c, False) for c in columns)


@cache
def _head(columns: tuple[Column, ...]) -> tuple[str, ...]:
    total = sum(c.width for c in columns) or 1
    return ("<table>", "<colgroup>" + "".join(
        f'<col style="width: {100 * c.width / total:.1f}%">' for c in columns) + "</colgroup>",
            "<thead><tr>" + "".join(f"<th{_classes(c, True)}>{escape(c.title)}</th>"
                                    for c in columns) + "</tr></thead>", "<tbody>")


BEFORE = f"<tr><td{_classes(SEQ, False)}>"  # a row's text before its number


def _after(columns: tuple[Column, ...], values: Sequence[Cell]) -> str:
    """A row's text after its number: its other cells (``values``, of ``columns`` but the
    first)."""
    return "</td>" + "".join([f"<td{a}>{_text(c)}</td>" for a, c in zip(
        _attrs(columns)[1:], values, strict=False)]) + "</tr>"


def row_parts(row: ListRow, names: dict[str, str], with_rules: bool,
              kept: Kept | None = None) -> tuple[str, str]:
    """A list row's line cut at its row number (see ``Lines``); with ``kept``, the text after
    the number is made once and kept for the next time the row is shown."""
    after = kept.get(id(row)) if kept is not None else None
    if after is None:
        after = _after(tuple(list_columns(row.list, with_rules, grouped=True)),
                       cells(0, row, names, with_rules, grouped=True)[1:])
        if kept is not None:
            kept[id(row)] = after
    return BEFORE, after


def absent_parts(item: NotApplying, with_rules: bool) -> tuple[str, str]:
    """The line of an item not applying to the street, cut at its row number."""
    return BEFORE, _after(tuple(not_applying_columns(with_rules)),
                          not_applying_cells(0, item, with_rules)[1:])


def _title_block(block: list[tuple[str, str]]) -> str:
    return f'<p class="title-block">{escape(title_text(block))}</p>'


def _street(s: StreetLists, names: dict[str, str], county: str, source: ListSource | None,
            with_rules: bool, kept: Kept | None = None) -> list[str]:
    lists, absent = street_lines(s, names, with_rules, kept, row_parts, absent_parts)
    return _street_page(s.name, s.street, s.kind, county, source, with_rules, lists, absent)


def _street_page(name: str, sid: str, kind: str, county: str, source: ListSource | None,
                 with_rules: bool, lists: Sequence[Lines], absent: Lines) -> list[str]:
    counts = [len(rows.after) for rows in lists]
    out = [f'<section id="street-{escape(sid)}">',
           f"<h1>{escape(name)}履行职责事项清单</h1>",
           _title_block(title_block(county, source, name)),
           f'<p class="summary">{label(kind)}编号 {escape(sid)}；'
           f"基本履职事项 {counts[0]} 项，配合履职事项 {counts[1]} 项，"
           f"上级部门收回事项 {counts[2]} 项。</p>"]
    for which, rows in zip(("basic", "cooperative", "recalled"), lists, strict=True):
        out.append(f"<h2>{LIST_TITLES[which]}（{len(rows.after)} 项）</h2>")
        header = tuple(list_columns(which, with_rules, grouped=True))
        for heading, start, end in runs(rows.domains):
            if heading is not None:
                out.append(f'<h3 class="domain">{escape(heading)}（{end - start} 项）</h3>')
            out += [*_head(header), *rows.numbered(start, end), "</tbody>", "</table>"]
        if not rows.after:
            out += _table(header, [])
    if absent.after:
        out.append(f"<h2>不适用于本{label(kind)}的目录事项（{len(absent.after)} 项）</h2>")
        out += [*_head(tuple(not_applying_columns(with_rules))), *absent.numbered(),
                "</tbody>", "</table>"]
    return [*out, "</section>"]


def street_page(name: str, sid: str, kind: str, county: str, source: ListSource | None,
                with_rules: bool, lists: Sequence[Lines], absent: Lines) -> str:
    """A street's file from its rows' lines (as ``lists_html`` of the street alone):
    ``lists`` the basic, cooperating and recalled rows, ``absent`` the items not applying
    to the street."""
    return _page(f"{county}履行职责事项清单",
                 _street_page(name, sid, kind, county, source, with_rules, lists, absent))


def _department(d: DepartmentList, names: dict[str, str], county: str,
                source: ListSource | None, with_rules: bool) -> list[str]:
    out = [f'<section id="department-{escape(d.department)}">',
           f"<h1>{escape(d.name)}职责事项及街道经费清单</h1>",
           _title_block(title_block(county, source))]
    out += _table(department_columns(with_rules), department_rows(d, with_rules))
    out.append("<h2>应拨付街道经费（费随事转）</h2>")
    out += _table(LEDGER_COLUMNS, ledger_rows(d, names))
    out.append(f"<p>合计：每年 {d.funding_total:,} 元。</p>")
    return [*out, "</section>"]


def lists_html(lists: CountyLists, names: dict[str, str], source: ListSource | None = None,
               with_rules: bool = False, kept: Kept | None = None) -> str:
    title = f"{lists.county}履行职责事项清单"
    body: list[str] = []
    if len(lists.streets) + len(lists.departments) > 1:
        body += ['<nav id="toc">', "<h1>目录</h1>", "<ol>"]
        body += [f'<li><a href="#street-{escape(s.street)}">{escape(s.name)}</a></li>'
                 for s in lists.streets]
        body += [f'<li><a href="#department-{escape(d.department)}">{escape(d.name)}</a></li>'
                 for d in lists.departments]
        body += ["</ol>", "</nav>"]
    for s in lists.streets:
        body += _street(s, names, lists.county, source, with_rules, kept)
    for d in lists.departments:
        body += _department(d, names, lists.county, source, with_rules)
    return _page(title, body)


def _page(title: str, body: list[str]) -> str:
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
        f"<title>{escape(title)}</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
        *body, "</body>", "</html>", ""])


def index_html(county: str, entries: list[tuple[str, str, str]],
               counts: dict[str, tuple[int, int, int]], link: Callable[[str], str]) -> str:
    """The index page of a tree of list files: a table of the streets with how many items
    each of their lists holds, then the other files (departments). ``counts`` gives the
    three numbers by a street file's path; ``link`` makes a path a link target."""
    title = f"{county}履行职责事项清单"
    streets = [(n, p) for k, n, p in entries if k == "街道"]
    others = [(k, n, p) for k, n, p in entries if k != "街道"]
    body = [f"<h1>{escape(title)}</h1>"]
    if streets:
        known = [counts[p] for _, p in streets if p in counts]
        total = [sum(c[i] for c in known) for i in range(3)]
        body.append(f'<p class="summary">共 {len(streets)} 个街道（乡镇）；基本履职事项合计 '
                    f"{total[0]:,} 项，配合履职事项 {total[1]:,} 项，上级部门收回事项 "
                    f"{total[2]:,} 项。</p>")
        body += ["<table>", "<thead><tr><th>街道（乡镇）</th>" + "".join(
            f'<th class="nw">{LIST_TITLES[k]}</th>' for k in ("basic", "cooperative", "recalled"))
                 + "</tr></thead>", "<tbody>"]
        body += [f'<tr><td><a href="{escape(link(p))}">{escape(n)}</a></td>' + "".join(
            f'<td class="nw num">{c:,}</td>' for c in counts.get(p, (0, 0, 0))) + "</tr>"
            for n, p in streets]
        body += ["</tbody>", "</table>"]
    if others:
        body += ["<h2>部门</h2>" if {k for k, _, _ in others} == {"部门"} else "<h2>其他</h2>",
                 "<ol>"]
        body += [f'<li>{escape(k)}：<a href="{escape(link(p))}">{escape(n)}</a></li>'
                 for k, n, p in others]
        body.append("</ol>")
    return _page(title, body)

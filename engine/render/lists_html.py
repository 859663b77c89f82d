"""Lists as one self-contained HTML file: a table of contents, printable on A4."""

from __future__ import annotations

from html import escape

from engine.models.lists import CountyLists, DepartmentList, ListSource, StreetLists
from engine.render.lists_table import (
    DEPARTMENT_HEADERS,
    LEDGER_HEADERS,
    LIST_TITLES,
    Cell,
    cells,
    department_rows,
    display,
    ledger_rows,
    list_columns,
    not_applying_cells,
    not_applying_columns,
    sections,
    title_block,
    title_text,
)
from engine.vocab import label

STYLE = """
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif;
       font-size: 10pt; color: #111; margin: 0 auto; max-width: 1100px; }
h1 { font-size: 16pt; margin: 0 0 6pt; }
h2 { font-size: 12pt; margin: 12pt 0 4pt; }
section { break-before: page; }
nav ol { columns: 3; }
table { border-collapse: collapse; width: 100%; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 1px solid #888; padding: 2pt 4pt; vertical-align: top; text-align: left; }
th { background: #eee; }
.summary { color: #444; }
"""


def _table(header: list[str], rows: list[list[Cell]]) -> list[str]:
    if not rows:
        return ["<p>（无）</p>"]
    out = ["<table>", "<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in header)
           + "</tr></thead>", "<tbody>"]
    out += ["<tr>" + "".join(f"<td>{escape(display(c))}</td>" for c in row) + "</tr>"
            for row in rows]
    return [*out, "</tbody>", "</table>"]


def _title_block(block: list[tuple[str, str]]) -> str:
    return f'<p class="title-block">{escape(title_text(block))}</p>'


def _street(s: StreetLists, names: dict[str, str], county: str, source: ListSource | None,
            with_rules: bool) -> list[str]:
    out = [f'<section id="street-{escape(s.street)}">',
           f"<h1>{escape(s.name)}履行职责事项清单</h1>",
           _title_block(title_block(county, source, s.name)),
           f'<p class="summary">{label(s.kind)}编号 {escape(s.street)}；'
           f"基本履职事项 {len(s.basic)} 项，配合履职事项 {len(s.cooperative)} 项，"
           f"上级部门收回事项 {len(s.recalled)} 项。</p>"]
    for kind in ("basic", "cooperative", "recalled"):
        rows = getattr(s, kind)
        out.append(f"<h2>{LIST_TITLES[kind]}（{len(rows)} 项）</h2>")
        header = [c.title for c in list_columns(kind, with_rules, grouped=True)]
        for heading, numbered in sections(rows):
            if heading is not None:
                out.append(f'<h3 class="domain">{escape(heading)}（{len(numbered)} 项）</h3>')
            out += _table(header, [cells(n, r, names, with_rules, grouped=True)
                                   for n, r in numbered])
        if not rows:
            out += _table(header, [])
    if s.not_applying:
        out.append(f"<h2>不适用于本{label(s.kind)}的目录事项（{len(s.not_applying)} 项）</h2>")
        out += _table([c.title for c in not_applying_columns(with_rules)],
                      [not_applying_cells(n, a, with_rules)
                       for n, a in enumerate(s.not_applying, 1)])
    return [*out, "</section>"]


def _department(d: DepartmentList, names: dict[str, str], county: str,
                source: ListSource | None) -> list[str]:
    out = [f'<section id="department-{escape(d.department)}">',
           f"<h1>{escape(d.name)}职责事项及街道经费清单</h1>",
           _title_block(title_block(county, source))]
    out += _table(DEPARTMENT_HEADERS, department_rows(d))
    out.append("<h2>应拨付街道经费（费随事转）</h2>")
    out += _table(LEDGER_HEADERS, ledger_rows(d, names))
    out.append(f"<p>合计：每年 {d.funding_total:,} 元。</p>")
    return [*out, "</section>"]


def lists_html(lists: CountyLists, names: dict[str, str], source: ListSource | None = None,
               with_rules: bool = False) -> str:
    title = f"{lists.county}履行职责事项清单"
    toc = ['<nav id="toc">', "<h1>目录</h1>", "<ol>"]
    toc += [f'<li><a href="#street-{escape(s.street)}">{escape(s.name)}</a></li>'
            for s in lists.streets]
    toc += [f'<li><a href="#department-{escape(d.department)}">{escape(d.name)}</a></li>'
            for d in lists.departments]
    body = [*toc, "</ol>", "</nav>"]
    for s in lists.streets:
        body += _street(s, names, lists.county, source, with_rules)
    for d in lists.departments:
        body += _department(d, names, lists.county, source)
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
        f"<title>{escape(title)}</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
        *body, "</body>", "</html>", ""])

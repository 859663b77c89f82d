"""Lists as Markdown, for reading and printing."""

from __future__ import annotations

from engine.models.lists import CountyLists, DepartmentList, ListSource, StreetLists
from engine.render.escape import md_inline
from engine.render.lists_table import (
    LEDGER_HEADERS,
    LIST_TITLES,
    Cell,
    cells,
    department_columns,
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


def _table(header: list[str], rows: list[list[Cell]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(md_inline(display(c)) for c in row) + " |" for row in rows]
    return out


def street_md(s: StreetLists, names: dict[str, str], county: str = "",
              source: ListSource | None = None, with_rules: bool = False) -> str:
    out = [f"# {md_inline(s.name)}履行职责事项清单", "",
           md_inline(title_text(title_block(county, source, s.name))), "",
           f"{label(s.kind)}编号 {md_inline(s.street)}；基本履职事项 {len(s.basic)} 项，"
           f"配合履职事项 {len(s.cooperative)} 项，上级部门收回事项 {len(s.recalled)} 项。", ""]
    for kind in ("basic", "cooperative", "recalled"):
        rows = getattr(s, kind)
        out += [f"## {LIST_TITLES[kind]}（{len(rows)} 项）", ""]
        header = [c.title for c in list_columns(kind, with_rules, grouped=True)]
        for heading, numbered in sections(rows):
            if heading is not None:
                out += [f"### {md_inline(heading)}（{len(numbered)} 项）", ""]
            out += _table(header, [cells(n, r, names, with_rules, grouped=True)
                                   for n, r in numbered])
            out.append("")
        if not rows:
            out += ["（无）", ""]
    if s.not_applying:
        out += [f"## 不适用于本{label(s.kind)}的目录事项（{len(s.not_applying)} 项）", ""]
        out += _table([c.title for c in not_applying_columns(with_rules)],
                      [not_applying_cells(n, a, with_rules)
                       for n, a in enumerate(s.not_applying, 1)])
        out.append("")
    return "\n".join(out)


def department_md(d: DepartmentList, names: dict[str, str], county: str = "",
                  source: ListSource | None = None, with_rules: bool = False) -> str:
    out = [f"# {md_inline(d.name)}职责事项及街道经费清单", "",
           md_inline(title_text(title_block(county, source))), ""]
    rows = department_rows(d, with_rules)
    out += _table([c.title for c in department_columns(with_rules)], rows) if rows else ["（无）"]
    out += ["", "## 应拨付街道经费（费随事转）", ""]
    ledger = ledger_rows(d, names)
    out += _table(LEDGER_HEADERS, ledger) if ledger else ["（无）"]
    out += ["", f"合计：每年 {d.funding_total:,} 元。", ""]
    return "\n".join(out)


def county_md(lists: CountyLists, names: dict[str, str], source: ListSource | None = None,
              with_rules: bool = False) -> str:
    parts = [street_md(s, names, lists.county, source, with_rules) for s in lists.streets]
    parts += [department_md(d, names, lists.county, source, with_rules) for d in lists.departments]
    return "\n".join(parts)

"""Lists as Markdown, for reading and printing."""

from __future__ import annotations

from engine.models.lists import CountyLists, DepartmentList, ListRow, ListSource, StreetLists
from engine.render.escape import md_inline
from engine.render.lists_table import (
    LEDGER_HEADERS,
    LIST_TITLES,
    Cell,
    Kept,
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
    return [*_head(header), *("| " + " | ".join(md_inline(display(c)) for c in row) + " |"
                              for row in rows)]


def _head(header: list[str]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]


def _list_rows(numbered: list[tuple[int, ListRow]], names: dict[str, str], with_rules: bool,
               kept: Kept | None) -> list[str]:
    """The table lines of numbered list rows (``_table`` of their cells); with ``kept``, each
    row's cells after its number are rendered once and kept for the next time it is shown."""
    out = []
    for n, row in numbered:
        rest = kept.get(id(row)) if kept is not None else None
        if rest is None:
            rest = " | ".join(md_inline(display(c))
                              for c in cells(n, row, names, with_rules, grouped=True)[1:])
            if kept is not None:
                kept[id(row)] = rest
        out.append(f"| {display(n)} | {rest} |")
    return out


def street_md(s: StreetLists, names: dict[str, str], county: str = "",
              source: ListSource | None = None, with_rules: bool = False,
              kept: Kept | None = None) -> str:
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
            out += [*_head(header), *_list_rows(numbered, names, with_rules, kept)]
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
              with_rules: bool = False, kept: Kept | None = None) -> str:
    parts = [street_md(s, names, lists.county, source, with_rules, kept)
             for s in lists.streets]
    parts += [department_md(d, names, lists.county, source, with_rules) for d in lists.departments]
    return "\n".join(parts)

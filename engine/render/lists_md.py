"""Lists as Markdown, for reading and printing."""

from __future__ import annotations

from collections.abc import Sequence

from engine.models.lists import (
    CountyLists,
    DepartmentList,
    ListRow,
    ListSource,
    NotApplying,
    StreetLists,
)
from engine.render.escape import md_inline
from engine.render.lists_table import (
    LEDGER_HEADERS,
    LIST_TITLES,
    Cell,
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


def _table(header: list[str], rows: list[list[Cell]]) -> list[str]:
    return [*_head(header), *("| " + " | ".join(md_inline(display(c)) for c in row) + " |"
                              for row in rows)]


def _head(header: list[str]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]


BEFORE = "| "  # a row's text before its number


def _after(cells: Sequence[Cell]) -> str:
    """A row's text after its number: its other cells."""
    return "".join([f" | {md_inline(display(c))}" for c in cells]) + " |"


def row_parts(row: ListRow, names: dict[str, str], with_rules: bool,
              kept: Kept | None = None) -> tuple[str, str]:
    """A list row's line cut at its row number (see ``Lines``); with ``kept``, the text after
    the number is made once and kept for the next time the row is shown."""
    after = kept.get(id(row)) if kept is not None else None
    if after is None:
        after = _after(cells(0, row, names, with_rules, grouped=True)[1:])
        if kept is not None:
            kept[id(row)] = after
    return BEFORE, after


def absent_parts(item: NotApplying, with_rules: bool) -> tuple[str, str]:
    """The line of an item not applying to the street, cut at its row number."""
    return BEFORE, _after(not_applying_cells(0, item, with_rules)[1:])


def street_md(s: StreetLists, names: dict[str, str], county: str = "",
              source: ListSource | None = None, with_rules: bool = False,
              kept: Kept | None = None) -> str:
    lists, absent = street_lines(s, names, with_rules, kept, row_parts, absent_parts)
    return street_page(s.name, s.street, s.kind, county, source, with_rules, lists, absent)


def street_page(name: str, sid: str, kind: str, county: str, source: ListSource | None,
                with_rules: bool, lists: Sequence[Lines], absent: Lines) -> str:
    """A street's lists from their rows' lines: ``lists`` the basic, cooperating and recalled
    rows, ``absent`` the items not applying to the street."""
    counts = [len(rows.after) for rows in lists]
    out = [f"# {md_inline(name)}履行职责事项清单", "",
           md_inline(title_text(title_block(county, source, name))), "",
           f"{label(kind)}编号 {md_inline(sid)}；基本履职事项 {counts[0]} 项，"
           f"配合履职事项 {counts[1]} 项，上级部门收回事项 {counts[2]} 项。", ""]
    for which, rows in zip(("basic", "cooperative", "recalled"), lists, strict=True):
        out += [f"## {LIST_TITLES[which]}（{len(rows.after)} 项）", ""]
        head = _head([c.title for c in list_columns(which, with_rules, grouped=True)])
        for heading, start, end in runs(rows.domains):
            if heading is not None:
                out += [f"### {md_inline(heading)}（{end - start} 项）", ""]
            out += [*head, *rows.numbered(start, end)]
            out.append("")
        if not rows.after:
            out += ["（无）", ""]
    if absent.after:
        out += [f"## 不适用于本{label(kind)}的目录事项（{len(absent.after)} 项）", ""]
        out += [*_head([c.title for c in not_applying_columns(with_rules)]), *absent.numbered()]
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

"""Lists as Markdown, for reading and printing."""

from __future__ import annotations

from engine.models.lists import CountyLists, DepartmentList, StreetLists
from engine.render.escape import md_inline
from engine.render.lists_table import (
    DEPARTMENT_HEADERS,
    HEADERS,
    LEDGER_HEADERS,
    LIST_TITLES,
    Cell,
    cells,
    department_rows,
    display,
    ledger_rows,
)
from engine.vocab import label


def _table(header: list[str], rows: list[list[Cell]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(md_inline(display(c)) for c in row) + " |" for row in rows]
    return out


def street_md(s: StreetLists, names: dict[str, str]) -> str:
    out = [f"# {md_inline(s.name)}履行职责事项清单", "",
           f"{label(s.kind)}编号 {md_inline(s.street)}；基本履职事项 {len(s.basic)} 项，"
           f"配合履职事项 {len(s.cooperative)} 项，上级部门收回事项 {len(s.recalled)} 项。", ""]
    for kind in ("basic", "cooperative", "recalled"):
        rows = getattr(s, kind)
        out += [f"## {LIST_TITLES[kind]}（{len(rows)} 项）", ""]
        out += _table(HEADERS, [cells(i, r, names) for i, r in enumerate(rows, 1)]) if rows \
            else ["（无）"]
        out.append("")
    if s.not_applying:
        out += [f"## 不适用于本{label(s.kind)}的目录事项（{len(s.not_applying)} 项）", ""]
        out += _table(["事项编号", "事项名称", "原因"],
                      [[n.item, n.name, n.reason] for n in s.not_applying])
        out.append("")
    return "\n".join(out)


def department_md(d: DepartmentList, names: dict[str, str]) -> str:
    out = [f"# {md_inline(d.name)}职责事项及街道经费清单", ""]
    rows = department_rows(d)
    out += _table(DEPARTMENT_HEADERS, rows) if rows else ["（无）"]
    out += ["", "## 应拨付街道经费（费随事转）", ""]
    ledger = ledger_rows(d, names)
    out += _table(LEDGER_HEADERS, ledger) if ledger else ["（无）"]
    out += ["", f"合计：每年 {d.funding_total:,} 元。", ""]
    return "\n".join(out)


def county_md(lists: CountyLists, names: dict[str, str]) -> str:
    parts = [street_md(s, names) for s in lists.streets]
    parts += [department_md(d, names) for d in lists.departments]
    return "\n".join(parts)

"""A lists diff as a Chinese report (plain text or Markdown)."""

from __future__ import annotations

from engine.lists.diff import ListsDiff, RowChange
from engine.render.escape import md_inline
from engine.render.lists_table import LIST_TITLES
from engine.vocab import label

_MARK = {"added": "+", "removed": "-", "changed": "~"}


def summary(d: ListsDiff) -> str:
    work = d.workload_days_after - d.workload_days_before
    money = d.funding_after - d.funding_before
    return (f"清单变化：{d.streets_affected} 个街道、{d.items_affected} 个事项受影响；"
            f"街道工作量 {work:+,} 人日/年（{d.workload_days_before:,} → "
            f"{d.workload_days_after:,}）；部门应拨付街道经费 {money:+,} 元/年"
            f"（{d.funding_before:,} → {d.funding_after:,}）")


def _describe(c: RowChange) -> str:
    row = c.after or c.before
    assert row is not None
    head = f"{_MARK[c.change]} [{LIST_TITLES[row.list]}] {c.item} {c.name}"
    if c.change == "changed":
        return head + "：" + "；".join(f"{v.label} {v.before} → {v.after}" for v in c.values)
    lead = row.primary.name if row.primary else "—"
    extra = f"（申请 {row.proposal}）" if row.proposal else ""
    return f"{head}：主责 {lead}，{label(row.category)}{extra}"


def render_diff(d: ListsDiff, markdown: bool = False, level: int = 2) -> str:
    """The diff as text, or as Markdown with its summary at heading ``level``."""
    out = [("#" * level + " " if markdown else "") + summary(d), ""]
    street = None
    for c in d.changes:
        if c.street != street:
            street = c.street
            out.append(f"{'#' * (level + 1)} {md_inline(f'{c.street} {c.street_name}')}"
                       if markdown else f"{c.street} {c.street_name}")
        out.append(f"- {md_inline(_describe(c))}" if markdown else f"  {_describe(c)}")
    if not d.changes:
        out.append("（清单没有变化）")
    return "\n".join(out) + "\n"

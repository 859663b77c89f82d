"""The import report: what was inferred, created, left out, and whether the county checks."""

from __future__ import annotations

from engine.lists.problem import ListProblem
from engine.models.decision import Out
from engine.render.escape import md_inline


class Inferred(Out):
    """A field the workbook did not state: the value given and why."""

    sheet: str
    row: int | None
    item: str | None
    field: str
    value: str
    why: str


class Skipped(Out):
    """A row (or a whole sheet, ``row`` None) that was not imported, and why."""

    sheet: str
    row: int | None
    column: str | None
    reason: str


class Cleaned(Out):
    """Cells of one column whose text was decoded (HTML entities) or trimmed (whitespace)."""

    sheet: str
    column: str
    what: str
    cells: int


class Created(Out):
    """A department or street the county file did not have, made from its name."""

    kind: str  # department | street
    id: str
    name: str


class CheckOutcome(Out):
    loads: bool
    clean: bool
    problems: list[ListProblem]


class ImportReport(Out):
    source: str
    county: str
    items: int
    lists: dict[str, int]
    created: list[Created]
    inferred: list[Inferred]
    skipped: list[Skipped]
    ignored_columns: list[str]
    cleaned: list[Cleaned]
    proposed_domains: list[str]  # fields of work not in the pack, kept as the county wrote them
    check: CheckOutcome

    def rows_skipped(self) -> list[Skipped]:
        """The rows not imported (without the sheets left unused)."""
        return [s for s in self.skipped if s.row is not None]


def render_markdown(r: ImportReport) -> str:
    cell = md_inline
    out = [f"# 导入报告：{cell(r.source)}", "",
           f"县区：{cell(r.county)}；导入事项 {r.items} 项（基本履职 {r.lists.get('basic', 0)}、"
           f"配合履职 {r.lists.get('cooperative', 0)}、上级部门收回 "
           f"{r.lists.get('recalled', 0)}"
           + (f"、部门自行履行 {r.lists['kept']}" if r.lists.get("kept") else "") + "）。", ""]
    if not r.check.loads:
        out += ["检查：生成的县区目录无法加载（原因见文末），须先修正。", ""]
    elif r.check.clean:
        out += ["检查：`duty check` 未发现问题。", ""]
    else:
        out += [f"检查：`duty check` 发现 {len(r.check.problems)} 个问题（见文末）。", ""]
    rows = r.rows_skipped()
    out += [f"## 未导入的行（{len(rows)}）", ""]
    if rows:
        out += ["| 工作表 | 行 | 列 | 原因 |", "|---|---|---|---|"]
        out += [f"| {cell(s.sheet)} | {s.row} | {cell(s.column or '—')} | "
                f"{cell(s.reason)} |" for s in rows]
    else:
        out.append("无。")
    sheets = [s for s in r.skipped if s.row is None]
    if sheets:
        out += ["", "## 未使用的工作表", ""]
        out += [f"- {cell(s.sheet)}：{cell(s.reason)}" for s in sheets]
    out += ["", f"## 新建的部门和街道（{len(r.created)}）", ""]
    if r.created:
        out += ["| 类别 | 编号 | 名称 |", "|---|---|---|"]
        out += [f"| {'部门' if c.kind == 'department' else '街道'} | {c.id} | {cell(c.name)} |"
                for c in r.created]
    else:
        out.append("无：全部按名称对应到县区文件。")
    out += ["", f"## 推断的字段（{len(r.inferred)}）", ""]
    if r.inferred:
        out += ["| 工作表 | 行 | 事项 | 字段 | 取值 | 依据 |", "|---|---|---|---|---|---|"]
        out += [f"| {cell(i.sheet) or '—'} | {i.row or '—'} | {i.item or '—'} | {i.field} | "
                f"{cell(i.value)} | {cell(i.why)} |" for i in r.inferred]
    else:
        out.append("无。")
    if r.proposed_domains:
        out += ["", "## 拟加入县区规则包的履职领域", "",
                "、".join(cell(d) for d in r.proposed_domains)
                + "（见上表 policy.domains 行；接受即保留 county.yaml 中 policy 的对应一行）"]
    if r.cleaned:
        out += ["", "## 整理过的单元格", "", "| 工作表 | 列 | 整理 | 单元格数 |",
                "|---|---|---|---|"]
        out += [f"| {cell(c.sheet)} | {cell(c.column)} | {c.what} | {c.cells} |"
                for c in r.cleaned]
    if r.ignored_columns:
        out += ["", "## 未使用的列", "", "、".join(r.ignored_columns)]
    if r.check.problems:
        out += ["", "## 检查发现的问题", "", "| 代码 | 街道 | 事项 | 说明 |", "|---|---|---|---|"]
        out += [f"| {p.code} | {p.street or '—'} | {p.item or '—'} | {cell(p.message)} |"
                for p in r.check.problems]
    return "\n".join(out) + "\n"

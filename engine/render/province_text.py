"""The province views as Chinese text reports."""

from __future__ import annotations

from engine.province.views import Comparison, LoadReport, ReferenceCheck
from engine.render.table import table


def who(view: Comparison | LoadReport | ReferenceCheck) -> str:
    """The title's opening: the province's name, when a province file gave one."""
    return f"{view.province}：" if view.province else ""


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def render_compare(c: Comparison) -> str:
    lines = [f"{who(c)}各县区清单比较（{len(c.counties)} 个县区）", ""]
    if c.threshold is None:
        lines.append(f"基本履职占比中位数 {_pct(c.median)}；县区不足 3 个，不判断离群。")
    else:
        lines.append(f"基本履职占比中位数 {_pct(c.median)}，绝对中位差 {_pct(c.mad)}；"
                     f"离群阈值 = 中位数 + max({c.k:g} × 1.4826 × 绝对中位差，"
                     f"{_pct(c.min_gap)}) = {_pct(c.threshold)}。")
    rows = [[s.county, s.name, str(s.streets), f"{s.basic:,}", f"{s.cooperative:,}",
             f"{s.recalled:,}", _pct(s.basic_share), "是" if s.outlier else ""]
            for s in c.counties]
    lines += ["", *table(["县区", "名称", "街道", "基本履职", "配合履职", "收回", "基本履职占比",
                          "离群"], rows, indent="")]
    if c.outliers:
        lines += ["", "离群县区（交给街道的事项明显多于其他县区）：" + "、".join(
            f"{s.name}（{_pct(s.basic_share)}，高出中位数 {_pct(s.above_median)}）"
            for s in c.counties if s.outlier)]
    ids = [s.county for s in c.counties]
    lines += ["", "逐项比较：列入各清单的街道数（基本/配合/收回；— 表示该县区目录无此事项）", ""]
    item_rows = []
    for it in c.items:
        by = {p.county: f"{p.basic}/{p.cooperative}/{p.recalled}" for p in it.placements}
        name = it.name + ("（各县区名称不一：" + "、".join(it.names[1:]) + "）"
                          if len(it.names) > 1 else "")
        item_rows.append([it.item, name, *(by.get(i, "—") for i in ids)])
    lines += table(["事项", "名称", *ids], item_rows, indent="")
    return "\n".join(lines) + "\n"


def render_load(r: LoadReport) -> str:
    lines = [f"{who(r)}各县区街道清单工作量与承接能力（人日/年）"]
    for c in r.counties:
        lines += ["", f"{c.county} {c.name}：工作量合计 {c.load_days:,}，承接能力合计 "
                      f"{c.capacity_days:,}，超出承接能力的街道 {c.over_capacity} 个"]
        rows = [[s.street, s.name, f"{s.load_days:,}",
                 "—" if s.capacity_days is None else f"{s.capacity_days:,}",
                 "—" if s.load_percent is None else f"{s.load_percent}%",
                 "超出" if s.over else "未超出"] for s in c.streets]
        lines += table(["街道", "名称", "工作量", "承接能力", "占比", "判断"], rows)
    return "\n".join(lines) + "\n"


STATUS = {"recalled": "已收回", "on_street_lists": "仍在街道清单上",
          "not_in_catalogue": "目录中无此事项"}


def render_check(r: ReferenceCheck) -> str:
    lines = [f"{who(r)}对照上级部门收回事项目录检查",
             f"参考目录：{r.reference}（{r.reference_file}；来源：{r.reference_source}）"]
    for c in r.counties:
        bad = [f for f in c.findings if f.status == "on_street_lists"]
        found = sum(f.status != "not_in_catalogue" for f in c.findings)
        verdict = ("目录中没有参考收回事项。" if not found
                   else f"目录中有 {found} 项参考收回事项，"
                   + ("均未列在街道清单上。" if not bad else f"{len(bad)} 项仍在街道清单上："))
        lines += ["", f"{c.county} {c.name}：{verdict}"]
        for f in bad:
            for h in f.holding:
                where = []
                if h.basic:
                    where.append("基本履职：" + "、".join(h.basic))
                if h.cooperative:
                    where.append("配合履职：" + "、".join(h.cooperative))
                lines.append(f"  {f.reference} {f.name} ← {h.item} {h.name}（"
                             + "；".join(where) + "）")
    lines += ["", "检查通过：各县区的参考收回事项均不在街道清单上。" if r.clean
              else "检查未通过：有应由上级部门收回的事项仍在街道清单上。"]
    return "\n".join(lines) + "\n"

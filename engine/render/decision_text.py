"""A decision as a readable Chinese report: verdict, street table, findings with citations."""

from __future__ import annotations

from engine.decide.combine import ADMITTED
from engine.labels import label, verdict_label, when
from engine.models.decision import Decision, Finding, Party
from engine.render.table import table

EFFECT_MARK = {
    "reject": "否决",
    "return": "退回",
    "defer": "暂缓",
    "condition": "附条件",
    "not_applicable": "不适用",
    "recommend": "建议",
    "note": "提示",
    "assign": "分工",
}


def _party(p: Party | None) -> str:
    return "—" if p is None else p.name


def _dates(d: Decision) -> list[str]:
    """The dates a decision states (none for one without dates)."""
    out = []
    if d.effective or d.until:
        start = f"自{when(d.effective)}起" if d.effective else "自决定之日起"
        out.append(f"施行日期：{start}" + (f"至{when(d.until)}止" if d.until else ""))
    if d.handover_until:
        granted = [s.name for s in d.streets if s.handover_until]
        out.append(f"交接期：至{when(d.handover_until)}，期间"
                   + ("、".join(granted) if granted else "（规则未准予交接期）")
                   + ("继续承担" if granted else ""))
    return out


def render_decision(d: Decision) -> str:
    item = d.item
    origin = f"目录事项 {item.id}" if item.from_catalogue else "新增事项"
    out = [
        f"{label(d.change)}申请 {d.proposal}：{d.title}",
        f"申请部门：{d.department_name}（{d.department}）",
        f"事项：{item.name}（{label(item.category)}，{origin}）",
        *([f"方式：{label(d.mode)}"
           + ("（街道以部门名义实施，部门承担法律责任）" if d.mode == "entrust" else "")]
          if d.mode else []),
        *([f"临时性工作：至 {d.ends} 结束，不列入清单"] if d.ends else []),
        *_dates(d),
        f"结论：{verdict_label(d.change, d.verdict)}（{d.verdict}）",
        "",
        "各街道：",
    ]
    rows = []
    for s in d.streets:
        if s.verdict not in ADMITTED:  # nothing is assigned to a street that did not admit
            rows.append([f"{s.street} {s.name}", verdict_label(d.change, s.verdict),
                         "—", "—", "—", "—"])
            continue
        per = "（按任务）" if s.funding.per == "task" else "/年"
        fund = f"{s.funding.amount:,}元{per}，部门拨付" if s.funding.follows else "未随事转移"
        street_phases = [label(p.phase) for p in s.phases if p.party.kind == "street"]
        rows.append([
            f"{s.street} {s.name}",
            verdict_label(d.change, s.verdict),
            label(s.list) if s.list else "—",
            _party(s.primary),
            "、".join(street_phases) or "—",
            fund,
        ])
    out += table(["街道", "结论", "清单", "主责单位", "街道承担环节", "经费"], rows)
    out += ["", "规则与依据："]
    for f, streets in _grouped(d.findings, len(d.streets)):
        where = f"（{streets}）" if streets else ""
        out.append(f"  [{EFFECT_MARK.get(f.effect, f.effect)}] {f.rule} {f.title}{where}")
        out.append(f"      {f.message}")
        out.append(f"      依据：{f.basis}")
    if not d.findings:
        out.append("  （无规则触发）")
    out += ["", f"规则包：{d.policy.id} 版本 {d.policy.version}（{d.policy.hash[:19]}）"]
    return "\n".join(out) + "\n"


def _grouped(findings: list[Finding], street_count: int) -> list[tuple[Finding, str]]:
    """Findings with the same rule and message shown once, with the streets they concern."""
    order: list[tuple[str, str, str]] = []
    groups: dict[tuple[str, str, str], tuple[Finding, list[str]]] = {}
    for f in findings:
        key = (f.rule, f.effect, f.message)
        if key not in groups:
            groups[key] = (f, [])
            order.append(key)
        if f.street:
            groups[key][1].append(f.street)
    out = []
    for key in order:
        f, streets = groups[key]
        if not streets:
            out.append((f, ""))
        elif len(streets) == street_count and street_count > 1:
            out.append((f, "全部目标街道"))
        else:
            out.append((f, "、".join(streets)))
    return out


def render_decisions(decisions: list[Decision]) -> str:
    text = "\n".join(render_decision(d) for d in decisions)
    if len(decisions) < 2:
        return text
    rows = [[d.proposal, verdict_label(d.change, d.verdict), d.title] for d in decisions]
    summary = ["汇总：", *table(["申请", "结论", "标题"], rows)]
    return text + "\n" + "\n".join(summary) + "\n"

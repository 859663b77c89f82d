"""`duty who` as Chinese text: the matching items of a street's lists, best first."""

from __future__ import annotations

from typing import Any

from engine.vocab import label
from engine.who.models import WhoAnswer, WhoMatch


def render_who(answer: WhoAnswer) -> str:
    out = [f"诉求：{answer.query}",
           f"街道：{answer.street} {answer.street_name}" + (
               f"（依据已公布清单第 {answer.source.version} 版）" if answer.source else
               "（依据县区目录生成的清单，未经公布）"), ""]
    if not answer.confident:
        out.append("没有把握：该街道清单中没有与诉求明显对应的事项，请人工核定。")
        if answer.suggestion is not None:
            s = answer.suggestion
            out.append(f"目录提示：最接近的是{s.department_name}的事项"
                       f"“{s.item_name}”（{s.item}），可先请{s.department_name}认领。")
        else:
            out.append("目录中也没有相近的事项。")
        out.append("")
        if answer.matches:
            out.append("相近程度较低的事项：")
    for m in answer.matches:
        out += _match(m)
    return "\n".join(out).rstrip("\n") + "\n"


def _match(m: WhoMatch) -> list[str]:
    lead = m.lead.name if m.lead else "—"
    helpers = "、".join(p.name for p in m.cooperating) or "—"
    lines = [f"{m.rank}. {m.name}（{m.item}）  {m.list_name}  匹配 {m.score:.2f}"
             f"（{'、'.join(m.terms) or '—'}）",
             f"   主责：{lead}；配合：{helpers}；对应部门：{m.department_name}",
             "   环节：" + "；".join(f"{p.label} {p.party.name}" for p in m.phases),
             f"   街道职责：{m.task}",
             f"   法律依据：{m.legal_basis}"]
    if m.proposal:
        lines.append(f"   经准入申请 {m.proposal} 列入")
    for r in m.rules:
        lines.append(f"   规则 {r.rule} {r.title}")
        lines.append(f"     依据：{r.citation}")
    return [*lines, ""]


NAMES = {"basic": "基本履职事项", "cooperative": "配合履职事项", "recalled": "上级部门收回事项",
         "owned": "所属事项"}


def render_assessment(a: Any) -> str:
    """The assessment view as text: the lists, the adjustments, the lookups per item."""
    what = "街道（乡镇）" if a.kind == "street" else "部门"
    out = [f"{a.name}（{what} {a.id}）考核情况：{a.period[0]} 至 {a.period[1]}",
           f"清单：已公布第 {a.source.version} 版（{a.source.published}）；"
           + "，".join(f"{NAMES.get(k, k)} {v} 项" for k, v in a.lists.items()),
           f"调整：申请 {a.asked} 件，获准 {a.granted} 件",
           f"工单查询：{a.lookups} 件（未匹配事项 {a.lookups_unmatched} 件）", ""]
    for adj in a.adjustments:
        out.append(f"  {adj.proposal}  {adj.title}（{adj.applicant}，{label(adj.change)}，"
                   f"{label(adj.state)}）申请 {adj.asked or '—'}，获准 {adj.granted or '—'}")
    looked = [i for i in a.items if i.lookups]
    if looked:
        out += ["", "按事项统计的工单查询："]
        out += [f"  {i.item}  {i.name}  {i.lookups} 件"
                for i in sorted(looked, key=lambda i: (-i.lookups, i.item))]
    return "\n".join(out).rstrip("\n") + "\n"

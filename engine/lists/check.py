"""`duty check`: what is wrong with a county's lists.

Each problem has a stable code, the street and item it concerns, a Chinese message and the rule
or policy it breaks. The lists are built by the same placement as `duty lists build`, so every
check looks at what the rules actually do with the catalogue; like the lists, each item is
decided once per street profile.
"""

from __future__ import annotations

from collections import defaultdict

from engine.decide.combine import ADMITTED
from engine.lists.laws import law_problems
from engine.lists.plan import ListPlan
from engine.lists.problem import ListProblem
from engine.lists.staffing_check import institution_problems, staffing_problems
from engine.loading.workspace import Workspace, powers_not_held
from engine.vocab import label

LIXIA = "《街道管理体制改革调查》（济南市历下区）三（二）"
TAIYUAN = "《以机构编制的“三倾斜一下沉”助力夯实基层政权基础》（太原市）三（二）、三（三）"
# the law each power rests on; 确认 and 检查 rest on the item's own basis
POWER_LAW = {
    "penalty": "《中华人民共和国行政处罚法》（2021年修订）第十八条至第二十条、第二十四条",
    "licensing": "《中华人民共和国行政许可法》第二十二条至第二十五条",
    "compulsion": "《中华人民共和国行政强制法》第十七条、第三十四条",
}


__all__ = ["ListProblem", "check_county"]


def check_county(ws: Workspace, plan: ListPlan | None = None) -> list[ListProblem]:
    county, graph, params = ws.county, ws.graph, ws.policy.parameters
    plan = plan or ListPlan(ws)
    # about handing powers to streets: an item its department keeps (on no list) is not
    problems: list[ListProblem] = [
        ListProblem(code="POWER-NOT-HELD", street=None, item=item_id,
                    message=f"事项“{county.items[item_id].name}”需要{label(power)}权，"
                            f"但所属部门{ws.names[county.items[item_id].department]}并不持有；"
                            "部门不能把自身没有的职权交给街道",
                    basis=POWER_LAW.get(power) or county.items[item_id].legal_basis
                    or "事项的设定依据（清单未写）")
        for item_id, power in powers_not_held(county, ws.policy)
        if county.listed_on(county.items[item_id])]
    problems += [
        ListProblem(code="BASIS-MISSING", street=None, item=item.id,
                    message=f"事项“{item.name}”没有写依据（法律、法规、规章或政策文件）",
                    basis="乡镇（街道）履行职责事项清单管理通行做法：清单逐项列明依据")
        for item in county.items.values() if not item.legal_basis.strip()]
    names: dict[str, list[str]] = defaultdict(list)
    for ip in plan.items:
        item = ip.item
        names[item.name].append(item.id)
        if item.category == "assisting" and item.funding == 0 and county.listed_on(item):
            problems.append(ListProblem(
                code="ASSIST-UNFUNDED", street=None, item=item.id,
                message=f"协助管理事项“{item.name}”没有安排部门向街道支付的工作经费",
                basis=f"{LIXIA}：协助管理事项权随责走、费随事转"))
        for index, sid in enumerate(plan.streets):
            row = plan.template(ip, sid, index)
            if row is None or row.list == "recalled":
                continue
            name = county.streets[sid].name
            if row.primary is None:
                problems.append(ListProblem(
                    code="GAP", street=sid, item=item.id,
                    message=f"事项“{item.name}”在{name}没有主责单位（没有分工规则适用）",
                    basis=f"{LIXIA}：每一事项明确第一责任"))
            # the county's grants, and the powers a decision delegated for this item
            granted = {*graph.granted_powers(sid, item.department),
                       *(p.power for p in row.powers if p.by == "decision")}
            lacking = [p for p in row.street_phases
                       if p in params.phase_powers and params.phase_powers[p] not in granted]
            if lacking:
                phases = "、".join(label(p) for p in lacking)
                problems.append(ListProblem(
                    code="POWER-MISMATCH", street=sid, item=item.id,
                    message=f"{name}承担“{item.name}”的{phases}环节，但未获相应职权（权责不一致）",
                    basis=f"{TAIYUAN}：权责一致"))
            if row.list == "basic" and row.department_phases:
                problems.append(ListProblem(
                    code="COMPREHENSIVE-POWER", street=sid, item=item.id,
                    message=f"综合管理事项“{item.name}”需要{name}未获的职权"
                            f"（{'、'.join(label(p) for p in row.department_phases)}环节），"
                            "街道担第一责任而无相应职权，应改为专业管理或依法赋权",
                    basis=f"{LIXIA}：责随权变、权责一致；《中华人民共和国行政处罚法》第二十四条"))
            profile = plan.profile(ip, index)
            verdict = ip.verdicts[profile]
            if verdict not in ADMITTED and verdict != "not_applicable":
                blocking = ip.blocking[profile]
                problems.append(ListProblem(
                    code="UNADMITTED", street=sid, item=item.id,
                    message=f"事项“{item.name}”在{name}的清单中，但按现行规则不能准入："
                            + "；".join(f"{f.rule} {f.title}" for f in blocking),
                    basis="清单外事项须经准入；" + "；".join(
                        dict.fromkeys(f.basis for f in blocking))))
    for name, ids in names.items():
        if len(ids) > 1:
            depts = {county.items[i].department for i in ids}
            code = "OVERLAP" if len(depts) > 1 else "DUPLICATE-NAME"
            what = "多个部门各自牵头（推诿扯皮隐患）" if len(depts) > 1 else "同名事项重复"
            problems.append(ListProblem(
                code=code, street=None, item=ids[0],
                message=f"事项名称“{name}”出现 {len(ids)} 次（{'、'.join(ids)}）：{what}",
                basis=f"{LIXIA}：职责清晰、一个事项一个主责单位"))
    return problems + institution_problems(ws) + staffing_problems(ws) + law_problems(ws)

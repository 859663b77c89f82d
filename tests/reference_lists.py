"""The reference list builder: every item decided for every street, one row model each.

This is the straightforward build the engine's grouped builder (``engine.lists.plan``) must
match byte for byte: each catalogue item is placed as a proposal on all the streets it
applies to, and each street's row is made from its own street decision.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from engine.decide.assign import NO_FUNDING, department_side, funding
from engine.decide.combine import ADMITTED
from engine.decide.evaluate import decide
from engine.lists.check import LIXIA, POWER_LAW, TAIYUAN, ListProblem
from engine.lists.staffing_check import institution_problems, staffing_problems
from engine.loading.workspace import Workspace, powers_not_held
from engine.models.county import DutyItem
from engine.models.decision import Decision, Party, PowerSource, StreetDecision
from engine.models.lists import (
    CountyLists,
    DepartmentList,
    LedRow,
    ListRow,
    NotApplying,
    StreetLists,
)
from engine.models.proposal import Proposal
from engine.vocab import label


def placement(item: DutyItem, targets: list[str]) -> Proposal:
    """A catalogue item as the proposal that would put it on ``targets``' lists.

    A listed item is already the street's duty: nothing is handed over, entrusted or asked
    for, so the placement names no mode (the rules on moving duties, funds and staff, which
    test the mode, stay silent) and has a complete procedure. What can still block it are the
    substantive rules: powers, institutions, and funds for assisting items.
    """
    return Proposal.model_validate({
        "schema_version": 1, "id": item.id, "title": item.name, "department": item.department,
        "streets": targets, "mode": None, "item": {"ref": item.id},
        "resources": {"funding": item.funding, "staff": 0, "powers_delegated": []},
        "work_plan": True, "legal_review": "passed",
        "hearing": dict.fromkeys(targets, "agree"),
        "meeting": {"body": "履行职责事项清单", "ref": item.id, "decided": True},
    })


def place(ws: Workspace, item: DutyItem) -> Decision:
    """The decision the rules would give the item if it were proposed now (not yet listed)."""
    targets = ws.county.item_streets(item)
    return decide(ws, placement(item, targets), item, True, targets, listed=set())


def task(row_list: str, s: StreetDecision, street_phases: list[str], dept: str,
         mode: str | None = None, powers: Sequence[str] = (), by: str = "") -> str:
    """The street's duty in plain Chinese (街道职责); entrusted work is done in the
    department's name, the department answering for it; powers a decision delegated are
    named with it."""
    phases = "、".join(label(p) for p in street_phases)
    named = "、".join(label(p) for p in powers)
    if row_list == "recalled":
        return f"已由{dept}收回，街道不再承担；发现相关问题及时报告"
    if mode == "entrust":
        given = f"，{named}权依{by}委托行使" if powers else ""
        return (f"受{dept}委托，以{dept}名义承担{phases or '相关'}工作{given}，"
                f"法律责任由{dept}承担")
    if row_list == "basic":
        text = f"承担{phases}等工作的第一责任" if phases else "承担第一责任"
    else:
        lead = s.primary.name if s.primary else dept
        text = f"配合{lead}做好{phases}工作" if phases else f"配合{lead}开展工作"
    return text + (f"；依{by}以街道名义行使{named}权，{dept}负责业务指导和监督"
                   if powers else "")


def rows_for(ws: Workspace, item: DutyItem, decision: Decision) -> dict[str, ListRow]:
    """One row per street the decision places the item on, by street id; a street that took
    the item through an admitted proposal shows that proposal and the funds it agreed, a
    street it was taken back from shows it on the recalled list (and the recall proposal)."""
    admissions = ws.county.admissions.get(item.id, {})
    recalls = ws.county.recalls.get(item.id, {})
    taken = set(ws.county.recalled_from(item))
    graph = ws.graph
    dept_name = graph.department(item.department).name
    rules: dict[str | None, list[str]] = defaultdict(list)
    for f in decision.findings:
        if f.effect == "assign" and f.rule not in rules[f.street]:
            rules[f.street].append(f.rule)
    out: dict[str, ListRow] = {}
    phase_powers = ws.policy.parameters.phase_powers
    for s in decision.streets:
        admission = admissions.get(s.street)
        given = list(admission.powers) if admission else []
        street_phases = [p.phase for p in s.phases
                         if p.party.kind == "street" or phase_powers.get(p.phase) in given]
        dept_phases = [p.phase for p in s.phases if p.phase not in street_phases]
        powers = [*s.powers, *(PowerSource(power=p, by="decision",  # type: ignore[arg-type]
                                           basis=admission.proposal, mode=admission.mode)
                               for p in given)] if admission else list(s.powers)
        recalled = s.street in taken
        kind = "recalled" if recalled else (s.list or "cooperative")
        primary, cooperating = s.primary, s.cooperating
        if recalled:  # taken back: the department side carries every phase
            primary = department_side(graph, item.department, s.street)
            street_phases, dept_phases, cooperating = [], list(item.phases), []
            powers, given = [], []
        recall = recalls.get(s.street)
        money = funding(admission.funding if admission else item.funding, item.department)
        out[s.street] = ListRow(
            item=item.id, name=item.name, department=item.department,
            category=item.category, list=kind, primary=primary, cooperating=cooperating,
            street_phases=street_phases, department_phases=dept_phases,
            task=task(kind, s, street_phases, dept_name,
                      admission.mode if admission and not recalled else None,
                      given, admission.proposal if admission else ""),
            funding=NO_FUNDING if recalled else money,
            workload_days=0 if recalled else item.workload_days,
            legal_basis=item.legal_basis,
            rules=[*rules[None], *rules[s.street]],
            proposal=recall.proposal if recall else admission.proposal if admission else None,
            mode=None if recalled or admission is None else admission.mode,
            domain=item.domain, department_duty=item.department_duty,
            street_duty=item.street_duty,
            takeover=(Party(kind="department", id=item.takeover,
                            name=graph.department(item.takeover).name)
                      if item.takeover else primary) if recalled else None,
            method=item.method if recalled else None, powers=powers,
            **_dates(item, admission, recall if recalled else None))
    return out


def by_domain(ws: Workspace) -> list[DutyItem]:
    """The catalogue as the lists show it: one bucket per field of work, the policy's
    vocabulary first in its order, then other fields as they first occur, then items
    without a field."""
    buckets: dict[str | None, list[DutyItem]] = {}
    vocabulary = ws.policy.parameters.domains
    for domain in vocabulary.values if vocabulary else []:
        buckets[domain] = []
    for item in ws.county.items.values():
        if item.domain is not None:
            buckets.setdefault(item.domain, []).append(item)
    buckets[None] = [i for i in ws.county.items.values() if i.domain is None]
    return [item for bucket in buckets.values() for item in bucket]


def build_lists(ws: Workspace) -> CountyLists:
    county = ws.county
    by_street: dict[str, dict[str, list[ListRow]]] = {
        sid: {"basic": [], "cooperative": [], "recalled": []} for sid in county.streets}
    absent: dict[str, list[NotApplying]] = {sid: [] for sid in county.streets}
    for item in by_domain(ws):
        rows = rows_for(ws, item, place(ws, item))
        for sid in county.streets:
            row = rows.get(sid)
            if row is None:
                absent[sid].append(NotApplying(
                    item=item.id, name=item.name,
                    reason=_only_for([county.streets[s].name
                                      for s in county.item_streets(item)])))
            else:
                by_street[sid][row.list].append(row)
    streets = [
        StreetLists(street=sid, name=st.name, kind=st.kind, basic=by_street[sid]["basic"],
                    cooperative=by_street[sid]["cooperative"],
                    recalled=by_street[sid]["recalled"], not_applying=absent[sid])
        for sid, st in county.streets.items()
    ]
    return CountyLists(county=county.name, policy=ws.policy.hash,
                       streets=streets, departments=department_lists(ws, streets))


def department_lists(ws: Workspace, streets: list[StreetLists]) -> list[DepartmentList]:
    """Per department: the items it owns, the streets they rely on, the funds it owes."""
    rows: dict[str, dict[str, list[tuple[str, ListRow]]]] = defaultdict(lambda: defaultdict(list))
    for st in streets:
        for row in (*st.basic, *st.cooperative, *st.recalled):
            rows[row.department][row.item].append((st.street, row))
    params = ws.policy.parameters

    def short(amount: int, days: int) -> int:  # funds below days × rate beyond the tolerance
        need = days * params.person_day_cost
        if amount == 0 or amount >= need:
            return 0
        over = (need - amount) * 100 // need > params.funding_tolerance_percent
        return need - amount if over else 0

    out = []
    for dept in ws.county.departments.values():
        items, owed, gaps = [], defaultdict(int), defaultdict(int)
        for item_id, placed in rows.get(dept.id, {}).items():
            relying = [sid for sid, r in placed if r.list != "recalled"]
            # the row of a street that still carries the item gives its funds per street
            first = next((r for _, r in placed if r.list != "recalled"), placed[0][1])
            for sid, r in placed:
                if r.funding.follows:
                    owed[sid] += r.funding.amount
                    gaps[sid] += short(r.funding.amount, r.workload_days)
            per_street = first.funding.amount if first.funding.follows else 0
            gap = short(per_street, first.workload_days)
            items.append(LedRow(item=item_id, name=first.name, category=first.category,
                                streets=relying, funding_per_street=per_street,
                                funding_total=per_street * len(relying),
                                shortfall_per_street=gap, shortfall_total=gap * len(relying)))
        ledger = {sid: owed[sid] for sid in ws.county.streets if owed.get(sid)}
        shortfall = {sid: gaps[sid] for sid in ledger if gaps.get(sid)}
        out.append(DepartmentList(department=dept.id, name=dept.name, items=items,
                                  funding_owed=ledger, funding_total=sum(ledger.values()),
                                  funding_shortfall=shortfall,
                                  shortfall_total=sum(shortfall.values())))
    return out


def check_county(ws: Workspace) -> list[ListProblem]:
    """`duty check` as it was before grouping: every street from its own decision."""
    county, graph, params = ws.county, ws.graph, ws.policy.parameters
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
    for item in county.items.values():
        names[item.name].append(item.id)
        decision = place(ws, item)
        rows = rows_for(ws, item, decision)
        if item.category == "assisting" and item.funding == 0 and county.listed_on(item):
            problems.append(ListProblem(
                code="ASSIST-UNFUNDED", street=None, item=item.id,
                message=f"协助管理事项“{item.name}”没有安排部门向街道支付的工作经费",
                basis=f"{LIXIA}：协助管理事项权随责走、费随事转"))
        for s in decision.streets:
            row = rows[s.street]
            if row.list == "recalled":
                continue
            if row.primary is None:
                problems.append(ListProblem(
                    code="GAP", street=s.street, item=item.id,
                    message=f"事项“{item.name}”在{s.name}没有主责单位（没有分工规则适用）",
                    basis=f"{LIXIA}：每一事项明确第一责任"))
            # the county's grants and the powers a decision delegated for the item
            granted = {*graph.granted_powers(s.street, item.department),
                       *(p.power for p in row.powers if p.by == "decision")}
            lacking = [p for p in row.street_phases
                       if p in params.phase_powers and params.phase_powers[p] not in granted]
            if lacking:
                phases = "、".join(label(p) for p in lacking)
                problems.append(ListProblem(
                    code="POWER-MISMATCH", street=s.street, item=item.id,
                    message=f"{s.name}承担“{item.name}”的{phases}环节，但未获相应职权（权责不一致）",
                    basis=f"{TAIYUAN}：权责一致"))
            if row.list == "basic" and row.department_phases:
                problems.append(ListProblem(
                    code="COMPREHENSIVE-POWER", street=s.street, item=item.id,
                    message=f"综合管理事项“{item.name}”需要{s.name}未获的职权"
                            f"（{'、'.join(label(p) for p in row.department_phases)}环节），"
                            "街道担第一责任而无相应职权，应改为专业管理或依法赋权",
                    basis=f"{LIXIA}：责随权变、权责一致；《中华人民共和国行政处罚法》第二十四条"))
            if s.verdict not in ADMITTED and s.verdict != "not_applicable":
                blocking = [f for f in decision.findings
                            if f.street in (None, s.street)
                            and f.effect in ("reject", "return", "defer")]
                problems.append(ListProblem(
                    code="UNADMITTED", street=s.street, item=item.id,
                    message=f"事项“{item.name}”在{s.name}的清单中，但按现行规则不能准入："
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
    return problems + institution_problems(ws) + staffing_problems(ws)


def _only_for(targets: list[str]) -> str:
    """The reason an item is not on a street's lists: at most ten streets by id, then how
    many there are in all."""
    if len(targets) <= 10:
        return "该事项仅适用于" + "、".join(targets)
    return "该事项仅适用于" + "、".join(targets[:10]) + f"等 {len(targets):,} 个乡镇（街道）"


def _dates(item: Any, admission: Any, recall: Any) -> dict[str, Any]:
    """A row's dates, stated independently: a recalled row is in force from the day after its
    hand-over (else the recall's own day); another row has its admission's days when the
    admission states any, else the item's. (Reading on a day is ``at_date``'s job, before.)"""
    from datetime import timedelta

    if recall is not None:
        end = recall.handover_until
        day = end + timedelta(days=1) if end else recall.effective
        return {"effective": day.isoformat() if day else None}
    source = admission if admission is not None and (admission.effective or admission.until) \
        else item
    return {"effective": source.effective.isoformat() if source.effective else None,
            "until": source.until.isoformat() if source.until else None}


def encoded(files: Any) -> dict[str, bytes]:
    """A tree of list files (a mapping, or pairs as ``lists_tree`` yields them) with every
    file as the bytes written to disk: the streamed files made by the second process come
    as bytes already."""
    pairs = files.items() if isinstance(files, dict) else files
    return {path: content.encode("utf-8") if isinstance(content, str) else content
            for path, content in pairs}

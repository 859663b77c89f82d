"""Facts: what the rules can see about a proposal and about each target street.

The fact schema below is the vocabulary of policy-pack conditions: a pack may test only these
fields, and the loader checks every condition against it. Facts describe the world (which
powers a street holds, which phases need a power it lacks); the rules decide what follows.

Two kinds of fact are asserted per proposal: one ``proposal`` fact, and one ``street`` fact per
target street, which repeats the proposal fields so that street rules can test both.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, get_args

from engine.graph import CountyGraph
from engine.labels import when
from engine.models.county import DutyItem
from engine.models.proposal import Proposal
from engine.rules.parameters import Parameters
from engine.rules.staffing import capacity_days, person_days, size_tier
from engine.vocab import (
    Category,
    Change,
    Instrument,
    LegalReview,
    Opinion,
    Phase,
    Power,
    ProposalMode,
    RequirementLevel,
    ReturnReason,
    StreetKind,
    Urgency,
)


@dataclass(frozen=True)
class Field:
    """One fact field: its type, the values it may take (for enums) and what it means."""

    type: str  # "str" | "int" | "bool" | "list"
    doc: str
    values: tuple[str, ...] | None = None  # allowed values (scalars) or item values (lists)
    # what about the street the value is derived from (street fields; see STREET_INPUTS)
    inputs: tuple[str, ...] = ()


def _vals(literal: Any, *extra: str) -> tuple[str, ...]:
    return (*get_args(literal), *extra)


PROPOSAL_FIELDS: dict[str, Field] = {
    "proposal": Field("str", "准入申请编号"),
    "department": Field("str", "提出申请的部门"),
    "change": Field("str", "申请的调整：准入、收回或动态调整", _vals(Change)),
    "mode": Field("str", "方式：交由、委托或请求协助（收回申请为 none）",
                  _vals(ProposalMode, "none")),
    "category": Field("str", "事项类别", _vals(Category)),
    "urgency": Field("str", "紧急程度", _vals(Urgency)),
    "item_listed_in_catalogue": Field("bool", "事项是否引用县级目录中的已有事项"),
    "work_plan": Field("bool", "是否附工作方案"),
    "legal_review": Field("str", "合法性审查结果", _vals(LegalReview)),
    "meeting_decided": Field("bool", "县委或县政府会议是否已作出决定"),
    "unheard": Field("list", "尚未听取意见的目标街道"),
    "instruments": Field("list", "申请中使用的派工手段", _vals(Instrument)),
    "higher_requirement": Field(
        "str", "中央或省级党委的明确要求", ("none", *get_args(RequirementLevel))
    ),
    "funding": Field("int", "随事项转移的经费（元/街道/年）"),
    "staff": Field("int", "随事项转移的人员（人/街道）"),
    "workload_days": Field("int", "街道工作量（人日/街道/年）"),
    "phases": Field("list", "事项环节", _vals(Phase)),
    "powers_needed": Field("list", "事项所需职权（含环节所需职权）", _vals(Power)),
    "powers_delegated": Field("list", "申请下放给街道的职权", _vals(Power)),
    "powers_not_held": Field("list", "部门自身并不持有的所需或下放职权", _vals(Power)),
    "public_facing": Field("bool", "是否直接面向群众"),
    "high_volume": Field("bool", "是否量大面广"),
    "ends": Field("str", "临时性工作的结束日期（YYYY-MM-DD；非临时性工作为 none）"),
    "effective": Field("str", "申请所定的施行日期（如 2027年1月1日；未写为 none）"),
    "handover_until": Field(
        "str", "收回所定交接期的最后一天（如 2027年3月31日；未设交接期为 none）"),
    "funding_needed": Field("int", "按每人日成本折算的工作量所需经费（元/街道/年）"),
    "funding_shortfall_percent": Field(
        "int", "随事项转移的经费低于所需经费的百分比（不低于 0）"),
    "funding_shortfall": Field("int", "随事项转移的经费比所需经费少的金额（元/街道/年，不低于 0）"),
    "no_street_has_room": Field(
        "bool", "每个目标街道承接该事项（连同随事转移的人员）后都将超出承接能力"),
    "requester": Field("str", "申请由谁提出：部门，或申请收回、调整本街道事项的街道",
                       ("department", "street")),
    "reasons": Field("list", "街道申请收回或调整所述的理由（部门申请为空）",
                     _vals(ReturnReason)),
    "requester_funding": Field(
        "int", "提出申请的街道现从该事项得到的经费（元/年；部门申请为 0）"),
    "department_opinion": Field("str", "街道申请时，有关部门的意见",
                                ("none", *get_args(Opinion))),
}

# What a street fact can be derived from, besides the proposal and the item. Streets that
# agree on every input of the fields a policy reads get the same facts from it, so their
# decisions can be made once (see ``engine.rules.profile``).
STREET_INPUTS = {
    "identity": "街道编号和名称",
    "kind": "街道、镇或乡",
    "population": "常住人口",
    "town_class": "乡镇类别",
    "institutions": "各机构承担的职能",
    "capacity": "各机构承担的职能中承接能力参数（capacity）所列的职能",
    "staff": "在编人数（承接能力）",
    "load": "清单事项的年工作量",
    "granted": "该部门领域的赋权",
    "unit": "该部门派驻机构（编号）",
    "listed": "是否已列入清单",
    "opinion": "街道意见",
}

STREET_FIELDS: dict[str, Field] = {
    **PROPOSAL_FIELDS,
    "street": Field("str", "街道编号", inputs=("identity",)),
    "street_name": Field("str", "街道名称", inputs=("identity",)),
    "street_kind": Field("str", "街道、镇或乡", _vals(StreetKind), inputs=("kind",)),
    "population": Field("int", "常住人口", inputs=("population",)),
    "size_tier": Field("str", "街道规模（按常住人口分档；规则包未设分档时为 none）",
                       ("small", "medium", "large", "none"), inputs=("population",)),
    "town_class": Field("int", "乡镇类别（县区未分类时为 0）", inputs=("town_class",)),
    "institutions": Field("list", "街道各机构承担的职能（含加挂牌子、合署办公的职能）",
                          inputs=("institutions",)),
    "listed": Field("bool", "事项是否已在该街道清单中", inputs=("listed",)),
    "opinion": Field("str", "街道意见", ("none", *get_args(Opinion)), inputs=("opinion",)),
    "unit": Field("str", "该部门服务该街道的派驻机构（无则为 none）", inputs=("unit",)),
    "granted_powers": Field("list", "街道依法或经省级决定获得的该部门领域职权", _vals(Power),
                            inputs=("granted",)),
    "delegated_powers": Field(
        "list", "本申请依法下放给街道的职权（交由或委托；部门持有，且不属法律保留或省级目录允许）",
        _vals(Power), inputs=("granted",)),
    "phases_lacking_power": Field("list", "需要街道未获职权的环节", _vals(Phase),
                                  inputs=("granted",)),
    "enforcement_phases_lacking_power": Field(
        "list", "其中属于执法环节（认定、查处、处罚、强制、许可）的环节", _vals(Phase),
        inputs=("granted",)),
    "other_phases_lacking_power": Field("list", "其中不属于执法环节的环节", _vals(Phase),
                                        inputs=("granted",)),
    "street_phases": Field("list", "街道有权承担的环节", _vals(Phase), inputs=("granted",)),
    "missing_institutions": Field("list", "承担街道环节所需而街道未设的机构",
                                  inputs=("capacity", "granted")),
    "reserved_delegated_ungranted": Field(
        "list", "申请下放、法律保留给县级以上且街道未获赋权的职权", _vals(Power),
        inputs=("granted",)),
    "reserved_needed_ungranted": Field(
        "list", "事项所需、法律保留给县级以上且街道未获赋权的职权", _vals(Power),
        inputs=("granted",)),
    "capacity_days": Field("int", "街道年承接能力（人日：在编人数×工作日×可用比例）",
                           inputs=("staff",)),
    "load_days": Field("int", "街道基本履职和配合履职清单事项的年工作量（人日）",
                       inputs=("load",)),
    "exceeds_capacity": Field(
        "bool", "承接该事项后工作量超出承接能力（已计入随事转移的人员）",
        inputs=("staff", "load")),
}

SCHEMAS: dict[str, dict[str, Field]] = {"proposal": PROPOSAL_FIELDS, "street": STREET_FIELDS}


_POWERS: tuple[str, ...] = get_args(Power)  # the powers in their vocabulary's order


def _ordered(values: set[str], order: tuple[str, ...]) -> list[str]:
    return [v for v in order if v in values]


def powers_needed(item: DutyItem, params: Parameters) -> list[str]:
    """The powers an item needs: those it names plus those its phases need."""
    needed = set(item.powers) | {params.phase_powers[p] for p in item.phases
                                 if p in params.phase_powers}
    return _ordered(needed, _POWERS)


def lawful_delegation(base: Mapping[str, Any]) -> list[str]:
    """The powers a proposal delegates that can pass to a street with the duty: handed over
    or entrusted (a request for help moves no power), by an admission or a revision, and
    held by the department itself. Reserved powers still need a grant or the provincial
    catalogue (``street_fact``)."""
    if base["mode"] not in ("hand_over", "entrust") or base["change"] == "recall":
        return []
    return [p for p in base["powers_delegated"] if p not in base["powers_not_held"]]


def missing_functions(item: DutyItem, carried: list[str], functions: set[str],
                      params: Parameters) -> list[str]:
    """The functions (``capacity`` parameter) the street's phases of the item need and no
    body of the street carries."""
    missing: list[str] = []
    for need in params.capacity:
        if need.public_facing and not item.public_facing:
            continue
        if need.institution in functions or need.institution in missing:
            continue
        if any(p in need.phases for p in carried):
            missing.append(need.institution)
    return missing


def _exceeds(street_id: str, item: DutyItem, proposal: Proposal, graph: CountyGraph,
             params: Parameters, listed: bool) -> bool:
    """Whether taking the item on pushes the street past its capacity, counting the staff
    that follow the duty (人随事转); an item the street already lists counts once, with its
    new workload. False when the pack sets no capacity year."""
    capacity = capacity_days(graph.street(street_id), params)
    if capacity is None:
        return False
    room = capacity + person_days(proposal.resources.staff, params)
    current = graph.county.items.get(item.id) if listed else None
    load = graph.street_load(street_id) - (current.workload_days if current else 0)
    return load + item.workload_days > room


def proposal_fact(
    proposal: Proposal,
    item: DutyItem,
    graph: CountyGraph,
    params: Parameters,
    targets: list[str],
    from_catalogue: bool,
    listed: Collection[str] = (),
) -> dict[str, Any]:
    """The proposal-level fact (without engine bookkeeping keys); ``listed``: the targets
    whose lists already hold the item."""
    needed = powers_needed(item, params)
    delegated = _ordered(set(proposal.resources.powers_delegated), _POWERS)
    held = set(graph.department_powers(proposal.department))
    heard = proposal.hearing or {}
    requirement = proposal.higher_requirement
    needed_funds = params.funding_needed(item.workload_days)
    return {
        "proposal": proposal.id,
        "department": proposal.department,
        "change": proposal.change,
        "mode": proposal.mode or "none",
        "category": item.category,
        "urgency": proposal.urgency,
        "item_listed_in_catalogue": from_catalogue,
        "work_plan": proposal.work_plan,
        "legal_review": proposal.legal_review,
        "meeting_decided": bool(proposal.meeting and proposal.meeting.decided),
        "unheard": [s for s in targets if s not in heard],
        "instruments": sorted(set(proposal.instruments), key=get_args(Instrument).index),
        "higher_requirement": requirement.level if requirement else "none",
        "funding": proposal.resources.funding,
        "staff": proposal.resources.staff,
        "workload_days": item.workload_days,
        "phases": list(item.phases),
        "powers_needed": needed,
        "powers_delegated": delegated,
        "powers_not_held": _ordered((set(needed) | set(delegated)) - held, _POWERS),
        "public_facing": item.public_facing,
        "high_volume": item.high_volume,
        "ends": proposal.ends.isoformat() if proposal.ends else "none",
        "effective": when(proposal.effective.isoformat()) if proposal.effective else "none",
        "handover_until": when(proposal.handover_until.isoformat())
        if proposal.handover_until else "none",
        "funding_needed": needed_funds,
        "funding_shortfall_percent": (
            max(0, (needed_funds - proposal.resources.funding) * 100 // needed_funds)
            if needed_funds else 0),
        "funding_shortfall": max(0, needed_funds - proposal.resources.funding),
        "no_street_has_room": bool(targets) and all(
            _exceeds(s, item, proposal, graph, params, s in listed) for s in targets),
        "requester": "street" if proposal.requested_by else "department",
        "reasons": sorted(set(proposal.reasons), key=get_args(ReturnReason).index),
        "requester_funding": _funding_of(graph, item, proposal.requested_by)
        if proposal.requested_by in listed else 0,
        "department_opinion": proposal.department_opinion or "none",
    }


def _funding_of(graph: CountyGraph, item: DutyItem, street_id: str | None) -> int:
    """What a street receives for a listed item a year: the funds its admission agreed, else
    the catalogue's."""
    admission = graph.county.admissions.get(item.id, {}).get(street_id or "")
    return admission.funding if admission else graph.county.items.get(item.id, item).funding


def street_fact(
    base: Mapping[str, Any],
    proposal: Proposal,
    item: DutyItem,
    street_id: str,
    graph: CountyGraph,
    params: Parameters,
    listed: bool,
) -> dict[str, Any]:
    """The fact for one target street, built on the proposal fact ``base``."""
    street = graph.street(street_id)
    recorded = set(graph.granted_powers(street_id, item.department))
    reserved = set(params.reserved_powers)
    allowed = params.catalogue_powers(item.department)  # reserved, by a provincial catalogue
    delegated = [p for p in lawful_delegation(base)
                 if p not in recorded and (p not in reserved or p in allowed)]
    granted = recorded | set(delegated)
    lacking = [p for p in item.phases
               if p in params.phase_powers and params.phase_powers[p] not in granted]
    enforcement = set(params.enforcement_phases)
    carried = [p for p in item.phases if p not in lacking]
    institutions = set(graph.institutions(street_id))
    missing = missing_functions(item, carried, institutions, params)
    unit = graph.unit_serving(item.department, street_id)
    opinion = (proposal.hearing or {}).get(street_id, "none")
    return {
        **base,
        "street": street_id,
        "street_name": street.name,
        "street_kind": street.kind,
        "population": street.population,
        "size_tier": size_tier(street, params) or "none",
        "town_class": street.town_class or 0,
        "institutions": sorted(institutions),
        "listed": listed,
        "opinion": opinion,
        "unit": unit or "none",
        "granted_powers": _ordered(recorded, _POWERS),
        "delegated_powers": delegated,
        "phases_lacking_power": lacking,
        "enforcement_phases_lacking_power": [p for p in lacking if p in enforcement],
        "other_phases_lacking_power": [p for p in lacking if p not in enforcement],
        "street_phases": carried,
        "missing_institutions": missing,
        "reserved_delegated_ungranted": [
            p for p in base["powers_delegated"] if p in reserved and p not in granted
            and p not in allowed
        ],
        "reserved_needed_ungranted": [
            p for p in base["powers_needed"] if p in reserved and p not in granted
        ],
        "capacity_days": capacity_days(street, params) or 0,
        "load_days": graph.street_load(street_id),
        "exceeds_capacity": _exceeds(street_id, item, proposal, graph, params, listed),
    }

"""The vocabulary of DESIGN.md §2: identifiers and their Chinese names.

Identifiers are part of the interface (files, JSON); the labels are what users read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

Power = Literal["licensing", "penalty", "compulsion", "inspection", "confirmation"]
Phase = Literal[
    "patrol",
    "discovery",
    "report",
    "dissuasion",
    "service",
    "coordination",
    "statistics",
    "inspection",
    "confirmation",
    "determination",
    "investigation",
    "penalty",
    "compulsion",
    "licensing",
]
Category = Literal["comprehensive", "specialist", "assisting"]
ListKind = Literal["basic", "cooperative", "recalled"]
StreetKind = Literal["street", "town", "township"]
UnitMode = Literal["dispatched", "devolved"]
ProposalMode = Literal["hand_over", "entrust", "assist"]
Change = Literal["admit", "recall", "revise"]
Instrument = Literal[
    "responsibility_pledge",
    "quota_breakdown",
    "acceptance_check",
    "one_vote_veto",
    "counterpart_office",
    "extra_nameplate",
    "dedicated_staff",
    "task_force",
    "plaques",
]
LegalReview = Literal["pending", "passed", "failed"]
Opinion = Literal["agree", "agree_with_conditions", "object"]
# why a street asks to hand an item back or change its share (动态调整 from below)
ReturnReason = Literal["lacks_power", "lacks_staff", "lacks_funds", "department_item"]
Urgency = Literal["normal", "temporary", "emergency"]
RequirementLevel = Literal["central", "provincial"]
Effect = Literal["assign", "reject", "return", "defer", "condition", "note", "recommend",
                 "not_applicable"]
Verdict = Literal[
    "admitted",
    "admitted_with_conditions",
    "deferred",
    "returned",
    "rejected",
    "not_applicable",
]
PartyKind = Literal["street", "department", "unit"]

PHASES: tuple[str, ...] = get_args(Phase)
POWERS: tuple[str, ...] = get_args(Power)

LABELS: dict[str, str] = {
    # categories
    "comprehensive": "综合管理",
    "specialist": "专业管理",
    "assisting": "协助管理",
    # lists
    "basic": "基本履职事项",
    "cooperative": "配合履职事项",
    "recalled": "上级部门收回事项",
    # phases
    "patrol": "巡查",
    "discovery": "发现",
    "report": "报告",
    "dissuasion": "劝阻",
    "service": "服务",
    "coordination": "协调",
    "statistics": "统计",
    "inspection": "检查",
    "confirmation": "确认",
    "determination": "认定",
    "investigation": "查处",
    "penalty": "处罚",
    "compulsion": "强制",
    "licensing": "许可",
    # (powers share the phase labels: penalty, compulsion, licensing, inspection, confirmation)
    # street kinds
    "street": "街道",
    "town": "镇",
    "township": "乡",
    # unit modes
    "dispatched": "派驻",
    "devolved": "下放",
    # proposal modes
    "hand_over": "交由",
    "entrust": "委托",
    "assist": "请求协助",
    # what a proposal changes
    "admit": "准入",
    "recall": "收回",
    "revise": "动态调整",
    # verdicts
    "admitted": "准入",
    "admitted_with_conditions": "附条件准入",
    "deferred": "暂缓",
    "returned": "退回补正",
    "rejected": "不予准入",
    "not_applicable": "不适用",
    # effects
    "assign": "分工",
    "reject": "否决",
    "return": "退回",
    "defer": "暂缓",
    "condition": "附条件",
    "note": "提示",
    "recommend": "建议",
    # instruments
    "responsibility_pledge": "签订责任状",
    "quota_breakdown": "分解下达指标",
    "acceptance_check": "考核验收",
    "one_vote_veto": "一票否决",
    "counterpart_office": "要求对口设立机构",
    "extra_nameplate": "要求加挂牌子",
    "dedicated_staff": "要求确定专职人员",
    "task_force": "通过工作专班或临时机构派工",
    "plaques": "以挂牌、制度上墙作为考核内容",
    # the five institutions every street must have (河南 survey); counties may add their own
    "party_building_office": "党建工作办公室",
    "service_center": "党政综合便民服务中心",
    "veterans_station": "退役军人服务站",
    "governance_center": "社会治安综合治理中心",
    "enforcement_team": "综合行政执法队",
    # size tiers (河南 survey)
    "small": "规模较小",
    "medium": "中等规模",
    "large": "规模较大",
    # opinions
    "agree": "同意",
    "agree_with_conditions": "有条件同意",
    "object": "不同意",
    # a street's reasons for handing an item back
    "lacks_power": "缺少事项所需的职权",
    "lacks_staff": "缺少承担事项的人员",
    "lacks_funds": "经费未随事转移",
    "department_item": "属于部门的职责",
}


RECALL_VERDICTS: dict[str, str] = {
    "admitted": "同意收回",
    "admitted_with_conditions": "附条件同意收回",
    "deferred": "暂缓收回",
    "returned": "退回补正",
    "rejected": "不予收回",
    "not_applicable": "不适用",
}


def verdict_label(change: str, verdict: str) -> str:
    """The Chinese wording of a verdict: a recall's verdicts speak of taking back (收回)."""
    return RECALL_VERDICTS[verdict] if change == "recall" else label(verdict)


def label(identifier: str) -> str:
    """The Chinese name of an identifier (the identifier itself when it has none)."""
    return LABELS.get(identifier, identifier)


def identifier_for(value: object, choices: Iterable[str]) -> str | None:
    """The identifier among ``choices`` whose Chinese name is ``value`` (协助管理 → assisting)."""
    text = str(value).strip()
    return next((c for c in choices if LABELS.get(c) == text), None)

"""What a list layout leaves implicit: an item's category and its phases.

Each inference returns the value and why, for the import report.
"""

from __future__ import annotations

from engine.vocab import LABELS, PHASES, label

# the words that name each phase in duty text (the phase's own label first)
PHASE_WORDS: dict[str, tuple[str, ...]] = {
    "patrol": ("巡查", "巡逻", "巡护"),
    "discovery": ("发现", "排查", "摸排"),
    "report": ("报告", "上报", "报送", "报告"),
    "dissuasion": ("劝阻", "劝导", "劝返"),
    "service": ("服务", "受理", "代办"),
    "coordination": ("协调", "调处", "调解"),
    "statistics": ("统计", "普查"),
    "inspection": ("检查", "监察"),
    "confirmation": ("确认", "审核", "评定"),
    "determination": ("认定",),
    "investigation": ("查处", "立案"),
    "penalty": ("处罚", "执法"),
    "compulsion": ("强制", "拆除"),
    "licensing": ("许可", "审批"),
}

CATEGORY_NAMES = {LABELS[c]: c for c in ("comprehensive", "specialist", "assisting")}

# the street's own fallback when its duty text names no phase, by list
FALLBACK_PHASE = {"basic": "service", "cooperative": "report", "recalled": "report"}


# 认定 of a violation or an accident is part of enforcement; any other 认定 (of an identity,
# a work injury, a status) confirms a fact
VIOLATION_WORDS = ("违法", "违规", "事故", "案件")


def phases_in(text: str, context: str = "") -> list[str]:
    """The phases the words of ``text`` name, in the order they first appear (``context``,
    the item's other texts, tells what a 认定 is about)."""
    words = dict(PHASE_WORDS)
    if not any(w in text + context for w in VIOLATION_WORDS):
        words["determination"] = ()
        words["confirmation"] = (*words["confirmation"], "认定")
    found: list[tuple[int, int, str]] = []
    for order, phase in enumerate(PHASES):
        hits = [text.find(w) for w in words[phase] if w in text]
        if hits:
            found.append((min(hits), order, phase))
    return [p for _, _, p in sorted(found)]


def infer_phases(texts: list[tuple[str, str]], kind: str) -> tuple[list[str], str]:
    """The phases of an item from its texts (what each is, the text), and why."""
    context = "".join(text for _, text in texts)
    for what, text in texts:
        phases = phases_in(text, context)
        if phases:
            words = "、".join(label(p) for p in phases)
            return phases, f"由{what}推断（{words}）"
    fallback = FALLBACK_PHASE[kind]
    return [fallback], f"职责文字中没有可识别的环节，按{LABELS[kind]}清单取“{label(fallback)}”"


def infer_category(kind: str, street_duty: str, funded: bool) -> tuple[str, str]:
    """The category an item's list implies, and why."""
    if kind == "basic":
        return "comprehensive", "列在基本履职事项清单：街道承担第一责任"
    if kind == "recalled":
        return "specialist", "列在上级部门收回事项清单：由部门承担"
    if "协助" in street_duty or funded:
        why = "街道职责写明协助" if "协助" in street_duty else "部门随事项拨付经费"
        return "assisting", f"列在配合履职事项清单，{why}：协助管理"
    return "specialist", "列在配合履职事项清单，部门承担第一责任、街道配合：专业管理"

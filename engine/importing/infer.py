"""What a list layout leaves implicit: an item's category and its phases.

Phases are read the way a person reads a row: the kind of power (权力类型) first, then the
item's name (a Chinese item name ends in what is done: “…的处罚”, “…审批”, “…登记”), then
the first clause of the duty text. Words that describe procedure (负责人审批, 法制审核,
申请人民法院强制执行 …) are taken out before any text is read. Each inference returns the
value and the words that decided it, for the import report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.vocab import LABELS, PHASES, label

# the words that name each phase in duty text (the phase's own label first)
PHASE_WORDS: dict[str, tuple[str, ...]] = {
    "patrol": ("巡查", "巡逻", "巡护"),
    "discovery": ("发现", "排查", "摸排"),
    "report": ("报告", "上报", "报送"),
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

# 权力类型 → phases. None: the type says nothing about the phase (the name decides).
POWER_TYPES: dict[str, tuple[str, ...] | None] = {
    "行政处罚": ("penalty",),
    "行政许可": ("licensing",),
    "行政审批": ("licensing",),
    "非行政许可审批": ("licensing",),
    "行政确认": ("confirmation",),
    "行政检查": ("inspection",),
    "行政监督检查": ("inspection",),
    "行政监督": ("inspection",),
    "行政强制": ("compulsion",),
    "行政强制措施": ("compulsion",),
    "行政强制执行": ("compulsion",),
    "行政给付": ("service",),
    "行政奖励": ("service",),
    "行政备案": ("service",),
    "行政指导": ("service",),
    "公共服务": ("service",),
    "便民服务": ("service",),
    "公共服务事项": ("service",),
    "行政裁决": ("coordination",),
    "行政调解": ("coordination",),
    "行政征收": None,
    "行政征用": None,
    "其他行政权力": None,
    "其他权力": None,
    "其他权力类型": None,
    "其他职权": None,
    "其他": None,
}

# the head of an item's name (its last words say what is done), by phase; a longer word first
NAME_WORDS: dict[str, tuple[str, ...]] = {
    "penalty": ("行政处罚", "处罚", "罚款", "没收", "吊销", "责令停产停业", "警告"),
    "compulsion": ("行政强制", "强制执行", "强制", "查封", "扣押", "冻结", "代履行", "拆除"),
    "inspection": ("监督检查", "检查", "抽查", "监督", "检验", "检测", "巡查", "审验", "年审",
                   "年检"),
    "licensing": ("审批", "许可", "核准", "批准", "审查", "验收"),
    "confirmation": ("登记", "证明", "确认", "认定", "鉴定", "核定", "审核", "评定", "初审",
                     "复核", "核发", "发证", "换证", "补证", "证书"),
    "coordination": ("调解", "裁决", "调处", "协调"),
    "statistics": ("统计", "普查"),
    "service": ("申领", "补贴", "津贴", "给付", "救助", "报销", "资助", "发放", "奖励", "咨询",
                "查询", "办理", "服务", "受理", "代办", "预约", "备案", "转移接续", "变更",
                "注销", "补办", "申请", "认证", "缴纳", "缴费", "评选", "表彰", "指导", "培训",
                "保障", "待遇", "优待", "抚恤", "安置", "救济", "供养", "医疗", "教育"),
}
# names about a permit (…许可证核发, …审批): licensing, unless the head is enforcement
PERMIT_WORDS = ("许可", "审批")
ENFORCEMENT_HEADS = ("penalty", "compulsion", "inspection")

# procedure: how a power is exercised, never a power of its own; taken out before reading
PROCEDURE = re.compile(
    "|".join((
        r"(经|报)?(行政机关|部门|单位|市场监督管理部门)?(主要)?负责人(集体讨论)?(审批|批准|决定|签批)",
        r"(按|依|履行)程序(审批|报批|批准)", r"报[^，。；,;]{0,12}(审批|批准)",
        r"法制审核", r"合法性审核", r"集体讨论",
        r"申请(人民)?法院强制执行", r"(依法)?(采取|申请)?强制执行(措施)?",
        r"加处罚款", r"事后监管", r"后续监管", r"监督管理", r"吊销[^，。；,;]{0,16}",
        r"(不予)?行政许可(决定|申请|证件)", r"许可证", r"审批(表|手续|权限)",
        r"(审查|受理|告知|送达|决定|执行|立案|调查|听证|审理)(阶段)?责任",
        r"移送[^，。；,;]{0,12}", r"移交[^，。；,;]{0,12}",
    )))

# service verbs in the first clause of a duty text (申领, 补贴 …): a service or, where the
# glossary's 行政确认 applies (登记, 证明), a confirmation
SERVICE_VERBS = ("申领", "补贴", "给付", "报销", "咨询", "查询", "办理", "备案", "发放", "救助")
CONFIRMATION_VERBS = ("登记", "证明")

CATEGORY_NAMES = {LABELS[c]: c for c in ("comprehensive", "specialist", "assisting")}

# the street's own fallback when its duty text names no phase, by list; an item a department
# keeps (on no street's list) is a service it performs, never a report
FALLBACK_PHASE = {"basic": "service", "cooperative": "report", "recalled": "report",
                  "kept": "service"}

# 认定 of a violation or an accident is part of enforcement; any other 认定 (of an identity,
# a work injury, a status) confirms a fact
VIOLATION_WORDS = ("违法", "违规", "事故", "案件")


@dataclass(frozen=True)
class Inference:
    """Phases and why: the source read and the words that decided."""

    phases: list[str]
    why: str


def without_procedure(text: str) -> str:
    """The text with its procedure words taken out (each replaced by a separator)."""
    return PROCEDURE.sub("，", text)


def phases_in(text: str, context: str = "") -> list[str]:
    """The phases the words of ``text`` name, in the order they first appear (``context``,
    the item's other texts, tells what a 认定 is about)."""
    return [p for p, _ in _found(without_procedure(text), context)]


def _found(text: str, context: str) -> list[tuple[str, str]]:
    words = dict(PHASE_WORDS)
    if not any(w in text + context for w in VIOLATION_WORDS):
        words["determination"] = ()
        words["confirmation"] = (*words["confirmation"], "认定")
    found: list[tuple[int, int, str, str]] = []
    for order, phase in enumerate(PHASES):
        hits = sorted((text.find(w), w) for w in words[phase] if w in text)
        if hits:
            found.append((hits[0][0], order, phase, hits[0][1]))
    return [(p, w) for _, _, p, w in sorted(found)]


def is_power_type(text: str) -> bool:
    """Whether a cell names a kind of power (行政许可, 其他行政权力 …)."""
    key = re.sub(r"\s+", "", text)
    return key in POWER_TYPES or any(known in key for known in POWER_TYPES if len(known) > 2)


def power_type_phases(power_type: str) -> tuple[str, ...] | None:
    """The phases a 权力类型 names, or None when it names none (其他行政权力, 行政征收, or a
    type not known)."""
    key = re.sub(r"\s+", "", power_type)
    if key in POWER_TYPES:
        return POWER_TYPES[key]
    for known, phases in sorted(POWER_TYPES.items(), key=lambda kv: -len(kv[0])):
        if phases and known in key:
            return phases
    return None


def name_phase(name: str) -> tuple[str, str] | None:
    """The phase an item's name ends in, and the word, or None."""
    text = re.sub(r"([(（][^()（）]*[)）])+$", "", name.strip())  # （县级行使）, （新办）
    best: tuple[int, int, str, str] | None = None  # (end, length, phase, word)
    for phase, words in NAME_WORDS.items():
        for word in words:
            at = text.rfind(word)
            if at < 0:
                continue
            candidate = (at + len(word), len(word), phase, word)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
    if best is None:
        return None
    if best[2] not in ENFORCEMENT_HEADS and best[2] != "licensing":
        permit = next((w for w in PERMIT_WORDS if w in text), None)
        if permit is not None:
            return "licensing", permit
    return best[2], best[3]


def first_clause(text: str) -> str:
    """The first clause of a duty text: up to the first full stop, semicolon or line, with a
    leading number (“1.”, “（一）”) and a stage name (“受理阶段责任：”) taken off."""
    text = re.sub(r"^\s*([(（]?[0-9一二三四五六七八九十]+[)）.、．]\s*|[①②③④⑤])", "",
                  text.strip())
    text = re.sub(r"^[^：:，。；]{0,12}(阶段)?责任[：:]", "", text)
    return re.split(r"[。；;\n]|\s[0-9]+[.、]", text, maxsplit=1)[0]


def infer_phases(texts: list[tuple[str, str]], kind: str, power_type: str = "",
                 name: str = "") -> tuple[list[str], str]:
    """The phases of an item, and why.

    ``texts`` are the item's duty texts (what each is, the text) in the order a list reads
    them; on a street's list (``kind`` basic, cooperative, recalled) they state the street's
    phases and are read whole, before the name. An item a department keeps (``kind`` kept)
    is read by its power type, then its name, then the first clause of its duty text.
    """
    if power_type:
        phases = power_type_phases(power_type)
        if phases:
            return list(phases), (f"由权力类型“{power_type}”推断"
                                  f"（{'、'.join(label(p) for p in phases)}）")
    context = "".join(text for _, text in texts) + name
    if kind == "kept":
        found = name_phase(name) if name else None
        if found is not None:
            phase, word = found
            return [phase], f"由事项名称中的“{word}”推断（{label(phase)}）"
        for what, text in texts:
            clause = without_procedure(first_clause(text))
            hit = _verb(clause) or next(iter(_found(clause, context)), None)
            if hit is not None:
                phase, word = hit
                return [phase], f"由{what}首句中的“{word}”推断（{label(phase)}）"
    else:
        for what, text in texts:
            found_words = _found(without_procedure(text), context)
            if found_words:
                phases = [p for p, _ in found_words]
                words = "、".join(f"“{w}”" for _, w in found_words)
                return phases, (f"由{what}中的{words}推断"
                                f"（{'、'.join(label(p) for p in phases)}）")
    fallback = FALLBACK_PHASE[kind]
    where = "部门自行履行的事项" if kind == "kept" else f"按{LABELS[kind]}清单"
    return [fallback], f"权力类型、名称和职责文字中没有可识别的环节，{where}取“{label(fallback)}”"


def _verb(clause: str) -> tuple[str, str] | None:
    """A service verb in a clause: confirmation for 登记 / 证明, else service."""
    hits = sorted((clause.find(w), w) for w in (*SERVICE_VERBS, *CONFIRMATION_VERBS)
                  if w in clause)
    if not hits:
        return None
    word = hits[0][1]
    return ("confirmation" if word in CONFIRMATION_VERBS else "service"), word


def infer_category(kind: str, street_duty: str, funded: bool) -> tuple[str, str]:
    """The category an item's list implies, and why."""
    if kind == "kept":
        return "specialist", "部门自行履行、不在街道清单上的事项：由部门承担第一责任"
    if kind == "basic":
        return "comprehensive", "列在基本履职事项清单：街道承担第一责任"
    if kind == "recalled":
        return "specialist", "列在上级部门收回事项清单：由部门承担"
    if "协助" in street_duty or funded:
        why = "街道职责写明协助" if "协助" in street_duty else "部门随事项拨付经费"
        return "assisting", f"列在配合履职事项清单，{why}：协助管理"
    return "specialist", "列在配合履职事项清单，部门承担第一责任、街道配合：专业管理"

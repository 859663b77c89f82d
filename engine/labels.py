"""The one table of Chinese labels: what users read for every identifier of the engine.

The CLI's text, the web pages and the documents all take their words from here: the vocabulary
of DESIGN.md §2 (categories, lists, phases, modes, verdicts, effects, opinions, instruments),
the review stages, the steps the web offers, the roles, and the tone each verdict and state is
shown in (a return asks for a correction; it is not a rejection). State and transition labels
are the process file's own (``duties/workflow``), since a county may word its steps; their tones
are here.
"""

from __future__ import annotations

from collections.abc import Iterable

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

# a verdict's tone: admitted (good), returned or deferred (to correct or wait), rejected (bad)
VERDICT_TONES: dict[str, str] = {
    "admitted": "good", "admitted_with_conditions": "good", "deferred": "wait",
    "returned": "return", "rejected": "bad", "not_applicable": "none",
}

# a process state's tone, by the same scale (states in flight are "flow")
STATE_TONES: dict[str, str] = {
    "draft": "none", "submitted": "flow", "office_review": "flow", "legal_review": "flow",
    "hearing": "flow", "deliberation": "flow", "provisional": "wait", "admitted": "good",
    "city_review": "flow", "province_review": "flow",
    "returned": "return", "rejected": "bad", "withdrawn": "none", "published": "good",
}

# when the service evaluated a proposal (审核时评估结论 …)
STAGES: dict[str, str] = {"review": "审核时", "decision": "审定时", "publication": "公布时"}

# a proposal's urgency, the legal review's result, and the county meeting's outcomes
URGENCY: dict[str, str] = {"normal": "一般", "temporary": "临时性任务", "emergency": "突发事件"}
JOB_KINDS: dict[str, str] = {"publish": "公布清单", "lists": "生成全部清单供下载"}
JOB_STATES: dict[str, str] = {"queued": "排队中", "running": "进行中", "done": "已完成",
                              "failed": "失败"}
LEGAL: dict[str, str] = {"pending": "尚未审查", "passed": "通过", "failed": "未通过"}
MEETING: dict[str, str] = {"admit": "准入", "reject": "不予准入",
                           "provisional": "突发事件临时准入"}

# the steps the web offers (one page action per group of the process's transitions)
STEPS: dict[str, str] = {
    "review": "编办审核", "legal": "合法性审查", "opinion": "反馈街道意见",
    "decide": "记录会议审定", "publish": "公布调整后的清单", "withdraw": "撤回申请",
    "resubmit": "修改并重新提交", "department_opinion": "反馈部门意见",
    "city_review": "市级审核", "province_review": "省级审核",
}

# audit entries that are not steps of a proposal
SYSTEM_ACTIONS: dict[str, str] = {
    "create_store": "建立数据库", "migrate_store": "升级数据库", "county_revision": "县区数据更新",
    "user_add": "添加账号", "user_disable": "停用账号", "token_issue": "签发令牌",
    "token_revoke": "吊销令牌",
    "user_enable": "启用账号", "password_reset": "重置密码", "password_set": "修改密码",
    "user_grant": "添加角色", "user_import": "导入账号",
    "lockout_lift": "解除登录锁定", "versions_converted": "清单版本改为逐版保存变化",
    "county_import": "导入县区事项目录",
}

# the kinds of role an account acts in
ROLES: dict[str, str] = {
    "department": "职能部门", "office": "县委编办", "justice": "司法局",
    "street": "街道（镇、乡）", "county": "县委或县政府", "city": "市级",
    "province": "省级", "admin": "账号管理员", "system": "系统",
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


def when(stamp: str | None) -> str:
    """A date or a time as people write it: 2026-12-07T09:41:00+08:00 → 2026年12月7日 09:41
    (the time as recorded, in China's time zone); 2026-12-07 → 2026年12月7日."""
    if not stamp:
        return "—"
    text = str(stamp)
    try:
        year, month, day = int(text[0:4]), int(text[5:7]), int(text[8:10])
    except ValueError:
        return text
    out = f"{year}年{month}月{day}日"
    return out + f" {text[11:16]}" if len(text) >= 16 and text[10] in "T " else out


def role_words(role: str, names: dict[str, str]) -> str:
    """Who acted, by name: department:fire_rescue → 区消防救援大队, office → 县委编办."""
    kind, _, ident = str(role).partition(":")
    if kind == "local":
        return f"本机用户 {ident}"
    if ident:
        return names.get(ident, f"{ROLES[kind]}（{ident}）" if kind in ("city", "province")
                         else ident)
    return ROLES.get(kind, kind)

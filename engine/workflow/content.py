"""A stored proposal as its reviewers read it — every field in Chinese — and what a
resubmission changed from the submission before it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from engine.labels import URGENCY, label


class ContentRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str  # the proposal's field (item.phases, resources.funding …)
    title: str  # its Chinese name
    value: str  # its value in Chinese


class ContentChange(BaseModel):
    """A field of a proposal that a resubmission changed: its Chinese name, before and after."""

    model_config = ConfigDict(frozen=True)

    key: str
    title: str
    before: str
    after: str


def content(document: dict[str, Any], names: dict[str, str]) -> list[ContentRow]:
    """The proposal's item, resources and means as (field, Chinese name, Chinese value)."""
    if not document:
        return []
    item = document.get("item") or {}
    resources = document.get("resources") or {}
    higher = document.get("higher_requirement") or {}
    words = "、".join

    def labelled(values: Any) -> str:
        return words(label(v) for v in values or []) or "无"

    rows = [ContentRow(key="mode", title="方式", value=label(document.get("mode") or "") or "—")]
    if "ref" in item:
        rows.append(ContentRow(key="item.ref", title="事项", value=f"清单已有事项 {item['ref']}"))
    for key, title, value in (
            ("name", "事项名称", item.get("name")),
            ("category", "事项类别", label(item.get("category") or "")),
            ("domain", "履职领域", item.get("domain")),
            ("phases", "街道承担的环节", labelled(item.get("phases"))),
            ("powers", "需要的权力", labelled(item.get("powers"))),
            ("legal_basis", "法律依据", item.get("legal_basis")),
            ("workload_days", "每街道每年工作量", f"{item.get('workload_days', 0):,} 人日")):
        if key in item:
            rows.append(ContentRow(key=f"item.{key}", title=title, value=value or "—"))
    if item.get("public_facing") or item.get("high_volume"):
        rows.append(ContentRow(key="item.traits", title="特点", value=words(
            t for t, on in (("直接面向群众", item.get("public_facing")),
                            ("量大面广", item.get("high_volume"))) if on)))
    revision = {k: v for k, v in (document.get("revision") or {}).items() if v is not None}
    for key, title in (("name", "事项名称"), ("category", "事项类别"), ("domain", "履职领域"),
                       ("phases", "街道承担的环节"), ("powers", "需要的权力"),
                       ("legal_basis", "法律依据"), ("workload_days", "每街道每年工作量"),
                       ("public_facing", "直接面向群众"), ("high_volume", "量大面广"),
                       ("department_duty", "部门职责"), ("street_duty", "街道职责"),
                       ("takeover", "承接部门"), ("method", "履职方式")):
        if key in revision:
            value = revision[key]
            shown = (labelled(value) if isinstance(value, list) else
                     ("是" if value else "否") if isinstance(value, bool) else
                     f"{value:,} 人日" if key == "workload_days" else
                     names.get(value, value) if key == "takeover" else label(str(value)))
            rows.append(ContentRow(key=f"revision.{key}", title=f"调整后的{title}", value=shown))
    department = item.get("department")
    if department and department != document.get("department"):
        rows.append(ContentRow(key="item.department", title="事项所属部门",
                               value=names.get(department, department)))
    rows += [
        ContentRow(key="resources.funding", title="每街道每年经费",
                   value=f"{resources.get('funding', 0):,} 元"),
        ContentRow(key="resources.staff", title="每街道随事转移人员",
                   value=f"{resources.get('staff', 0):,} 人"),
        ContentRow(key="resources.powers_delegated", title="随事下放的权力",
                   value=labelled(resources.get("powers_delegated"))),
        ContentRow(key="instruments", title="采用的推动方式",
                   value=labelled(document.get("instruments"))),
        ContentRow(key="higher_requirement", title="上级明确要求", value=(
            f"{'中央' if higher.get('level') == 'central' else '省级'}明确要求："
            f"{higher.get('document') or '—'}") if higher else "无"),
        ContentRow(key="work_plan", title="工作方案",
                   value="附有" if document.get("work_plan") else "未附"),
    ]
    return rows


def _compared(document: dict[str, Any], names: dict[str, str]) -> dict[str, ContentRow]:
    streets = document.get("streets")
    head = [ContentRow(key="title", title="申请标题", value=str(document.get("title") or "—")),
            ContentRow(key="streets", title="目标街道",
                       value="全部街道" if streets == "all" else
                       "、".join(names.get(s, s) for s in streets or []) or "—"),
            ContentRow(key="urgency", title="紧急程度",
                       value=URGENCY.get(str(document.get("urgency") or "normal"), "—"))]
    return {row.key: row for row in head + content(document, names)}


def changes(before: dict[str, Any], after: dict[str, Any],
            names: dict[str, str]) -> list[ContentChange]:
    """The fields whose value differs between two submissions, in the order of the form
    (a field present in one only shows as 无 in the other)."""
    old, new = _compared(before, names), _compared(after, names)
    keys = list(new) + [k for k in old if k not in new]
    out = []
    for key in keys:
        a, b = old.get(key), new.get(key)
        if (a.value if a else None) != (b.value if b else None):
            row = b or a
            assert row is not None
            out.append(ContentChange(key=key, title=row.title, before=a.value if a else "无",
                                     after=b.value if b else "无"))
    return out

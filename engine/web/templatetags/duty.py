"""``{{ value|zh }}``: the Chinese name of an identifier (the engine's vocabulary, and the few
words only the pages use); ``{{ value|amount }}``: a number as the documents print it."""

from __future__ import annotations

from django import template

from engine.vocab import label

register = template.Library()

WEB_LABELS = {
    "review": "编办审核时评估", "decision": "会议审定时评估", "publication": "公布时评估",
    "normal": "一般", "temporary": "临时", "emergency": "突发事件",
    "pending": "待审查", "passed": "通过", "failed": "未通过",
    "provisional": "临时准入",
}


@register.filter
def zh(value: object) -> str:
    text = str(value)
    return WEB_LABELS.get(text) or label(text)


@register.filter
def amount(value: int) -> str:
    """A sum of money or a count with thousands separators, as the documents print it."""
    return f"{value:,}"


@register.filter
def zh_all(values: object) -> str:
    return "、".join(zh(v) for v in values) if values else "—"  # type: ignore[attr-defined]


@register.filter
def name_in(ident: object, names: dict[str, str] | None) -> str:
    """The Chinese name of a department, unit or street id."""
    return (names or {}).get(str(ident), str(ident))

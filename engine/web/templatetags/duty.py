"""``{{ value|zh }}``: the Chinese name of an identifier (the engine's vocabulary, and the few
words only the pages use); ``{{ value|amount }}``: a number as the documents print it."""

from __future__ import annotations

from datetime import datetime

from django import template

from engine.labels import (
    JOB_KINDS,
    JOB_STATES,
    LEGAL,
    MEETING,
    STAGES,
    STATE_TONES,
    URGENCY,
    VERDICT_TONES,
    label,
    role_words,
    verdict_label,
    when,
)
from engine.times import time_text

register = template.Library()


@register.filter
def zh(value: object) -> str:
    return label(str(value))


@register.filter
def job_kind(value: object) -> str:
    return JOB_KINDS.get(str(value), str(value))


@register.filter
def job_state(value: object) -> str:
    return JOB_STATES.get(str(value), str(value))


@register.filter
def urgency(value: object) -> str:
    return URGENCY.get(str(value), str(value))


@register.filter
def legal(value: object) -> str:
    return LEGAL.get(str(value), str(value))


@register.filter
def verdict(value: object, change: str = "admit") -> str:
    """A verdict in its own words (a recall's speak of taking back)."""
    return verdict_label(str(change or "admit"), str(value))


@register.filter
def verdict_tone(value: object) -> str:
    return f"t-{VERDICT_TONES.get(str(value), 'none')}"


@register.filter
def state_tone(value: object) -> str:
    return f"t-{STATE_TONES.get(str(value), 'none')}"


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


@register.filter(name="when")
def when_filter(value: object) -> str:
    """A date or time as 2026年12月7日 09:41 (a stored time in China's time zone)."""
    if isinstance(value, datetime):
        value = time_text(value)
    return when(None if value is None else str(value))


@register.filter
def role_in(role: object, names: dict[str, str] | None) -> str:
    """The name of who acted in a role (department:fire_rescue → its name)."""
    return role_words(str(role), names or {})


@register.filter
def names_in(idents: object, names: dict[str, str] | None) -> str:
    """Department, unit or street ids as their names, separated by 、."""
    return "、".join((names or {}).get(str(i), str(i)) for i in idents) \
        if idents else "—"  # type: ignore[attr-defined]


@register.filter
def meeting(value: object) -> str:
    return MEETING.get(str(value), str(value))


@register.filter
def stage(value: object) -> str:
    return STAGES.get(str(value), str(value))

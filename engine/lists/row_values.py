"""A list row's fields as people read them: a Chinese label per field and each value as text
(parties by name, phases and categories by their Chinese labels, funds as amounts).

The fields are those of the ``ListRow`` model, so a field added to it later is compared and
shown without change here (labelled by its name until it is given a label below).
"""

from __future__ import annotations

import json
import types
from collections.abc import Mapping
from typing import Any, Literal, Union, get_args, get_origin

from pydantic_core import to_jsonable_python

from engine.models.decision import Funding, Party
from engine.models.lists import ListRow
from engine.vocab import label

FIELD_LABELS = {
    "item": "事项编号", "name": "名称", "department": "主管部门", "category": "类别",
    "list": "清单", "domain": "履职领域", "primary": "主责单位", "cooperating": "配合单位",
    "street_phases": "街道环节", "department_phases": "部门环节", "task": "街道职责",
    "department_duty": "上级部门职责", "street_duty": "乡镇（街道）配合职责",
    "takeover": "承接部门", "method": "工作方式", "funding": "经费", "workload_days": "工作量",
    "legal_basis": "依据", "rules": "规则", "proposal": "申请", "mode": "下沉方式",
}
NOT_COMPARED = frozenset({"item", "rules"})  # the row's key; internal rule ids
ID_FIELDS = frozenset({"department", "takeover"})  # department ids, shown by name
UNITS = {"workload_days": " 人日/年"}
SUFFIXES = {"list": "清单"}  # basic → 基本履职事项清单
NONE = "—"


def field_label(name: str) -> str:
    """The Chinese label of a row field (its name when it has none)."""
    return FIELD_LABELS.get(name, name)


def compared_fields() -> tuple[str, ...]:
    """The row fields a comparison of lists looks at, in the model's order."""
    return tuple(f for f in ListRow.model_fields if f not in NOT_COMPARED)


def _has_literal(annotation: Any) -> bool:
    if get_origin(annotation) is Literal:
        return True
    if get_origin(annotation) in (Union, types.UnionType, list, tuple):
        return any(_has_literal(a) for a in get_args(annotation))
    return False


ENUM_FIELDS = frozenset(f for f, info in ListRow.model_fields.items()
                        if _has_literal(info.annotation))


def funding_value(funding: Funding, names: Mapping[str, str]) -> str:
    """Funds as an amount: who pays how much, per year or per task."""
    if not funding.follows:
        return "无经费转移"
    payer = names.get(funding.payer, funding.payer) if funding.payer else "部门"
    per = "每年" if funding.per == "year" else "每次"
    return f"{payer}{per}拨付{funding.amount:,}元"


def value_text(name: str, value: Any, names: Mapping[str, str]) -> str:
    """The value of row field ``name`` as text; ``names`` gives departments' names by id."""
    if value is None:
        return NONE
    if isinstance(value, Party):
        return value.name
    if isinstance(value, Funding):
        return funding_value(value, names)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return f"{value:,}{UNITS.get(name, '')}"
    if isinstance(value, list | tuple):
        return "、".join(value_text(name, v, names) for v in value) or NONE
    text = str(value)
    if name in ID_FIELDS:
        return names.get(text, text)
    if name in ENUM_FIELDS:
        return label(text) + SUFFIXES.get(name, "")
    return text or NONE


def change_texts(name: str, before: Any, after: Any, names: tuple[Mapping[str, str],
                 Mapping[str, str]]) -> tuple[str, str]:
    """Two different values of field ``name`` as text; where the readable texts coincide
    (a party renamed to the same name, an amount that is not transferred), the values as
    compact JSON, so that a reader sees what changed."""
    old, new = value_text(name, before, names[0]), value_text(name, after, names[1])
    if old == new:
        return _raw(before), _raw(after)
    return old, new


def _raw(value: Any) -> str:
    return json.dumps(to_jsonable_python(value), ensure_ascii=False, separators=(",", ":"))

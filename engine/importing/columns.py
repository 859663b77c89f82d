"""The columns of a list workbook: the usual Chinese headers and their variants.

One table for reading (and, later, writing): each field has the header the list writer uses
first, then the names counties use for it. A mapping file (``--map``) overrides the matching
header by header.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from pydantic import Field

from engine.models.base import Strict
from engine.vocab import Category, ListKind, Phase

ColumnField = Literal[
    "seq", "item", "name", "domain", "category", "department", "lead", "cooperating",
    "department_duty", "street_duty", "takeover", "method", "legal_basis", "funding", "list",
    "street_id", "street", "rules", "power_type", "unused", "ignore",
]

# field → headers; the first is the one `duty lists build` writes (where it writes the field)
COLUMNS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号序号", "顺序号"),
    "item": ("事项编号", "事项编码", "事项代码", "编码", "职权编码", "权力编码", "项目编码",
             "基本编码"),
    "name": ("事项名称", "职责事项", "履职事项", "事项内容", "名称", "事项",
             # 权责清单 and 政务服务事项目录
             "职权名称", "权力事项名称", "权力名称", "权力事项", "服务事项", "服务事项名称",
             "政务服务事项名称", "项目名称", "主项名称", "实施清单名称"),
    "domain": ("履职领域", "领域", "职责领域", "所属领域", "工作领域"),
    "category": ("事项类别", "管理类别", "类别"),
    "department": ("主责部门", "对应上级部门", "上级部门", "原主责部门", "责任部门", "牵头部门",
                   "主管部门", "所属部门",
                   # 权责清单 and 政务服务事项目录: the body that holds the power
                   "部门", "实施主体", "行使主体", "行驶主体", "法定主体", "实施机关",
                   "实施部门", "行使部门", "办理部门", "主办部门", "职权主体", "权力主体",
                   "部门名称"),
    "lead": ("主责单位",),  # a street, a department or a stationed unit
    "cooperating": ("配合单位", "配合部门"),
    "department_duty": ("上级部门职责", "部门职责", "主责部门职责", "责任事项", "责任事项内容",
                        "职责内容"),
    "street_duty": ("街道职责", "乡镇（街道）职责", "乡镇（街道）配合职责", "配合职责",
                    "街道配合职责", "乡镇职责", "镇街职责", "履职内容"),
    "takeover": ("承接部门", "收回部门", "承接单位"),
    "method": ("工作方式", "承接方式", "履职方式"),
    "legal_basis": ("依据", "法律依据", "政策依据", "设定依据", "实施依据", "法律法规依据",
                    "法定依据", "设立依据", "设定和实施依据", "实施依据及条款"),
    "funding": ("经费安排", "经费", "工作经费", "每年经费（元）", "经费（元）"),
    "list": ("清单", "清单类别", "清单类型", "所属清单"),
    "street_id": ("街道编号",),
    "street": ("街道", "乡镇（街道）", "乡镇", "街道名称", "镇街"),
    "rules": ("规则",),
    # the kind of power (行政处罚, 行政许可 … 公共服务): the first source of an item's phases
    "power_type": ("权力类型", "职权类型", "职权类别", "权力类别", "事项类型", "权力类型名称"),
    # known columns of published catalogues the import does not need (not unrecognised)
    "unused": ("承办机构", "承办处室", "承办单位", "实施机构", "内设机构", "监管电话",
               "咨询电话", "投诉电话", "追责情形", "备注", "子项", "子项名称", "行使层级",
               "办理时限", "统一发布平台unid", "廉政风险点", "运行流程", "服务对象",
               # the tool's own department sheets and not-applying sheet
               "涉及街道数", "每街道每年经费（元）", "经费合计（元/年）", "不适用的目录事项",
               "原因", "不适用原因", "每街道经费缺口（元）", "经费缺口（元）"),
}

# words that name each list in a sheet name or a list column
LIST_WORDS: tuple[tuple[ListKind, tuple[str, ...]], ...] = (
    ("recalled", ("收回",)),
    ("cooperative", ("配合",)),
    ("basic", ("基本",)),
)


def normal(text: str) -> str:
    """A header as compared: full-width forms folded (NFKC), spaces, line breaks, asterisks
    and a trailing colon removed."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\s*＊:：]+", "", text)
    return text


def _parenthetical(text: str) -> str:
    """The header without a trailing note in brackets (``事项名称（必填）``)."""
    return re.sub(r"\([^()]*\)$", "", text)


_INDEX = {normal(h): f for f, names in COLUMNS.items() for h in names}


class ItemFix(Strict):
    """What a person corrected in one imported item: its category, its phases (the main
    phase first) or its field of work (履职领域), in place of what was inferred or written."""

    category: Category | None = None
    phases: list[Phase] | None = Field(default=None, min_length=1, max_length=20)
    domain: str | None = Field(default=None, min_length=1, max_length=50)


class MapFile(Strict):
    """The shape of a mapping file: headers as written → field (``ignore`` drops a column),
    sheet names → list."""

    schema_version: Literal[1]
    columns: dict[str, ColumnField] = Field(default_factory=dict)
    sheets: dict[str, ListKind] = Field(default_factory=dict)
    # field → value as written → value meant (履职领域 synonyms, list names, categories …)
    values: dict[ColumnField, dict[str, str]] = Field(default_factory=dict)
    # item id (as imported) → the fields a person corrected (the web's report page writes
    # these; a mapping file may carry them too)
    items: dict[str, ItemFix] = Field(default_factory=dict)


def match_header(header: str, mapping: MapFile | None) -> str | None:
    """The field a header names, or None for a column the import does not use."""
    key = normal(header)
    if mapping is not None:
        for given, field in mapping.columns.items():
            if normal(given) == key:
                return field
    if key in _INDEX:
        return _INDEX[key]
    return _INDEX.get(_parenthetical(key))


def list_named(text: str) -> ListKind | None:
    """The list a sheet name or list cell names (基本 / 配合 / 收回), or None."""
    for kind, words in LIST_WORDS:
        if any(w in text for w in words):
            return kind
    return None

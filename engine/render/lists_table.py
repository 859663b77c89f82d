"""The columns offices use for list tables (shared by Markdown, CSV, HTML and Excel)."""

from __future__ import annotations

from engine.models.lists import DepartmentList, ListRow
from engine.vocab import label

HEADERS = ["序号", "事项编号", "事项名称", "事项类别", "主责单位", "配合单位", "街道职责",
           "经费安排", "依据", "规则"]
LIST_TITLES = {"basic": "基本履职事项清单", "cooperative": "配合履职事项清单",
               "recalled": "上级部门收回事项清单"}


def funding_text(row: ListRow) -> str:
    f = row.funding
    if row.list == "recalled":
        return "—"
    return f"{f.payer}每年拨付{f.amount:,}元" if f.follows else "无经费转移"


def cells(n: int, row: ListRow, names: dict[str, str]) -> list[str]:
    funding = funding_text(row)
    if row.funding.follows and row.funding.payer:
        funding = funding.replace(row.funding.payer, names.get(row.funding.payer,
                                                                row.funding.payer), 1)
    item = row.item + (f"（{row.proposal}）" if row.proposal and row.proposal != row.item else "")
    return [str(n), item, row.name, label(row.category),
            row.primary.name if row.primary else "—",
            "、".join(p.name for p in row.cooperating) or "—",
            row.task, funding, row.legal_basis, "、".join(row.rules)]


DEPARTMENT_HEADERS = ["序号", "事项编号", "事项名称", "事项类别", "涉及街道数",
                      "每街道每年经费（元）", "经费合计（元/年）"]
LEDGER_HEADERS = ["街道编号", "街道", "每年经费（元）"]


def department_rows(d: DepartmentList) -> list[list[str]]:
    return [[str(i), r.item, r.name, label(r.category), str(len(r.streets)),
             f"{r.funding_per_street:,}", f"{r.funding_total:,}"]
            for i, r in enumerate(d.items, 1)]


def ledger_rows(d: DepartmentList, names: dict[str, str]) -> list[list[str]]:
    return [[sid, names.get(sid, sid), f"{amount:,}"] for sid, amount in d.funding_owed.items()]

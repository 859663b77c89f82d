"""The columns offices use for list tables (shared by Markdown, CSV, HTML and Excel).

Every writer takes its tables from here: the columns of a table (title, whether the values
are numbers, a width hint) and each row's cells. A cell is text, or an ``int`` for a number,
which spreadsheets keep as a number and text formats show with ``display``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from engine.models.lists import DepartmentList, ListRow
from engine.vocab import label

Cell = str | int


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its heading, ``number`` for amounts and counts (``seq`` for the row
    number), and about how many characters wide it reads well (spreadsheets and print)."""

    title: str
    kind: Literal["text", "number", "seq"] = "text"
    width: int = 16


def display(cell: Cell) -> str:
    """A cell as text formats show it: numbers with thousands separators."""
    return f"{cell:,}" if isinstance(cell, int) else cell


LIST_TITLES = {"basic": "基本履职事项清单", "cooperative": "配合履职事项清单",
               "recalled": "上级部门收回事项清单"}

_ROW_COLUMNS = [Column("序号", "seq", 6), Column("事项编号", width=14),
                Column("事项名称", width=30), Column("事项类别", width=10),
                Column("主责单位", width=24), Column("配合单位", width=24),
                Column("街道职责", width=36), Column("经费安排", width=22),
                Column("依据", width=40), Column("规则", width=16)]
HEADERS = [c.title for c in _ROW_COLUMNS]


def list_columns(kind: str) -> list[Column]:
    """The columns of a street's list of ``kind`` (basic, cooperative or recalled)."""
    return list(_ROW_COLUMNS)


def sections(rows: Sequence[ListRow]) -> list[tuple[str | None, list[tuple[int, ListRow]]]]:
    """A list's rows as (group heading, [(row number, row)]) in order; one group without a
    heading when the list is not grouped."""
    return [(None, list(enumerate(rows, 1)))] if rows else []


def funding_text(row: ListRow) -> str:
    f = row.funding
    if row.list == "recalled":
        return "—"
    return f"{f.payer}每年拨付{f.amount:,}元" if f.follows else "无经费转移"


def cells(n: int, row: ListRow, names: dict[str, str]) -> list[Cell]:
    """Row ``n`` of a street's list, in the order of ``list_columns(row.list)``."""
    funding = funding_text(row)
    if row.funding.follows and row.funding.payer:
        funding = funding.replace(row.funding.payer, names.get(row.funding.payer,
                                                                row.funding.payer), 1)
    item = row.item + (f"（{row.proposal}）" if row.proposal and row.proposal != row.item else "")
    return [n, item, row.name, label(row.category),
            row.primary.name if row.primary else "—",
            "、".join(p.name for p in row.cooperating) or "—",
            row.task, funding, row.legal_basis, "、".join(row.rules)]


DEPARTMENT_COLUMNS = [Column("序号", "seq", 6), Column("事项编号", width=14),
                      Column("事项名称", width=30), Column("事项类别", width=10),
                      Column("涉及街道数", "number", 10),
                      Column("每街道每年经费（元）", "number", 14),
                      Column("经费合计（元/年）", "number", 14)]
DEPARTMENT_HEADERS = [c.title for c in DEPARTMENT_COLUMNS]
LEDGER_COLUMNS = [Column("街道编号", width=14), Column("街道", width=20),
                  Column("每年经费（元）", "number", 14)]
LEDGER_HEADERS = [c.title for c in LEDGER_COLUMNS]


def department_rows(d: DepartmentList) -> list[list[Cell]]:
    return [[i, r.item, r.name, label(r.category), len(r.streets),
             r.funding_per_street, r.funding_total]
            for i, r in enumerate(d.items, 1)]


def ledger_rows(d: DepartmentList, names: dict[str, str]) -> list[list[Cell]]:
    return [[sid, names.get(sid, sid), amount] for sid, amount in d.funding_owed.items()]

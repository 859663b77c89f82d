"""Departments' lists as CSV (UTF-8 with a byte-order mark, like the streets' CSV): the items
each department leads or owns, then a blank line and its 费随事转 ledger (the funds it owes
each street per year). Amounts and counts are plain digits, so that Excel sums them."""

from __future__ import annotations

import io
from functools import lru_cache

from engine.models.lists import DepartmentList
from engine.render.cellsafe import csv_writer
from engine.render.lists_csv import BOM
from engine.render.lists_table import (
    LEDGER_HEADERS,
    department_columns,
    department_rows,
    ledger_rows,
)

LEAD = ["部门编号", "部门"]


def departments_csv(departments: list[DepartmentList], names: dict[str, str],
                    with_rules: bool = False) -> str:
    """The departments' items (one table for all of them) and their ledger (a second table
    below a blank line); each row starts with the department's id and name."""
    buf = io.StringIO()
    writer = csv_writer(buf)  # formulas neutralised, text within Excel's limit
    writer.writerow([*LEAD, *(c.title for c in department_columns(with_rules))])
    for d in departments:
        writer.writerows([d.department, d.name, *row] for row in department_rows(d, with_rules))
    writer.writerow([])
    writer.writerow([*LEAD, *LEDGER_HEADERS])
    for d in departments:  # one line per street: its start written once for every department
        start = _cells(d.department, d.name)
        buf.writelines(f"{start}{_cells(sid, name)}{amount},{short}\r\n"
                       for sid, name, amount, short in ledger_rows(d, names))
    return BOM + buf.getvalue()


@lru_cache(maxsize=1 << 16)
def _cells(*values: str) -> str:
    """Text cells as the safe writer writes them at the start of a longer row (each cell
    quoted on its own, so a row is its cells' text joined), with the comma after them."""
    buf = io.StringIO()
    csv_writer(buf).writerow(values)
    return buf.getvalue()[:-2] + ","

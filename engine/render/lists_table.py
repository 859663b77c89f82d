"""The columns offices use for list tables (shared by Markdown, CSV, HTML and Excel).

Every writer takes its tables from here: the columns of a table (title, whether the values
are numbers, a width hint) and each row's cells. A cell is text, or an ``int`` for a number,
which spreadsheets keep as a number and text formats show with ``display``. Each list has
its own columns (``list_columns``); the catalogue codes and rule ids only ``with_rules``.
``sections`` groups a list's rows by field of work, ``title_block`` says which lists a
document shows, ``flat_columns`` / ``flat_cells`` put every list of a street in one table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import groupby
from typing import Literal, NamedTuple

from engine.labels import when
from engine.models.lists import DepartmentList, ListRow, ListSource, NotApplying, StreetLists
from engine.vocab import label

Cell = str | int


@dataclass(frozen=True, slots=True, eq=False)
class Column:
    """A table column: its heading, ``number`` for amounts and counts (``seq`` for the row
    number), and about how many characters wide it reads well (spreadsheets and print).
    Each column is defined once, and columns are told apart by identity (a quick hash: rows
    look their cells up by column)."""

    title: str
    kind: Literal["text", "number", "seq"] = "text"
    width: int = 16


# a format's text of list rows shown again, by the row's identity: only for rows that live as
# long as it does (the rows a stencil makes once with stand-ins, ``engine.render.lists_stream``)
Kept = dict[int, str]


def display(cell: Cell) -> str:
    """A cell as text formats show it: numbers with thousands separators."""
    return f"{cell:,}" if isinstance(cell, int) else cell


LIST_TITLES = {"basic": "基本履职事项清单", "cooperative": "配合履职事项清单",
               "recalled": "上级部门收回事项清单"}
OTHER_DOMAIN = "其他"  # the heading of rows whose item names no field of work

SEQ = Column("序号", "seq", 6)
DOMAIN = Column("履职领域", width=10)
CODE = Column("事项编号", width=14)  # the catalogue code: with ``with_rules`` only
NAME = Column("事项名称", width=30)
CATEGORY = Column("事项类别", width=10)
DEPARTMENT = Column("对应上级部门", width=20)
COOPERATING = Column("配合单位", width=24)
DEPARTMENT_DUTY = Column("上级部门职责", width=36)
STREET_DUTY = Column("乡镇（街道）职责", width=36)
STREET_SHARE = Column("乡镇（街道）配合职责", width=36)
TAKEOVER = Column("承接部门", width=20)
METHOD = Column("工作方式", width=30)
FUNDS = Column("经费（元/年）", "number", 14)
BASIS = Column("依据", width=40)
RULES = Column("规则", width=16)  # the assignment rules that placed the row: ``with_rules``

# the columns of each list as a county publishes it (docs/formats.md, Lists): the cooperating list
# states the department's own duty beside the street's, the recalled list who takes the
# item back and how it is carried out
_LAYOUT: dict[str, tuple[Column, ...]] = {
    "basic": (SEQ, DOMAIN, CODE, NAME, CATEGORY, DEPARTMENT, COOPERATING, STREET_DUTY, FUNDS,
              BASIS, RULES),
    "cooperative": (SEQ, DOMAIN, CODE, NAME, CATEGORY, DEPARTMENT, DEPARTMENT_DUTY,
                    STREET_SHARE, FUNDS, BASIS, RULES),
    "recalled": (SEQ, DOMAIN, CODE, NAME, CATEGORY, DEPARTMENT, TAKEOVER, METHOD, BASIS,
                 RULES),
}
_INTERNAL = (CODE, RULES)


def _shown(column: Column, with_rules: bool, grouped: bool) -> bool:
    return (with_rules or column not in _INTERNAL) and not (grouped and column == DOMAIN)


def list_columns(kind: str, with_rules: bool = False, grouped: bool = False) -> list[Column]:
    """The columns of a street's list of ``kind`` (basic, cooperative or recalled).

    ``with_rules`` adds the catalogue code (事项编号) and the rules that placed the row
    (规则); ``grouped`` leaves out the field of work for documents that show it as a
    heading over its rows (``sections``)."""
    return list(_list_columns(kind, with_rules, grouped))


@cache  # asked for every row a writer renders
def _list_columns(kind: str, with_rules: bool, grouped: bool) -> tuple[Column, ...]:
    return tuple(c for c in _LAYOUT[kind] if _shown(c, with_rules, grouped))


def sections(rows: Sequence[ListRow]) -> list[tuple[str | None, list[tuple[int, ListRow]]]]:
    """A list's rows as (field of work, [(row number, row)]) groups, in order, numbered on
    through the whole list. The rows come grouped (``engine.lists.plan``); rows without a
    field of work are headed 其他, and a list none of whose rows has one is a single group
    without a heading."""
    numbered = list(enumerate(rows, 1))
    return [(heading, numbered[start:end])
            for heading, start, end in runs([r.domain for r in rows])]


def runs(domains: Sequence[str | None]) -> list[tuple[str | None, int, int]]:
    """The groups of ``sections`` as (heading, first row, one past the last row), from the
    rows' fields of work (indexes from 0)."""
    if not domains:
        return []
    if all(d is None for d in domains):
        return [(None, 0, len(domains))]
    out: list[tuple[str | None, int, int]] = []
    end = 0
    for domain, run in groupby(domains):  # runs of one value (None and "" are both 其他)
        start, end = end, end + len(list(run))
        heading = domain or OTHER_DOMAIN
        if out and out[-1][0] == heading:
            start = out.pop()[1]
        out.append((heading, start, end))
    return out


class Lines(NamedTuple):
    """A table's rows as text, each cut at its row number: the text before it and the text
    after it (the row number, ``numbers``, goes between), with each row's field of work
    (for ``runs``)."""

    before: Sequence[str]
    after: Sequence[str]
    domains: Sequence[str | None]

    def numbered(self, start: int = 0, end: int | None = None) -> list[str]:
        """Rows ``start`` to ``end`` whole, numbered from ``start + 1``."""
        end = len(self.after) if end is None else end
        return list(map("".join, zip(self.before[start:end], numbers(end)[start:end],
                                     self.after[start:end], strict=True)))


_NUMBERS: list[str] = []

RowParts = Callable[[ListRow, dict[str, str], bool, Kept | None], tuple[str, str]]


def street_lines(s: StreetLists, names: dict[str, str], with_rules: bool, kept: Kept | None,
                 row_parts: RowParts, absent_parts: Callable[[NotApplying, bool],
                                                             tuple[str, str]]
                 ) -> tuple[list[Lines], Lines]:
    """A street's basic, cooperating and recalled rows, and its items not applying, as the
    lines of a format (``row_parts`` and ``absent_parts``: that format's)."""
    lists = [Lines(*zip(*(row_parts(r, names, with_rules, kept) for r in rows), strict=True),
                   [r.domain for r in rows]) if rows else Lines([], [], [])
             for rows in (s.basic, s.cooperative, s.recalled)]
    absent = [absent_parts(a, with_rules) for a in s.not_applying]
    return lists, Lines([b for b, _ in absent], [a for _, a in absent], [])


def numbers(count: int) -> list[str]:
    """The row numbers as text formats show them (``display``), from 1 to at least ``count``
    (shared: not to be changed)."""
    if len(_NUMBERS) < count:
        _NUMBERS.extend(display(n) for n in range(len(_NUMBERS) + 1, count + 1))
    return _NUMBERS


def department_duty(row: ListRow, names: dict[str, str]) -> str:
    """上级部门职责: the catalogue's words, else the phases the lead carries (the department's
    unit stationed in the street, or the department)."""
    if row.department_duty:
        return row.department_duty
    lead = row.primary.name if row.primary else names.get(row.department, row.department)
    phases = "、".join(label(p) for p in row.department_phases)
    return f"{lead}负责{phases}等工作" if phases else f"{lead}负责组织实施"


def street_duty(row: ListRow) -> str:
    """乡镇（街道）职责: the catalogue's words, else the street's part the rules gave; with
    the row's dates when it has any (``dates_note``)."""
    return (row.street_duty or row.task) + dates_note(row)


def method(row: ListRow) -> str:
    """工作方式 of a recalled row: the catalogue's words, else the plain arrangement; with
    the day the recall was complete when the row has one."""
    text = row.method or "由承接部门直接履行；乡镇（街道）发现相关问题及时报告"
    return text + (f"（自{when(row.effective)}起收回）" if row.effective else "")


def dates_note(row: ListRow) -> str:
    """The dates of a basic or cooperating row, as the lists print them: the hand-over of a
    recall under way (交接期至2027年3月31日，期满由区农业农村局承担) and the days the row is in
    force; empty for a row without dates."""
    notes = []
    if row.handover_until:
        after = row.successor.name if row.successor else "上级部门"
        notes.append(f"交接期至{when(row.handover_until)}，期满由{after}承担")
    if row.effective and row.until:
        notes.append(f"施行期限{when(row.effective)}至{when(row.until)}")
    elif row.effective:
        notes.append(f"自{when(row.effective)}起施行")
    elif row.until:
        notes.append(f"施行至{when(row.until)}")
    return f"（{'；'.join(notes)}）" if notes else ""


DRAFT = "草案（据县区目录生成，未经公布）"


def title_block(county: str, source: ListSource | None,
                street: str | None = None) -> list[tuple[str, str]]:
    """The title block of a document as (label, value): county, street, list version, date
    of publication and the audit anchor of the publication; a draft (no store, or no
    ``source``) says it is one."""
    source = source or ListSource()
    out = [("县区", county)]
    if street is not None:
        out.append(("乡镇（街道）", street))
    if source.version is None:
        return [*out, ("清单版本", DRAFT), ("公布日期", "未公布"), ("审计锚点", "无")]
    return [*out, ("清单版本", f"第 {source.version} 版"),
            ("公布日期", source.published or "—"), ("审计锚点", source.anchor or "—")]


def title_text(block: list[tuple[str, str]]) -> str:
    """The title block on one line: ``县区：…；乡镇（街道）：…；…``."""
    return "；".join(f"{k}：{v}" for k, v in block)


def cells(n: int, row: ListRow, names: dict[str, str], with_rules: bool = False,
          grouped: bool = False) -> list[Cell]:
    """Row ``n`` of a street's list, in the order of ``list_columns(row.list, with_rules,
    grouped)``; the funds (yuan per year the department pays the street) as a number."""
    item = row.item + (f"（{row.proposal}）" if row.proposal and row.proposal != row.item else "")
    values: dict[Column, Cell] = {
        SEQ: n, DOMAIN: row.domain or "", CODE: item, NAME: row.name,
        CATEGORY: label(row.category), RULES: "、".join(row.rules),
        BASIS: row.legal_basis, DEPARTMENT: names.get(row.department, row.department),
    }
    if row.list == "basic":
        values[COOPERATING] = "、".join(p.name for p in row.cooperating) or "—"
        values[STREET_DUTY] = street_duty(row)
        values[FUNDS] = row.funding.amount if row.funding.follows else 0
    elif row.list == "cooperative":
        values[DEPARTMENT_DUTY] = department_duty(row, names)
        values[STREET_SHARE] = street_duty(row)
        values[FUNDS] = row.funding.amount if row.funding.follows else 0
    else:
        taker = row.takeover or row.primary
        values[TAKEOVER] = taker.name if taker else values[DEPARTMENT]
        values[METHOD] = method(row)
    return [values[c] for c in _list_columns(row.list, with_rules, grouped)]


NOT_APPLYING_LIST = "不适用"  # the list column of a not-applying row in flat tables
REASON = Column("不适用原因", width=30)
STREET_ID, STREET_NAME, LIST = (Column("街道编号", width=14), Column("街道", width=20),
                                Column("清单", width=16))
_FLAT = (STREET_ID, STREET_NAME, LIST, SEQ, DOMAIN, CODE, NAME, CATEGORY, DEPARTMENT,
         COOPERATING, DEPARTMENT_DUTY, STREET_DUTY, STREET_SHARE, TAKEOVER, METHOD, FUNDS,
         BASIS, RULES, REASON)


def flat_columns(with_rules: bool = False) -> list[Column]:
    """The columns of every list of every street in one table (CSV): the street, the list,
    then every column some list has, and the reason of a row of an item that does not apply
    to the street (清单 “不适用”)."""
    return [c for c in _FLAT if _shown(c, with_rules, False)]


def flat_cells(street: str, name: str, n: int, row: ListRow | NotApplying,
               names: dict[str, str], with_rules: bool = False) -> list[Cell]:
    """Row ``n`` of a street's list (or of its items not applying) in ``flat_columns``;
    empty where the row's list has no such column."""
    if isinstance(row, NotApplying):
        kind, own = NOT_APPLYING_LIST, dict(zip(not_applying_columns(with_rules),
                                                not_applying_cells(n, row, with_rules),
                                                strict=True))
    else:
        kind, own = LIST_TITLES[row.list], dict(zip(_list_columns(row.list, with_rules, False),
                                                    cells(n, row, names, with_rules),
                                                    strict=True))
    own.update({STREET_ID: street, STREET_NAME: name, LIST: kind})
    return [own.get(c, "") for c in flat_columns(with_rules)]


def not_applying_columns(with_rules: bool = False) -> list[Column]:
    """The columns of the catalogue items that do not apply to a street."""
    return [c for c in (SEQ, CODE, NAME, REASON) if with_rules or c not in _INTERNAL]


def not_applying_cells(n: int, item: NotApplying, with_rules: bool = False) -> list[Cell]:
    values: dict[Column, Cell] = {SEQ: n, CODE: item.item, NAME: item.name,
                                  REASON: item.reason}
    return [values[c] for c in not_applying_columns(with_rules)]


DEPARTMENT_COLUMNS = [SEQ, CODE, NAME, CATEGORY, Column("涉及街道数", "number", 10),
                      Column("每街道每年经费（元）", "number", 14),
                      Column("经费合计（元/年）", "number", 14),
                      Column("每街道经费缺口（元）", "number", 14)]


def department_columns(with_rules: bool = False) -> list[Column]:
    """The columns of a department's items (the catalogue code only with ``with_rules``)."""
    return [c for c in DEPARTMENT_COLUMNS if with_rules or c not in _INTERNAL]


LEDGER_COLUMNS = [Column("街道编号", width=14), Column("街道", width=20),
                  Column("每年经费（元）", "number", 14),
                  Column("经费缺口（元）", "number", 14)]
LEDGER_HEADERS = [c.title for c in LEDGER_COLUMNS]


def department_rows(d: DepartmentList, with_rules: bool = False) -> list[list[Cell]]:
    """The department's items in the order of ``department_columns(with_rules)``."""
    shown = [with_rules or c not in _INTERNAL for c in DEPARTMENT_COLUMNS]
    return [[v for v, keep in zip(row, shown, strict=True) if keep]
            for row in ([i, r.item, r.name, label(r.category), len(r.streets),
                         r.funding_per_street, r.funding_total, r.shortfall_per_street]
                        for i, r in enumerate(d.items, 1))]


def ledger_rows(d: DepartmentList, names: dict[str, str]) -> list[list[Cell]]:
    """Per street: the funds owed a year and by how much they fall short of the workload at
    the county's rate per person-day (0: not short)."""
    return [[sid, names.get(sid, sid), amount, d.funding_shortfall.get(sid, 0)]
            for sid, amount in d.funding_owed.items()]

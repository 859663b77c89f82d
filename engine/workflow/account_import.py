"""Accounts from a CSV file: one row per person (a department's or a street's user), checked
whole before anything is written.

Columns (the header row names them; their order is free):

- 账号 (required): the account name: letters (Chinese too), digits and ``_ . @ + -``;
- 姓名: the person's name;
- 角色 (required): 职能部门, 街道, 县委编办, 司法局, 县委或县政府 or 账号管理员 (or the role's
  code: department, street, office, justice, county, admin);
- 部门/街道 (for 职能部门 and 街道): the department's or street's name or id in the county;
- 备注: ignored.

The file is UTF-8 (with or without a BOM, as Excel writes it) or GB18030 (as Chinese Excel
saves "CSV"). Every bad row is reported, with its line, column and what was expected; when any
row is bad, nothing is created. Each new account gets a temporary password, shown once, that
must be changed at its first log-in.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from engine.errors import DataError, DataErrors, Location, UsageError, did_you_mean
from engine.labels import ROLES
from engine.models.base import Strict
from engine.models.county import County
from engine.store.session import Store
from engine.workflow.accounts import (
    account_names,
    check_name,
    check_username,
    create_accounts,
    need_admin,
)
from engine.workflow.names import RoleKind
from engine.workflow.roles import Actor, Clock
from engine.workflow.views import IssuedToken

MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000

USERNAME, NAME, ROLE, UNIT, NOTE = "账号", "姓名", "角色", "部门/街道", "备注"
COLUMNS = (USERNAME, NAME, ROLE, UNIT, NOTE)
REQUIRED = (USERNAME, ROLE)
# other spellings of a column's header
HEADER_ALIASES = {"用户名": USERNAME, "账号名": USERNAME, "帐号": USERNAME, "名字": NAME,
                  "部门或街道": UNIT, "部门／街道": UNIT, "单位": UNIT, "部门": UNIT, "街道": UNIT,
                  "说明": NOTE}
# the words a 角色 cell may hold → the kind of role
ROLE_WORDS: dict[str, RoleKind] = {
    **{ROLES[k.value]: k for k in RoleKind},
    **{k.value: k for k in RoleKind},
    "部门": RoleKind.department, "街道": RoleKind.street, "镇": RoleKind.street,
    "乡": RoleKind.street, "乡镇": RoleKind.street, "编办": RoleKind.office,
    "县委编办": RoleKind.office, "区委编办": RoleKind.office, "县委或县政府": RoleKind.county,
    "县政府": RoleKind.county, "县委": RoleKind.county, "管理员": RoleKind.admin,
}
_WITH_UNIT = (RoleKind.department, RoleKind.street)


class AccountRow(Strict):
    """One account the file asks for."""

    line: int
    username: str
    name: str
    role: str  # department:ID, street:ID, office, justice, county or admin


def decode(data: bytes, display: str) -> str:
    """The file's text: UTF-8 (a BOM is dropped) or else GB18030."""
    if len(data) > MAX_BYTES:
        raise DataError(f"文件过大（{len(data):,} 字节），账号文件不能超过 "
                        f"{MAX_BYTES // 1024} KB", location=Location(display),
                        hint=f"一次最多导入 {MAX_ROWS} 个账号，可分成几个文件。")
    if b"\x00" in data:
        raise DataError("不是文本文件（含有空字节）", location=Location(display),
                        hint="请在 Excel 中“另存为” CSV（逗号分隔）文件后再导入。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataError("文件编码无法识别", location=Location(display),
                    hint="请保存为 UTF-8 或 GB18030（GBK）编码的 CSV 文件。")


def _header(cells: list[str], display: str) -> dict[str, int]:
    found: dict[str, int] = {}
    errors: list[DataError] = []
    for index, raw in enumerate(cells):
        text = "".join(raw.split())
        if not text:
            continue
        column = HEADER_ALIASES.get(text, text)
        if column not in COLUMNS:
            errors.append(DataError(f"未知的列 “{text[:40]}”", location=Location(display, 1),
                                    hint=did_you_mean(text, list(COLUMNS)) or
                                    "可用的列：" + "、".join(COLUMNS)))
        elif column in found:
            errors.append(DataError(f"列 “{column}” 出现了两次", location=Location(display, 1)))
        else:
            found[column] = index
    for column in REQUIRED:
        if column not in found:
            errors.append(DataError(f"缺少列 “{column}”", location=Location(display, 1),
                                    hint="第一行是表头，须有：" + "、".join(REQUIRED) +
                                         "；可有：姓名、部门/街道、备注。"))
    if errors:
        raise DataErrors(errors)
    return found


def _units(county: County, kind: RoleKind) -> dict[str, str]:
    """A department's or street's name or id → its id."""
    units = county.departments if kind is RoleKind.department else county.streets
    out = {u.id: u.id for u in units.values()}
    out.update({u.name: u.id for u in units.values()})
    return out


def _role(kind_text: str, unit: str, county: County, where: Location) -> str:
    kind_text = "".join(kind_text.split())
    if ":" in kind_text and not unit:  # the role's code written whole: street:S01
        kind_text, _, unit = kind_text.partition(":")
    kind = ROLE_WORDS.get(kind_text)
    if kind is None:
        raise DataError(f"未知的角色 “{kind_text[:40]}”",
                        location=Location(where.file, where.line, ROLE),
                        hint="角色：职能部门、街道、县委编办、司法局、县委或县政府、账号管理员")
    if kind not in _WITH_UNIT:
        if unit:
            raise DataError(f"角色 {ROLES[kind.value]} 不属于某个部门或街道，"
                            f"“{UNIT}”应留空", location=Location(where.file, where.line, UNIT))
        return kind.value
    what = "部门" if kind is RoleKind.department else "街道"
    units = county.departments if kind is RoleKind.department else county.streets
    names = [u.name for u in units.values()]
    listed = "、".join(names[:20]) + ("等" if len(names) > 20 else "")
    if not unit:
        raise DataError(f"角色 {ROLES[kind.value]} 须写明是哪个{what}",
                        location=Location(where.file, where.line, UNIT),
                        hint=f"在“{UNIT}”列填写{what}的名称：{listed}")
    ident = _units(county, kind).get(unit)
    if ident is None:
        raise DataError(f"本县区没有{what} “{unit[:60]}”",
                        location=Location(where.file, where.line, UNIT),
                        hint=did_you_mean(unit, names) or f"本县区的{what}：{listed}")
    return f"{kind.value}:{ident}"


def parse_accounts(data: bytes, display: str, county: County,
                   existing: Sequence[str] = ()) -> list[AccountRow]:
    """The accounts a CSV file asks for, every row checked: a bad row, an account named twice
    or one that exists already is a ``DataError`` at its line and column (all of them
    together, as ``DataErrors``)."""
    text = decode(data, display)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        head = next(reader, None)
    except csv.Error as exc:
        raise DataError(f"CSV 格式错误：{exc}", location=Location(display, 1)) from None
    if head is None:
        raise DataError("文件是空的", location=Location(display),
                        hint="第一行是表头：账号,姓名,角色,部门/街道")
    columns = _header(head, display)
    known = set(existing)
    seen: dict[str, int] = {}
    rows: list[AccountRow] = []
    errors: list[DataError] = []
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(DataError(f"CSV 格式错误：{exc}",
                                    location=Location(display, reader.line_num)))
            break
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(rows) + len(errors) >= MAX_ROWS:
            raise DataError(f"账号过多：一次最多导入 {MAX_ROWS} 个",
                            location=Location(display, line), hint="请分成几个文件导入。")

        def cell(column: str, cells: list[str] = cells) -> str:
            index = columns.get(column)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        username = cell(USERNAME)
        try:
            if not username:
                raise DataError("账号为空", location=Location(display, line, USERNAME))
            try:
                check_username(username)
                name = check_name(cell(NAME))
            except UsageError as exc:
                field = USERNAME if "账号名" in exc.message else NAME
                raise DataError(exc.message, location=Location(display, line, field),
                                hint=exc.hint) from None
            if username in seen:
                raise DataError(f"账号 {username} 在第 {seen[username]} 行已出现",
                                location=Location(display, line, USERNAME),
                                hint="每个账号一行；一个账号要有几个角色时，导入后在账号页"
                                     "为它添加角色。")
            seen[username] = line
            if username in known:
                raise DataError(f"账号 {username} 已存在",
                                location=Location(display, line, USERNAME),
                                hint="换一个账号名，或从文件中删去这一行。")
            role = _role(cell(ROLE), cell(UNIT), county, Location(display, line))
        except DataError as exc:
            errors.append(exc)
            continue
        rows.append(AccountRow(line=line, username=username, name=name, role=role))
    if errors:
        raise DataErrors(errors)
    if not rows:
        raise DataError("文件中没有账号", location=Location(display),
                        hint="表头下面每行一个账号。")
    return rows


def import_accounts(store: Store, county: County, actor: Actor | None, clock: Clock,
                    data: bytes, display: str) -> list[IssuedToken]:
    """Create every account the file asks for, or none: each with a temporary password
    (shown once, to be changed at the first log-in). The same function for ``duty user
    import`` and the web's import page. Anyone but an administrator is refused before the
    file is read."""
    need_admin(store, actor, "user_import")
    rows = parse_accounts(data, display, county, account_names(store))
    return create_accounts(store, county, actor, clock,
                           [(r.username, r.name, [r.role]) for r in rows])

"""Who acts: an account (or, in a local store, the operating-system user) in one role.

Roles: ``department:ID``, ``street:ID``, ``office`` (编办), ``justice`` (司法局), ``county``
(县委或县政府) and ``admin`` (accounts). A role names a department or street of the county.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from engine.errors import NoRoleError, UsageError, did_you_mean
from engine.labels import ROLES
from engine.models.county import County
from engine.workflow.names import RoleKind

CHINA = timezone(timedelta(hours=8))
ROLE_LABELS = {kind: ROLES[kind.value] for kind in RoleKind}
_WITH_ID = (RoleKind.department, RoleKind.street)


@dataclass(frozen=True)
class Role:
    kind: RoleKind
    id: str | None = None

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.id}" if self.id else self.kind.value

    def describe(self, names: dict[str, str]) -> str:
        if self.id:
            return f"{names.get(self.id, self.id)}（{self}）"
        return f"{ROLE_LABELS[self.kind]}（{self}）"


@dataclass(frozen=True)
class Actor:
    """The account acting and the role it acts in (``local``: a store without accounts, where
    the role is declared and the operating-system user is recorded)."""

    account: str
    role: Role
    local: bool = False

    @property
    def recorded(self) -> str:
        return f"local:{self.account}" if self.local else self.account


@dataclass(frozen=True)
class Clock:
    """The time of a call; ``fixed`` when a rehearsal store's ``DUTY_NOW`` set it."""

    now: datetime
    fixed: bool = False

    @classmethod
    def real(cls) -> Clock:
        return cls(datetime.now(CHINA).replace(microsecond=0))

    @classmethod
    def from_environment(cls) -> Clock:
        """The clock of a call through either door: now, or the time ``DUTY_NOW`` fixes (a
        rehearsal store's; the service refuses it elsewhere). A value that is no date and
        time is the same usage error in every door."""
        fixed = os.environ.get("DUTY_NOW")
        if not fixed:
            return cls.real()
        try:
            value = datetime.fromisoformat(fixed)
        except ValueError:
            raise UsageError(f"DUTY_NOW 不是有效的日期时间：“{fixed}”",
                             hint="例如 DUTY_NOW=2026-09-28T09:00:00+08:00") from None
        return cls(value if value.tzinfo else value.replace(tzinfo=CHINA), fixed=True)

    @property
    def stamp(self) -> str:
        return self.now.isoformat()


def parse_role(text: str | None, county: County) -> Role:
    if not text:
        raise NoRoleError("未说明以什么角色操作",
                         hint="角色：department:部门编号、office、justice、street:街道编号、"
                              "county、admin")
    kind_text, _, ident = text.partition(":")
    try:
        kind = RoleKind(kind_text)
    except ValueError:
        raise UsageError(f"未知的角色 “{text}”", hint=did_you_mean(kind_text, [
            k.value for k in RoleKind]) or "角色：department:部门编号、office、justice、"
                                            "street:街道编号、county、admin") from None
    if kind in _WITH_ID:
        known = county.departments if kind is RoleKind.department else county.streets
        if not ident:
            raise UsageError(f"角色 {kind.value} 须带编号，例如 {kind.value}:{next(iter(known))}")
        if ident not in known:
            raise UsageError(f"未知的{ROLE_LABELS[kind]} “{ident}”",
                             hint=did_you_mean(ident, known))
        return Role(kind, ident)
    if ident:
        raise UsageError(f"角色 {kind.value} 不带编号")
    return Role(kind)

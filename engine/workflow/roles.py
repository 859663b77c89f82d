"""Who acts: an account (or, in a local store, the operating-system user) in one role.

Roles: ``department:ID``, ``street:ID``, ``office`` (编办), ``justice`` (司法局), ``county``
(县委或县政府), ``city:CODE`` and ``province:CODE`` (the city and province above the county, by
their six-digit 行政区划代码) and ``admin`` (accounts). A department or street role names one of
the county's; a city or province role names any code, and ``oversees`` says whether it is the
county's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.clock import CHINA, Clock
from engine.errors import NoRoleError, UsageError, did_you_mean
from engine.labels import ROLES
from engine.models.county import County
from engine.workflow.names import LEVELS, RoleKind

__all__ = ["CHINA", "Actor", "Clock", "Role", "oversees", "parse_role"]

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


ROLE_HINT = ("角色：department:部门编号、office、justice、street:街道编号、county、"
             "city:市行政区划代码、province:省行政区划代码、admin")


def oversees(role: Role, county: County) -> bool:
    """Whether a city or province role is the one above ``county`` (its code is the code
    county.yaml names for that level). The one place that says which county a level covers:
    the reads (``engine.workflow.queries.may_read``) and the steps (the machine) ask it."""
    superior = county.superior(role.kind.value) if role.kind in LEVELS else None
    return superior is not None and superior.code == role.id


def parse_role(text: str | None, county: County) -> Role:
    if not text:
        raise NoRoleError("未说明以什么角色操作",
                         hint=ROLE_HINT)
    kind_text, _, ident = text.partition(":")
    try:
        kind = RoleKind(kind_text)
    except ValueError:
        raise UsageError(f"未知的角色 “{text}”", hint=did_you_mean(kind_text, [
            k.value for k in RoleKind]) or ROLE_HINT) from None
    if kind in _WITH_ID:
        known = county.departments if kind is RoleKind.department else county.streets
        if not ident:
            raise UsageError(f"角色 {kind.value} 须带编号，例如 {kind.value}:{next(iter(known))}")
        if ident not in known:
            raise UsageError(f"未知的{ROLE_LABELS[kind]} “{ident}”",
                             hint=did_you_mean(ident, known))
        return Role(kind, ident)
    if kind in LEVELS:
        if not (len(ident) == 6 and ident.isascii() and ident.isdigit()):
            raise UsageError(f"角色 {kind.value} 须带六位行政区划代码，例如 {kind.value}:"
                             f"{'350600' if kind is RoleKind.city else '350000'}",
                             hint=f"写明{ROLE_LABELS[kind]}的行政区划代码（county.yaml 中 "
                                  f"{kind.value}: 的 code）。")
        return Role(kind, ident)
    if ident:
        raise UsageError(f"角色 {kind.value} 不带编号")
    return Role(kind)

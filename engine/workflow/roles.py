"""Who acts: ``department:ID``, ``office``, ``justice``, ``street:ID`` or ``county``."""

from __future__ import annotations

from dataclasses import dataclass

from engine.errors import UsageError, did_you_mean
from engine.models.county import County

ROLE_LABELS = {"department": "职能部门", "office": "县委编办", "justice": "司法局",
               "street": "街道（镇、乡）", "county": "县委或县政府"}
_WITH_ID = ("department", "street")


@dataclass(frozen=True)
class Role:
    kind: str
    id: str | None = None

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}" if self.id else self.kind

    def describe(self, names: dict[str, str]) -> str:
        if self.id:
            return f"{names.get(self.id, self.id)}（{self}）"
        return f"{ROLE_LABELS[self.kind]}（{self}）"


def parse_role(text: str | None, county: County) -> Role:
    if not text:
        raise UsageError("未说明以什么角色操作",
                         hint="用 --as 或环境变量 DUTY_ACTOR 指定，例如 --as office、"
                              "--as department:fire_rescue、--as street:S01。")
    kind, _, ident = text.partition(":")
    if kind not in ROLE_LABELS:
        raise UsageError(f"未知的角色 “{text}”", hint=did_you_mean(kind, ROLE_LABELS)
                         or "角色：department:部门编号、office、justice、street:街道编号、county")
    if kind in _WITH_ID:
        known = county.departments if kind == "department" else county.streets
        if not ident:
            raise UsageError(f"角色 {kind} 须带编号，例如 {kind}:{next(iter(known))}")
        if ident not in known:
            raise UsageError(f"未知的{ROLE_LABELS[kind]} “{ident}”",
                             hint=did_you_mean(ident, known))
        return Role(kind, ident)
    if ident:
        raise UsageError(f"角色 {kind} 不带编号", hint=f"写 --as {kind}")
    return Role(kind)

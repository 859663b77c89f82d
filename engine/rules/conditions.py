"""The condition language of policy packs: checking and compiling to durable_rules JSON.

A condition is data::

    {all: [COND, ...]}   {any: [COND, ...]}   {not: COND}
    {fact: FIELD, OP: VALUE}

OP is one of ``eq ne in not_in gt gte lt lte`` (scalars), ``contains not_contains
contains_any not_contains_any empty`` (lists). VALUE may be ``{param: NAME}`` to read a pack
parameter. Semantics are plain Python ones (``all([])`` is true, an empty list contains
nothing); the compiler preserves them on durable_rules, whose ``$iall`` is false on an empty
list, by pairing list tests with the list's ``<field>_count`` companion, which the adapter
gives every fact whose kind's rules test it.

This module builds JSON only; the adapter is the one place that hands it to durable_rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.errors import DataError, Location, did_you_mean
from engine.rules.facts import Field

SCALAR_OPS = ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte")
LIST_OPS = ("contains", "not_contains", "contains_any", "not_contains_any", "empty")
OPS = SCALAR_OPS + LIST_OPS
_ORDER_OPS = ("gt", "gte", "lt", "lte")
_NEGATE = {
    "eq": "ne", "ne": "eq", "in": "not_in", "not_in": "in",
    "gt": "lte", "lte": "gt", "gte": "lt", "lt": "gte",
    "contains": "not_contains", "not_contains": "contains",
    "contains_any": "not_contains_any", "not_contains_any": "contains_any",
}
_DURABLE_ORDER = {"gt": "$gt", "gte": "$gte", "lt": "$lt", "lte": "$lte"}


def count_field(name: str) -> str:
    """The companion field holding the length of list field ``name``."""
    return f"{name}_count"


# -- checking -------------------------------------------------------------------------------


def check(
    cond: Any,
    schema: Mapping[str, Field],
    params: Mapping[str, Any],
    where: Location,
    path: str = "when",
) -> list[DataError]:
    """Every problem in ``cond`` against the fact ``schema`` and the pack ``params``."""

    def err(message: str, hint: str | None = None) -> list[DataError]:
        loc = Location(where.file, where.line, f"{where.field}.{path}" if where.field else path)
        return [DataError(message, location=loc, hint=hint, code="E-POLICY")]

    if not isinstance(cond, dict) or len(cond) == 0:
        return err("条件应为映射：{all: [...]}、{any: [...]}、{not: ...} 或 {fact: 字段, 运算: 值}")
    keys = set(cond)
    if keys in ({"all"}, {"any"}):
        (op,) = keys
        parts = cond[op]
        if not isinstance(parts, list) or not parts:
            return err(f"{op} 应为非空的条件列表")
        out: list[DataError] = []
        for i, part in enumerate(parts):
            out += check(part, schema, params, where, f"{path}.{op}[{i}]")
        return out
    if keys == {"not"}:
        return check(cond["not"], schema, params, where, f"{path}.not")
    if "fact" not in cond:
        return err(f"不认识的条件键 {sorted(keys)}", "条件应以 all、any、not 或 fact 开头。")
    field_name = cond["fact"]
    if not isinstance(field_name, str):
        return err("fact 的值应为事实字段名")
    ops = keys - {"fact"}
    if len(ops) != 1:
        return err(f"事实条件须恰好有一个运算，实际为 {sorted(ops) or '无'}",
                   "可用运算：" + "、".join(OPS))
    (op,) = ops
    if op not in OPS:
        return err(f"不认识的运算 “{op}”", did_you_mean(op, OPS) or "可用运算：" + "、".join(OPS))
    if field_name not in schema:
        return err(f"规则作用范围内没有事实字段 “{field_name}”",
                   did_you_mean(field_name, schema))
    spec = schema[field_name]
    value = cond[op]
    if isinstance(value, dict):
        if set(value) != {"param"} or not isinstance(value["param"], str):
            return err("值应为字面量或 {param: 参数名}")
        if value["param"] not in params:
            return err(f"规则包中没有参数 “{value['param']}”", did_you_mean(value["param"], params))
        value = params[value["param"]]
    if spec.type == "list":
        if op not in LIST_OPS:
            return err(f"字段 {field_name} 是列表，只能用 " + "、".join(LIST_OPS))
        if op == "empty":
            return [] if isinstance(value, bool) else err("empty 的值应为 true 或 false")
        values = value if op.endswith("_any") else [value]
        if op.endswith("_any") and (not isinstance(value, list) or not value):
            return err(f"{op} 的值应为非空列表")
        return _check_values(values, spec, field_name, err)
    if op not in SCALAR_OPS:
        return err(f"字段 {field_name} 不是列表，只能用 " + "、".join(SCALAR_OPS))
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            return err(f"{op} 的值应为非空列表")
        return _check_values(value, spec, field_name, err)
    if op in _ORDER_OPS and spec.type != "int":
        return err(f"字段 {field_name} 不是数值，不能用 {op}")
    return _check_values([value], spec, field_name, err)


def _check_values(values: list[Any], spec: Field, name: str, err: Any) -> list[DataError]:
    for v in values:
        expected = {"int": int, "bool": bool}.get(spec.type, str)
        if spec.type == "int" and isinstance(v, bool):
            return err(f"字段 {name} 是数值，值 “{v}” 不是数值")
        if not isinstance(v, expected):
            return err(f"字段 {name} 的值 “{v}” 类型不符")
        if spec.values is not None and isinstance(v, str) and v not in spec.values:
            return err(f"字段 {name} 没有取值 “{v}”",
                       did_you_mean(v, spec.values) or "可取值：" + "、".join(spec.values))
    return []


def facts_used(cond: Any) -> set[str]:
    """The fact fields a (checked) condition reads."""
    if "all" in cond or "any" in cond:
        return set().union(*(facts_used(c) for c in cond.get("all", cond.get("any", []))))
    if "not" in cond:
        return facts_used(cond["not"])
    return {cond["fact"]}


def can_hold(cond: Any, known: Mapping[str, Any], params: Mapping[str, Any]) -> bool:
    """False when a (checked) condition cannot hold whatever the facts not in ``known`` are:
    a conjunct over known scalar facts is false. Used to leave out what rules that cannot
    fire would read."""
    return _partial(cond, known, params) is not False


def _partial(cond: Any, known: Mapping[str, Any], params: Mapping[str, Any]) -> bool | None:
    """The condition's value on ``known`` facts, or None when it depends on others."""
    if "all" in cond or "any" in cond:
        values = [_partial(c, known, params) for c in cond.get("all", cond.get("any", []))]
        decisive, other = (False, True) if "all" in cond else (True, False)
        if decisive in values:
            return decisive
        return other if all(v is other for v in values) else None
    if "not" in cond:
        value = _partial(cond["not"], known, params)
        return None if value is None else not value
    name = cond["fact"]
    (op,) = (k for k in cond if k != "fact")
    if name not in known or op not in SCALAR_OPS:
        return None
    value, fact = resolve(cond[op], params), known[name]
    if op in ("eq", "ne"):
        return (fact == value) == (op == "eq")
    if op in ("in", "not_in"):
        return (fact in value) == (op == "in")
    return None  # orderings over known facts: not needed to prune, left undecided


def params_used(cond: Any) -> set[str]:
    """The parameter names a (checked) condition reads."""
    if isinstance(cond, dict):
        if set(cond) == {"param"}:
            return {cond["param"]}
        return set().union(*(params_used(v) for v in cond.values())) if cond else set()
    if isinstance(cond, list):
        return set().union(*(params_used(v) for v in cond)) if cond else set()
    return set()


# -- compiling ------------------------------------------------------------------------------


def resolve(value: Any, params: Mapping[str, Any]) -> Any:
    if isinstance(value, dict) and set(value) == {"param"}:
        return params[value["param"]]
    return value


def compile_condition(cond: dict[str, Any], params: Mapping[str, Any],
                      negate: bool = False) -> dict[str, Any]:
    """A checked condition as a durable_rules expression (negations pushed to the leaves)."""
    if "all" in cond or "any" in cond:
        op = "all" if "all" in cond else "any"
        if negate:
            op = "any" if op == "all" else "all"
        parts = [compile_condition(c, params, negate) for c in cond["all" if "all" in cond
                                                                  else "any"]]
        return _join("$and" if op == "all" else "$or", parts)
    if "not" in cond:
        return compile_condition(cond["not"], params, not negate)
    field_name = cond["fact"]
    (op,) = (k for k in cond if k != "fact")
    value = resolve(cond[op], params)
    if op == "empty":
        if negate:
            value = not value
        return {count_field(field_name): 0} if value else {"$gt": {count_field(field_name): 0}}
    if negate:
        op = _NEGATE[op]
    if op == "eq":
        return {field_name: value}
    if op == "ne":
        return {"$neq": {field_name: value}}
    if op == "in":
        return _join("$or", [{field_name: v} for v in value])
    if op == "not_in":
        return _join("$and", [{"$neq": {field_name: v}} for v in value])
    if op in _DURABLE_ORDER:
        return {_DURABLE_ORDER[op]: {field_name: value}}
    if op == "contains":
        return {"$iany": {field_name: {"$i": value}}}
    if op == "contains_any":
        return {"$iany": {field_name: _join("$or", [{"$i": v} for v in value])}}
    if op == "not_contains":
        return _join("$or", [{count_field(field_name): 0},
                             {"$iall": {field_name: {"$neq": {"$i": value}}}}])
    if op == "not_contains_any":
        return _join("$or", [
            {count_field(field_name): 0},
            {"$iall": {field_name: _join("$and", [{"$neq": {"$i": v}} for v in value])}},
        ])
    raise AssertionError(f"unchecked operator {op}")  # check() refuses unknown operators


def _join(op: str, parts: list[dict[str, Any]]) -> dict[str, Any]:
    return parts[0] if len(parts) == 1 else {op: parts}

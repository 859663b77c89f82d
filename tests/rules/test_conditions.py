"""The condition language: checking with located errors, and compiling with Python semantics."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from engine.errors import Location
from engine.rules import adapter
from engine.rules.conditions import check, compile_condition
from engine.rules.facts import Field
from tests.reference import holds

SCHEMA = {
    "tags": Field("list", "测试列表", ("a", "b", "c")),
    "n": Field("int", "测试数值"),
    "flag": Field("bool", "测试布尔"),
    "mode": Field("str", "测试枚举", ("x", "y")),
}
PARAMS = {"limit": 5}
LEAVES: list[dict[str, Any]] = [
    {"fact": "tags", "contains": "a"},
    {"fact": "tags", "not_contains": "a"},
    {"fact": "tags", "contains_any": ["a", "b"]},
    {"fact": "tags", "not_contains_any": ["a", "b"]},
    {"fact": "tags", "empty": True},
    {"fact": "tags", "empty": False},
    {"fact": "n", "gt": {"param": "limit"}},
    {"fact": "n", "lte": 3},
    {"fact": "n", "in": [0, 7]},
    {"fact": "n", "not_in": [0]},
    {"fact": "flag", "eq": True},
    {"fact": "mode", "ne": "x"},
]
CONDITIONS = [
    *LEAVES,
    *({"not": leaf} for leaf in LEAVES),
    {"all": [LEAVES[1], LEAVES[6]]},
    {"not": {"all": [LEAVES[1], {"not": LEAVES[10]}]}},
    {"any": [LEAVES[3], {"not": {"any": [LEAVES[4], LEAVES[11]]}}]},
]
FACTS = [
    {"kind": "street", "tags": tags, "n": n, "flag": flag, "mode": mode}
    for tags, n, flag, mode in itertools.product(
        [[], ["a"], ["c"], ["b", "c"], ["a", "b", "c"]], [0, 3, 7], [True, False], ["x", "y"])
]


@pytest.mark.parametrize("cond", CONDITIONS, ids=[str(i) for i in range(len(CONDITIONS))])
def test_compiled_condition_matches_python_semantics(cond: dict[str, Any]) -> None:
    assert check(cond, SCHEMA, PARAMS, Location("t.yaml", 1, "rules[0]")) == []
    rules = adapter.compiled(f"cond-test-{cond!r}", "cond-test",
                             [adapter.RuleSpec("street", (cond,))], PARAMS)
    got = {m.fact for m in rules.evaluate(FACTS)}
    want = {i for i, f in enumerate(FACTS) if holds(cond, f, PARAMS)}
    assert got == want, compile_condition(cond, PARAMS)


@pytest.mark.parametrize(("cond", "message", "hint"), [
    ({"fact": "tag", "contains": "a"}, "没有事实字段 “tag”", "tags"),
    ({"fact": "tags", "contain": "a"}, "不认识的运算 “contain”", "contains"),
    ({"fact": "tags", "eq": "a"}, "是列表", None),
    ({"fact": "mode", "eq": "z"}, "没有取值 “z”", None),
    ({"fact": "mode", "eq": "xx"}, "没有取值 “xx”", "x"),
    ({"fact": "n", "gt": "3"}, "类型不符", None),
    ({"fact": "mode", "gt": "x"}, "不是数值", None),
    ({"fact": "n", "gt": {"param": "limt"}}, "没有参数 “limt”", "limit"),
    ({"fact": "tags", "contains_any": []}, "非空列表", None),
    ({"all": []}, "非空的条件列表", None),
    ({"fact": "n", "eq": 1, "ne": 2}, "恰好有一个运算", None),
    ({"when": 1}, "不认识的条件键", None),
])
def test_check_reports_located_errors(cond: dict[str, Any], message: str,
                                      hint: str | None) -> None:
    (err,) = check({"all": [cond]}, SCHEMA, PARAMS, Location("p.yaml", 12, "rules[3]"))
    assert message in err.message
    assert err.location.file == "p.yaml" and err.location.line == 12
    assert err.location.field == "rules[3].when.all[0]"
    if hint:
        assert hint in (err.hint or "")

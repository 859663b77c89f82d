"""A small pure-Python evaluator of policy-pack conditions.

It is the guard against silent failures of the durable_rules path: tests check that both
find exactly the same matches on generated proposals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.loading.policy import Policy
from engine.rules.adapter import Match


def holds(cond: Mapping[str, Any], fact: Mapping[str, Any], params: Mapping[str, Any]) -> bool:
    if "all" in cond:
        return all(holds(c, fact, params) for c in cond["all"])
    if "any" in cond:
        return any(holds(c, fact, params) for c in cond["any"])
    if "not" in cond:
        return not holds(cond["not"], fact, params)
    (op,) = (k for k in cond if k != "fact")
    value = cond[op]
    if isinstance(value, dict):
        value = params[value["param"]]
    x = fact[cond["fact"]]
    return {
        "eq": lambda: x == value,
        "ne": lambda: x != value,
        "in": lambda: x in value,
        "not_in": lambda: x not in value,
        "gt": lambda: x > value,
        "gte": lambda: x >= value,
        "lt": lambda: x < value,
        "lte": lambda: x <= value,
        "contains": lambda: value in x,
        "not_contains": lambda: value not in x,
        "contains_any": lambda: any(v in x for v in value),
        "not_contains_any": lambda: not any(v in x for v in value),
        "empty": lambda: (len(x) == 0) == value,
    }[op]()


def matches(policy: Policy, facts: Sequence[Mapping[str, Any]]) -> list[Match]:
    out = []
    for fi, fact in enumerate(facts):
        for ri, (rule, cases) in enumerate(zip(policy.rules, policy.cases, strict=False)):
            if fact["kind"] != rule.scope:
                continue
            for ci, case in enumerate(cases):
                if holds(case.when, fact, policy.raw_parameters):
                    out.append(Match(ri, ci, fi))
    return out

"""The durable_rules adapter: matches, retraction, re-registration and failures."""

from __future__ import annotations

import threading

import pytest

from engine.errors import EngineError
from engine.rules import adapter

SPEC = [adapter.RuleSpec("street", ({"fact": "n", "gt": 1},)),
        adapter.RuleSpec("street", ({"fact": "n", "gt": 2}, {"fact": "n", "eq": 0})),
        adapter.RuleSpec("proposal", ({"fact": "n", "gt": 0},))]


def facts(*values: int, kind: str = "street") -> list[dict[str, object]]:
    return [{"kind": kind, "n": v} for v in values]


def test_every_matching_rule_fires_once_per_fact() -> None:
    rs = adapter.compiled("adapter-test-1", "adapter-test", SPEC, {})
    got = sorted((m.rule, m.case, m.fact) for m in rs.evaluate(facts(3, 0, 1)))
    assert got == [(0, 0, 0), (1, 0, 0), (1, 1, 1)]


def test_no_match_is_not_an_error_and_facts_are_retracted() -> None:
    rs = adapter.compiled("adapter-test-1", "adapter-test", SPEC, {})
    assert rs.evaluate(facts(1, 1)) == []
    first = rs.evaluate(facts(5))
    assert rs.evaluate(facts(5)) == first  # nothing left over from the previous run


def test_same_key_is_compiled_once() -> None:
    a = adapter.compiled("adapter-test-2", "adapter-test", SPEC, {})
    b = adapter.compiled("adapter-test-2", "adapter-test", SPEC, {})
    assert a is b


def test_background_threads_are_not_started() -> None:
    adapter.compiled("adapter-test-1", "adapter-test", SPEC, {}).evaluate(facts(3))
    assert not [t for t in threading.enumerate() if type(t).__name__ == "Timer"]


def test_exception_inside_an_action_is_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    rs = adapter.compiled("adapter-test-3", "adapter-test", SPEC, {})
    def explode(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(rs, "_record", explode)
    with pytest.raises(EngineError) as info:
        rs.evaluate(facts(3))
    assert info.value.code == "E-ENGINE" and "RuntimeError('boom')" in info.value.message
    monkeypatch.undo()
    assert [m.rule for m in rs.evaluate(facts(3))] == [0, 1]  # the session is still usable


def test_registration_is_retried_under_a_fresh_name(monkeypatch: pytest.MonkeyPatch) -> None:
    # the refusal comes from the C module, after durable_rules has already consumed the
    # actions of the definition it was given: the retry must not reuse that definition
    c_module = adapter.durable.durable_rules_engine
    real = c_module.create_ruleset
    calls: list[str] = []

    def flaky(name: str, definition: str) -> object:
        calls.append(name)
        if len(calls) == 1:
            raise RuntimeError("Could not create ruleset, error code: 102")
        return real(name, definition)

    monkeypatch.setattr(c_module, "create_ruleset", flaky)
    rules = [adapter.RuleSpec("proposal", ({"fact": "urgency", "eq": "emergency"},))]
    got = adapter.CompiledRuleset("retry_test#0", rules, {})
    assert calls == ["retry_test#0", "retry_test#0-retry1"]
    assert got.name == "retry_test#0-retry1"
    monkeypatch.undo()
    fired = got.evaluate([{"kind": "proposal", "urgency": "emergency"}])
    assert [(m.rule, m.case, m.fact) for m in fired] == [(0, 0, 0)]


def test_registration_gives_up_after_five_refusals(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def refuse(name: str, definition: str) -> object:
        calls.append(name)
        raise RuntimeError("Could not create ruleset, error code: 102")

    monkeypatch.setattr(adapter.durable.durable_rules_engine, "create_ruleset", refuse)
    rules = [adapter.RuleSpec("proposal", ({"fact": "urgency", "eq": "emergency"},))]
    with pytest.raises(EngineError, match="error code: 102"):
        adapter.CompiledRuleset("refused_test#0", rules, {})
    assert calls == ["refused_test#0", *(f"refused_test#0-retry{i}" for i in range(1, 5))]


def test_other_registration_errors_are_engine_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(rulesets: dict) -> None:  # type: ignore[type-arg]
        raise RuntimeError("something else")

    monkeypatch.setattr(adapter.host(), "register_rulesets", broken)
    rules = [adapter.RuleSpec("proposal", ({"fact": "urgency", "eq": "emergency"},))]
    with pytest.raises(EngineError, match="something else"):
        adapter.CompiledRuleset("broken_test#0", rules, {})

"""The durable_rules adapter: matches (a batch as one fact at a time), retraction,
re-registration and failures."""

from __future__ import annotations

import json
import random
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


# -- a batch gives, fact for fact, the matches of one fact at a time ------------------------

WIDE = [adapter.RuleSpec("street", ({"fact": "n", "gt": 2}, {"fact": "tags", "contains": "a"})),
        adapter.RuleSpec("street", ({"all": [{"fact": "n", "lte": 3},
                                             {"fact": "tags", "not_contains_any": ["b", "c"]}]},)),
        adapter.RuleSpec("street", ({"fact": "tags", "empty": True},
                                    {"fact": "mode", "in": ["x", "y"]})),
        adapter.RuleSpec("proposal", ({"fact": "mode", "ne": "x"},)),
        adapter.RuleSpec("proposal", ({"not": {"fact": "n", "gt": 1}},))]


def random_facts(rng: random.Random, count: int) -> list[dict[str, object]]:
    return [{"kind": rng.choice(["street", "street", "proposal", "other"]),
             "n": rng.randint(0, 5), "mode": rng.choice(["x", "y", "z"]),
             "tags": rng.sample(["a", "b", "c", "d"], rng.randint(0, 3)),
             "unread": rng.random()} for _ in range(count)]


def one_at_a_time(rs: adapter.CompiledRuleset,
                  facts: list[dict[str, object]]) -> list[tuple[int, int, int]]:
    return sorted((m.rule, m.case, i) for i, fact in enumerate(facts)
                  for m in rs.evaluate([fact]))


@pytest.mark.parametrize("seed", range(20))
def test_batch_matches_are_those_of_one_fact_at_a_time(seed: int) -> None:
    rs = adapter.compiled("adapter-test-wide", "adapter-test", WIDE, {})
    rng = random.Random(seed)
    facts = random_facts(rng, rng.randint(1, 60))
    alone = one_at_a_time(rs, facts)
    for share in (True, False):
        got = rs.evaluate(facts, share=share)
        assert [(m.fact, m.rule, m.case) for m in got] == sorted(
            (f, r, c) for r, c, f in alone)  # ordered by fact, rule and case
    assert all(facts[f]["kind"] in ("street", "proposal") for _, _, f in alone)


def test_a_batch_with_facts_no_rule_matches_keeps_the_others_matches() -> None:
    # durable_rules refuses a whole batch when one fact matches no rule, dropping the
    # others' matches: the adapter's "handled" rule prevents that
    rs = adapter.compiled("adapter-test-1", "adapter-test", SPEC, {})
    got = rs.evaluate(facts(0, 1, 3, 1) + facts(0, kind="proposal") + facts(5))
    assert sorted((m.rule, m.case, m.fact) for m in got) == [
        (0, 0, 2), (0, 0, 5), (1, 0, 2), (1, 0, 5), (1, 1, 0)]


def test_more_matches_than_one_action_takes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(adapter, "_CAP", 3)
    rs = adapter.CompiledRuleset("cap_test#0", SPEC, {})
    got = rs.evaluate(facts(*range(10)), share=False)
    assert [(m.fact, m.rule, m.case) for m in got] == [
        (0, 1, 1), (2, 0, 0), *((f, r, 0) for f in range(3, 10) for r in (0, 1))]


def test_message_ids_are_read_as_decoding_would(monkeypatch: pytest.MonkeyPatch) -> None:
    rs = adapter.compiled("adapter-test-wide", "adapter-test", WIDE, {})
    facts_ = random_facts(random.Random(7), 40)
    fast = rs.evaluate(facts_)
    seen: list[str] = []
    real = adapter._matched

    def decoded(message: str) -> list[tuple[str, list[str]]]:
        seen.append(message)
        return real(message.replace('{"m":{"id"', '{"m":{ "id"'))  # valid JSON still

    # frames no longer begin as expected: the messages are decoded in full instead
    monkeypatch.setattr(adapter, "_matched", decoded)
    assert rs.evaluate(facts_) == fast and seen


def test_nothing_is_left_in_the_session() -> None:
    rs = adapter.compiled("adapter-test-wide", "adapter-test", WIDE, {})
    rs.evaluate(random_facts(random.Random(3), 50))
    assert adapter.host().get_facts(rs.name, "duty") == []


def test_real_policy_batch_matches_one_fact_at_a_time() -> None:
    from bench.generate import random_proposal
    from engine.decide.evaluate import build_facts, ruleset
    from engine.loading.workspace import load_workspace

    ws = load_workspace()
    rs = ruleset(ws.policy)
    rng = random.Random(20261207)
    for n in range(60):
        prop, item, from_catalogue, targets = random_proposal(rng, ws, n)
        facts_ = build_facts(ws, prop, item, from_catalogue, targets)
        alone = sorted((i, r, c) for r, c, i in one_at_a_time(rs, facts_))
        for share in (True, False):
            assert [(m.fact, m.rule, m.case) for m in rs.evaluate(facts_, share=share)] == alone


def test_a_fact_crosses_with_only_what_its_rules_test(monkeypatch: pytest.MonkeyPatch) -> None:
    # a list tested only by its length crosses as its count; one tested by its items
    # crosses as the list; fields no rule tests stay behind
    rules = [adapter.RuleSpec("street", ({"fact": "tags", "empty": True},
                                         {"fact": "mode", "contains": "x"})),
             adapter.RuleSpec("proposal", ({"fact": "mode", "eq": "x"},))]
    rs = adapter.CompiledRuleset("wire_test#0", rules, {})
    c_module = adapter.durable.durable_rules_engine
    real = c_module.assert_facts
    sent: list[str] = []

    def spy(handle: int, text: str) -> object:
        sent.append(text)
        return real(handle, text)

    monkeypatch.setattr(c_module, "assert_facts", spy)
    got = rs.evaluate([{"kind": "street", "tags": [], "mode": ["x"], "unread": 1},
                       {"kind": "street", "tags": ["a"], "mode": [], "unread": 2},
                       {"kind": "proposal", "tags": ["a"], "mode": "x", "unread": 3}])
    assert [(m.fact, m.rule, m.case) for m in got] == [(0, 0, 0), (0, 0, 1), (2, 1, 0)]
    (text,) = sent
    assert "unread" not in text and '"a"' not in text and text.count("_count") == 0
    wires = json.loads(text)
    assert [sorted(w) for w in wires] == [["a0", "id", "kind", "n1", "sid"]] * 2 + [
        ["a0", "id", "kind", "sid"]]
    assert [w.get("n1") for w in wires] == [0, 1, None]
    monkeypatch.undo()
    assert adapter.host().get_facts(rs.name, "duty") == []


def test_a_message_of_two_rules_is_read_as_decoding_would() -> None:
    # durable_rules gives one rule per action; should a message hold two, or a fact hold a
    # list of objects, the ids still go to their rules
    two = ('{"r0_0":[{"m":{"id":"f1","sid":"duty"}},{"m":{"id":"f2","sid":"duty"}}],'
           '"r1_2":[{"m":{"id":"f3","sid":"duty","a0":[{"x":"}],\\"r9_9\\":["}],"a1":1}}]}')
    assert adapter._matched(two) == [("r0_0", ["f1", "f2"]), ("r1_2", ["f3"])]
    one = '{"r3_1":[{"m":{"id":"f7","a0":"{\\"m\\":{\\"id\\":\\"f8\\""}},{"m":{"id":"f9"}}]}'
    assert adapter._matched(one) == [("r3_1", ["f7", "f9"])]


def test_the_rules_and_facts_given_to_raw_durable_rules_fire_as_the_engines() -> None:
    # make bench compares the engine with durable_rules used plainly on the adapter's
    # patterns and facts, one fact at a time: the same firings, match for match
    from bench.generate import random_proposal
    from bench.run import _firings, raw_like
    from engine.loading.workspace import load_workspace

    ws = load_workspace()
    rng = random.Random(20261208)
    batch = [random_proposal(rng, ws, n) for n in range(30)]
    like = raw_like(ws, batch)
    assert like["raw_like_firings"] == _firings(ws, batch)["engine_firings"] > 0

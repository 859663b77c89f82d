"""The durable_rules path and the pure-Python reference evaluator agree on generated proposals.

1,200 seeded random proposals over the sample county: every match (rule, case, fact) and every
resulting decision must be identical, and together the proposals must make every rule fire.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from bench.generate import random_proposal
from engine.decide.evaluate import assemble, build_facts, ruleset
from engine.loading.workspace import Workspace, load_workspace
from tests import reference

COUNT = 1200


@pytest.fixture(scope="module")
def sample() -> Workspace:
    return load_workspace()


def test_engine_agrees_with_reference(sample: Workspace) -> None:
    rng = random.Random(20261121)
    compiled = ruleset(sample.policy)
    fired: set[tuple[int, int]] = set()
    for n in range(COUNT):
        prop, item, from_catalogue, targets = random_proposal(rng, sample, n)
        facts = build_facts(sample, prop, item, from_catalogue, targets)
        engine_matches = compiled.evaluate(facts)
        ref_matches = reference.matches(sample.policy, facts)
        assert sorted(engine_matches, key=_key) == sorted(ref_matches, key=_key), prop.id
        fired |= {(m.rule, m.case) for m in ref_matches}
        a = assemble(sample, prop, item, from_catalogue, targets, facts, engine_matches)
        b = assemble(sample, prop, item, from_catalogue, targets, facts, ref_matches)
        assert a == b
    every_case = {(ri, ci) for ri, cases in enumerate(sample.policy.cases)
                  for ci in range(len(cases))}
    missing = sorted(f"{sample.policy.rules[r].id}#{c}" for r, c in every_case - fired)
    assert not missing, f"rule cases never fired by the generated proposals: {missing}"


def _key(m: Any) -> tuple[int, int, int]:
    return (m.fact, m.rule, m.case)

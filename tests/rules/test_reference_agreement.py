"""The durable_rules path and the pure-Python reference evaluator agree on generated proposals.

1,200 seeded random proposals over the sample county: every match (rule, case, fact) and every
resulting decision must be identical, and together the proposals must make every rule fire.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from engine.decide.evaluate import assemble, build_facts, ruleset
from engine.loading.workspace import Workspace, load_workspace
from engine.models.county import DutyItem
from engine.models.proposal import Proposal
from engine.vocab import PHASES, POWERS
from tests import reference

INSTRUMENTS = ["responsibility_pledge", "quota_breakdown", "acceptance_check", "one_vote_veto",
               "counterpart_office", "extra_nameplate", "dedicated_staff", "task_force",
               "plaques"]
COUNT = 1200


def random_proposal(rng: random.Random, ws: Workspace, n: int) -> tuple[Proposal, DutyItem,
                                                                       bool, list[str]]:
    county = ws.county
    streets = list(county.streets)
    targets = sorted(rng.sample(streets, rng.randint(1, len(streets))), key=streets.index)
    dept = rng.choice(list(county.departments))
    from_catalogue = rng.random() < 0.25
    if from_catalogue:
        item = rng.choice(list(county.items.values()))
        dept = item.department
    else:
        phases = rng.sample(PHASES, rng.randint(1, 5))
        item = DutyItem(
            id=f"G-{n}", name=f"生成事项{n}", department=dept,
            category=rng.choice(["comprehensive", "specialist", "assisting"]),
            phases=phases, powers=rng.sample(POWERS, rng.randint(0, 2)),
            legal_basis="测试依据", public_facing=rng.random() < 0.5,
            high_volume=rng.random() < 0.5, workload_days=rng.choice([0, 10, 60, 221, 300]))
    heard = [s for s in targets if rng.random() < 0.85]
    data: dict[str, Any] = {
        "schema_version": 1,
        "id": f"P-G-{n}",
        "title": "生成的申请",
        "department": dept,
        "streets": targets,
        "mode": rng.choice(["hand_over", "entrust", "assist"]),
        "item": {"ref": item.id},
        "resources": {"funding": rng.choice([0, 0, 5000, 30000]),
                      "staff": rng.choice([0, 0, 1]),
                      "powers_delegated": rng.sample(POWERS, rng.choice([0, 0, 0, 1, 2]))},
        "instruments": rng.sample(INSTRUMENTS, rng.choice([0, 0, 0, 1, 2])),
        "higher_requirement": rng.choice([None, None, {"level": "provincial",
                                                       "document": "省委文件"}]),
        "work_plan": rng.random() < 0.85,
        "legal_review": rng.choice(["passed", "passed", "passed", "pending", "failed"]),
        "hearing": {s: rng.choice(["agree", "agree", "agree_with_conditions", "object"])
                    for s in heard},
        "meeting": rng.choice([None, {"body": "区政府常务会议", "ref": "X", "decided": True},
                               {"body": "区政府常务会议", "ref": "X", "decided": True}]),
        "urgency": rng.choice(["normal", "normal", "temporary", "emergency"]),
    }
    return Proposal.model_validate(data), item, from_catalogue, targets


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

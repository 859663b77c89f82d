"""Seeded random proposals over a county, for benchmarks and the reference-evaluator check."""

from __future__ import annotations

import random
from typing import Any

from engine.loading.workspace import Workspace
from engine.models.county import DutyItem
from engine.models.proposal import Proposal
from engine.vocab import PHASES, POWERS, Instrument, ReturnReason

INSTRUMENTS = list(Instrument.__args__)  # type: ignore[attr-defined]
RETURN_REASONS = list(ReturnReason.__args__)  # type: ignore[attr-defined]

Generated = tuple[Proposal, DutyItem, bool, list[str]]


def random_proposal(rng: random.Random, ws: Workspace, n: int,
                    max_streets: int | None = None) -> Generated:
    """A proposal touching every field the rules read; (proposal, item, from catalogue,
    target streets)."""
    county = ws.county
    streets = list(county.streets)
    size = rng.randint(1, max_streets or len(streets))
    targets = sorted(rng.sample(streets, size), key=streets.index)
    dept = rng.choice(list(county.departments))
    from_catalogue = rng.random() < 0.25
    if from_catalogue:
        item = rng.choice(list(county.items.values()))
        dept = item.department
    else:
        item = DutyItem(
            id=f"G-{n}", name=f"生成事项{n}", department=dept,
            category=rng.choice(["comprehensive", "specialist", "assisting"]),
            phases=rng.sample(PHASES, rng.randint(1, 5)),
            powers=rng.sample(POWERS, rng.randint(0, 2)),
            legal_basis="测试依据", public_facing=rng.random() < 0.5,
            high_volume=rng.random() < 0.5, workload_days=rng.choice([0, 10, 60, 221, 300, 9000]))
    change = rng.choice(["admit", "admit", "recall", "revise"]) if from_catalogue else "admit"
    revision: dict[str, Any] | None = None
    if change == "revise":
        revision = {"category": rng.choice(["comprehensive", "specialist", "assisting"]),
                    "workload_days": rng.choice([0, 60, 300])}
        item = item.model_copy(update=revision)
    heard = [s for s in targets if rng.random() < 0.85]
    data: dict[str, Any] = {
        "schema_version": 1,
        "id": f"P-G-{n}",
        "title": "生成的申请",
        "department": dept,
        "streets": targets,
        "change": change,
        "mode": None if change == "recall" else rng.choice(["hand_over", "entrust", "assist"]),
        "item": {"ref": item.id},
        "revision": revision,
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
    if data["urgency"] == "temporary":
        data["ends"] = "2026-12-31"
    if change == "recall" and n % 4 == 0:  # a recall with a hand-over (no draw: same sequence)
        data.update(effective="2027-01-01", handover_until="2027-03-31")
    if change != "admit" and rng.random() < 0.4:  # a street asking for itself
        targets = targets[:1]
        data.update(streets=targets, requested_by=targets[0],
                    reasons=rng.sample(RETURN_REASONS, rng.choice([0, 1, 1, 2])),
                    department_opinion=rng.choice(
                        [None, "agree", "agree_with_conditions", "object"]))
    return Proposal.model_validate(data), item, from_catalogue, targets

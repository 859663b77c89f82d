"""Deciding per group of streets gives, byte for byte, the decision of one rule-engine pass
per street; the parts of a decision built without validation equal validated ones."""

from __future__ import annotations

import random

import pytest

from bench.generate import random_proposal
from bench.synthetic import synthetic_workspace
from engine.decide.evaluate import assemble, build_facts, decide, ruleset
from engine.loading.workspace import Workspace, load_workspace
from engine.models.decision import (
    Finding,
    Funding,
    Party,
    PhaseDuty,
    PowerSource,
    StreetDecision,
    built,
)


def _per_street(ws: Workspace, prop, item, from_catalogue, targets):  # type: ignore[no-untyped-def]
    facts = build_facts(ws, prop, item, from_catalogue, targets)
    return assemble(ws, prop, item, from_catalogue, targets, facts,
                    ruleset(ws.policy).evaluate(facts))


@pytest.mark.parametrize("county", ["sample", "synthetic"])
def test_grouped_decisions_are_those_of_one_pass_per_street(county: str) -> None:
    ws = load_workspace() if county == "sample" else synthetic_workspace(300, 40, odd_names=True)
    rng = random.Random(20261130)
    for n in range(150 if county == "sample" else 40):
        prop, item, from_catalogue, targets = random_proposal(rng, ws, n)
        grouped = decide(ws, prop, item, from_catalogue, targets)
        reference = _per_street(ws, prop, item, from_catalogue, targets)
        assert grouped == reference, prop.id
        assert grouped.model_dump_json() == reference.model_dump_json(), prop.id


def test_built_parts_equal_validated_ones() -> None:
    street = Party(kind="street", id="S01", name="街道")
    unit = Party(kind="unit", id="U1", name="派驻机构")
    funds = Funding(follows=True, payer="d", amount=10, per="task")
    values = {
        Party: {"kind": "street", "id": "S01", "name": "街道"},
        PhaseDuty: {"phase": "patrol", "party": unit},
        Finding: {"rule": "R", "title": "T", "effect": "reject", "street": None,
                  "message": "M", "basis": "B"},
        StreetDecision: {"street": "S01", "name": "街道", "verdict": "admitted",
                         "list": "basic", "primary": street, "cooperating": [unit],
                         "phases": [PhaseDuty(phase="patrol", party=street)],
                         "funding": funds,
                         "powers": [PowerSource(power="inspection", by="decision",
                                                basis="P-1", mode="entrust")],
                         "handover_until": "2027-03-31"},
        PowerSource: {"power": "penalty", "by": "grant", "basis": "省政府决定", "mode": None},
    }
    for cls, fields in values.items():
        fast = built(cls, **dict(reversed(fields.items())))  # the model's order is kept
        slow = cls.model_validate(fields)
        assert fast == slow
        assert fast.model_dump_json() == slow.model_dump_json()
        assert fast.model_fields_set == slow.model_fields_set
        copy = fast.model_copy(update={next(iter(fields)): fields[next(iter(fields))]})
        assert copy == fast and fast.model_fields_set == slow.model_fields_set
        with pytest.raises(TypeError):
            built(cls, **{k: v for k, v in list(fields.items())[1:]})
    with pytest.raises(ValueError):  # frozen all the same
        built(Party, kind="street", id="S01", name="街道").name = "x"  # type: ignore[misc]

"""The bundled sample proposals: golden decisions, and together every rule and verdict."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.api import evaluate_files
from engine.loading.workspace import load_workspace
from engine.paths import sample_proposals
from tests.conftest import run_cli

PROPOSALS = sorted(sample_proposals().glob("*.yaml"))


def test_there_are_at_least_twelve() -> None:
    assert len(PROPOSALS) >= 12


@pytest.mark.parametrize("path", PROPOSALS, ids=[p.stem for p in PROPOSALS])
def test_sample_decision_golden(path: Path, golden: Any) -> None:
    text = run_cli("evaluate", path)
    data = run_cli("evaluate", "--format", "json", path)
    assert text.code == 0 and data.code == 0, text.stderr
    golden(f"sample/{path.stem}.txt", text.stdout)
    golden(f"sample/{path.stem}.json", data.stdout)


def test_together_they_fire_every_rule_case_and_reach_every_verdict() -> None:
    ws = load_workspace()
    decisions = evaluate_files(PROPOSALS)
    fired = {f.rule for d in decisions for f in d.findings}
    assert fired == {r.id for r in ws.policy.rules}
    messages = {f.message for d in decisions for f in d.findings}
    for rule, cases in zip(ws.policy.rules, ws.policy.cases, strict=True):
        if len(cases) > 1:  # every case of a multi-case rule, told apart by its message
            for case in cases:
                head = case.message.split("{")[0][:12]
                assert any(m.startswith(head) for m in messages), (rule.id, head)
    verdicts = {d.verdict for d in decisions}
    assert verdicts == {"admitted", "admitted_with_conditions", "deferred", "returned",
                        "rejected", "not_applicable"}


def test_demo_output_is_deterministic() -> None:
    first = run_cli("evaluate", "--format", "json", *PROPOSALS)
    assert first.code == 0
    assert run_cli("evaluate", "--format", "json", *PROPOSALS).stdout == first.stdout
    assert len(json.loads(first.stdout)) == len(PROPOSALS)

"""The scenario library in scenarios/: one test per scenario, through the same comparison code
as `duty scenario run`, and the library as a whole covers every baseline rule and verdict."""

from __future__ import annotations

import functools
from typing import get_args

import pytest

from engine.render.scenario_out import describe
from engine.scenarios.coverage import coverage
from engine.scenarios.load import CountyCache, load_scenario
from engine.scenarios.run import ScenarioResult, discover, run_scenario
from engine.vocab import Verdict
from tests.conftest import ROOT

LIBRARY = discover([ROOT / "scenarios"])
_CACHE = CountyCache()


@functools.cache
def result(key: str) -> ScenarioResult:
    path = dict((k, p) for p, k in LIBRARY)[key]
    return run_scenario(load_scenario(path, key, _CACHE))


@pytest.mark.parametrize("key", [k for _, k in LIBRARY])
def test_scenario(key: str) -> None:
    r = result(key)
    differences = [describe(s, d) for s in r.steps for d in s.differences]
    assert not differences, f"{r.scenario.display}：\n" + "\n".join(differences)


def test_library_size_and_sources() -> None:
    assert len(LIBRARY) >= 30
    for path, key in LIBRARY:
        spec = result(key).scenario.spec
        assert spec.sources, f"{path} names no source document"
        assert len(spec.description) >= 30, f"{path} has too short a description"


def test_every_baseline_rule_fires() -> None:
    cov = coverage([result(k) for _, k in LIBRARY])
    baseline = [r.rule for r in cov.rules]
    assert len(baseline) >= 22
    assert cov.never_fired == []


def test_every_verdict_occurs() -> None:
    seen = {s.decision.verdict for _, k in LIBRARY for s in result(k).steps}
    seen |= {st.verdict for _, k in LIBRARY for s in result(k).steps for st in s.decision.streets}
    assert seen == set(get_args(Verdict))


def test_keys_are_unique_and_ascii() -> None:
    keys = [k for _, k in LIBRARY]
    assert len(set(keys)) == len(keys)
    assert all(k.isascii() for k in keys), "scenario file names become test ids: keep them ASCII"


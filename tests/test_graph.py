"""The department–street graph: typed nodes and edges, the rules' questions, its renderings."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from bench.synthetic import synthetic_workspace
from engine.lists.apply import what_if
from engine.loading.proposal import load_proposals
from engine.loading.workspace import Workspace, load_workspace
from tests.conftest import MINI, ROOT


def test_questions_the_rules_ask() -> None:
    g = load_workspace(MINI).graph
    assert g.unit_serving("market_regulation", "S02") == "mr-east"
    assert g.unit_serving("market_regulation", "S03") is None
    assert g.granted_powers("S01", "urban_management") == ["penalty", "compulsion", "inspection"]
    assert g.granted_powers("S02", "urban_management") == []
    assert "service_center" not in g.institutions("S04")


def test_typed_edges() -> None:
    g = load_workspace(MINI).graph
    types = {(u, v): d["type"] for u, v, d in g.g.edges(data=True)}
    assert types[("department:market_regulation", "unit:mr-east")] == "dispatches"
    assert types[("unit:mr-east", "street:S01")] == "stationed_in"
    assert types[("street:S01", "unit:mr-east")] == "coordinates"
    assert types[("street:S01", "unit:cg-squad-s01")] == "manages"


def test_graph_json_cli(cli: Any) -> None:
    run = cli("graph", "--county", MINI, "--format", "json")
    assert run.code == 0
    doc = json.loads(run.stdout)
    kinds = sorted({n["kind"] for n in doc["nodes"]})
    assert kinds == ["county", "department", "street", "unit"]
    assert {"source": "unit:mr-east", "target": "street:S02", "type": "stationed_in"} in doc[
        "edges"]


def test_graph_mermaid_and_dot_are_stable(cli: Any, golden: Any) -> None:
    for fmt in ("mermaid", "dot"):
        first = cli("graph", "--county", MINI, "--format", fmt)
        assert first.code == 0
        assert cli("graph", "--county", MINI, "--format", fmt).stdout == first.stdout
        golden(f"graph/mini.{fmt}", first.stdout)


@pytest.mark.parametrize("make", [
    lambda: load_workspace(),
    lambda: load_workspace(MINI),
    lambda: what_if(load_workspace(), load_proposals(
        sorted((ROOT / "duties" / "proposals").glob("*.yaml"))))[1],  # admissions, recalls
    lambda: synthetic_workspace(48, 70, seed=11),
], ids=["sample", "mini", "sample-after-proposals", "generated"])
def test_street_load_sums_the_listed_items(make: Callable[[], Workspace]) -> None:
    ws = make()
    expected = _summed_load(ws)
    assert {sid: ws.graph.street_load(sid) for sid in ws.county.streets} == expected
    assert any(expected.values())


def _summed_load(ws: Workspace) -> dict[str, int]:
    county = ws.county
    expected = dict.fromkeys(county.streets, 0)
    for item in county.items.values():
        for sid in county.listed_on(item):
            expected[sid] += item.workload_days
    return expected


def test_street_load_moves_with_each_proposal_applied() -> None:
    """Once known, the load is carried to the county each admitted proposal makes, moved by
    the items that changed (admissions, recalls, revisions); it stays the plain sum."""
    ws = load_workspace()
    ws.graph.street_load(next(iter(ws.county.streets)))
    seen = [_summed_load(ws)]
    changes = set()
    for source in load_proposals(sorted((ROOT / "duties" / "proposals").glob("*.yaml"))):
        decisions, ws = what_if(ws, [source])
        assert ws.graph._load is not None  # carried, not left to be summed again
        summed = _summed_load(ws)
        assert {sid: ws.graph.street_load(sid) for sid in ws.county.streets} == summed
        if summed != seen[-1]:
            changes.add(decisions[0].change)
        seen.append(summed)
    assert {"admit", "recall"} <= changes

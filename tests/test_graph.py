"""The department–street graph: typed nodes and edges, the rules' questions, its renderings."""

from __future__ import annotations

import json
from typing import Any

from engine.loading.workspace import load_workspace
from tests.conftest import MINI


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

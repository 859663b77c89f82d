"""The county graph as Mermaid, Graphviz DOT or JSON (node-link), in a stable order."""

from __future__ import annotations

import json
from typing import Any

from engine.graph import CountyGraph

_SHAPES = {"county": ("([", "])"), "department": ("[", "]"), "unit": ("[/", "/]"),
           "street": ("(", ")")}
_EDGE_LABELS = {"dispatches": "派出", "stationed_in": "派驻于", "manages": "管理",
                "coordinates": "统筹协调", "governs": "", "assigns": "交办", "funds": "经费"}


def _nodes(cg: CountyGraph) -> list[tuple[str, dict[str, Any]]]:
    return sorted(cg.g.nodes(data=True), key=lambda n: n[0])


def _edges(cg: CountyGraph) -> list[tuple[str, str, dict[str, Any]]]:
    return sorted(cg.g.edges(data=True),
                  key=lambda e: (e[0], e[1], e[2]["type"], str(e[2].get("item", ""))))


def _mermaid_ids(cg: CountyGraph) -> dict[str, str]:
    """One ASCII Mermaid id per node, one to one: n0, n1, … in the stable node order."""
    return {key: f"n{i}" for i, (key, _) in enumerate(_nodes(cg))}


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;")


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def to_mermaid(cg: CountyGraph) -> str:
    ids = _mermaid_ids(cg)
    lines = ["flowchart LR"]
    for key, data in _nodes(cg):
        left, right = _SHAPES[data["kind"]]
        lines.append(f'  {ids[key]}{left}"{_mermaid_text(data["name"])}"{right}')
    for u, v, data in _edges(cg):
        text = _EDGE_LABELS[data["type"]]
        arrow = f'-- "{text}" -->' if text else "-->"
        lines.append(f"  {ids[u]} {arrow} {ids[v]}")
    return "\n".join(lines) + "\n"


def to_dot(cg: CountyGraph) -> str:
    shapes = {"county": "doubleoctagon", "department": "box", "unit": "parallelogram",
              "street": "ellipse"}
    lines = ["digraph county {", "  rankdir=LR;"]
    for key, data in _nodes(cg):
        lines.append(f'  "{_dot_text(key)}" [label="{_dot_text(data["name"])}", '
                     f'shape={shapes[data["kind"]]}];')
    for u, v, data in _edges(cg):
        lines.append(f'  "{_dot_text(u)}" -> "{_dot_text(v)}" '
                     f'[label="{_EDGE_LABELS[data["type"]]}", type="{data["type"]}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_json(cg: CountyGraph) -> str:
    doc = {
        "nodes": [{"key": k, **d} for k, d in _nodes(cg)],
        "edges": [{"source": u, "target": v, **d} for u, v, d in _edges(cg)],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"mermaid": to_mermaid, "dot": to_dot, "json": to_json}

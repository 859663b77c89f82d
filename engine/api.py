"""The engine's entry points: one function per user-facing job (the CLI calls these)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from engine.decide.evaluate import evaluate
from engine.graph import CountyGraph
from engine.loading.proposal import load_proposal
from engine.loading.workspace import load_workspace
from engine.models.decision import Decision


def evaluate_files(paths: Sequence[Path], county_dir: Path | None = None) -> list[Decision]:
    """Evaluate proposal files against a county (default: the bundled sample county)."""
    ws = load_workspace(county_dir)
    return evaluate(ws, [load_proposal(p) for p in paths])


def county_graph(county_dir: Path | None = None) -> CountyGraph:
    return load_workspace(county_dir).graph

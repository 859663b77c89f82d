"""The house has floors: each engine package imports only packages on lower floors (none on
its own floor, none above), and no module imports itself round a circle. Imports made only for
type checking (under ``if TYPE_CHECKING:``) are names, not arrows, and do not count."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ENGINE = Path(__file__).resolve().parent.parent / "engine"

# lowest first; a package may import those on lower floors only
FLOORS: list[set[str]] = [
    {"labels"},
    {"vocab", "errors", "paths", "workdays", "treewriter", "collector"},
    {"models", "fileio", "store", "clock"},
    {"graph", "outdir"},
    {"rules"},
    {"loading"},
    {"decide"},
    {"lists"},
    {"staffing", "scenarios", "workflow"},
    {"who", "province"},
    {"render"},
    {"importing", "cli_words"},
    {"api"},
    {"web"},
    {"cli"},
]
FLOOR = {package: n for n, floor in enumerate(FLOORS) for package in floor}


def _modules() -> dict[str, Path]:
    out = {}
    for path in ENGINE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(ENGINE).with_suffix("").parts
        name = ".".join(("engine", *parts)).removesuffix(".__init__")
        out[name] = path
    return out


def _imports(path: Path) -> set[str]:
    """The engine modules a file imports (anywhere in it, type-checking blocks aside)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom) and node.module and \
                node.module.split(".")[0] == "engine":
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "engine")
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def _graph() -> nx.DiGraph:
    modules = _modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        for target in _imports(path):
            if target in modules and target != name:
                graph.add_edge(name, target)
    return graph


def _package(module: str) -> str:
    return module.split(".")[1] if module != "engine" else "engine"


def test_every_package_has_a_floor() -> None:
    packages = {_package(m) for m in _modules()} - {"engine"}
    assert packages == set(FLOOR), packages ^ set(FLOOR)


def test_no_import_runs_up_or_across_a_floor() -> None:
    wrong = sorted(
        f"{a} → {b}" for a, b in _graph().edges
        if _package(a) != _package(b) and "engine" not in (_package(a), _package(b))
        and FLOOR[_package(b)] >= FLOOR[_package(a)])
    assert wrong == []


def test_no_import_circle() -> None:
    graph = _graph()
    graph.remove_node("engine")  # the package's own __init__ names nothing
    cycles = list(nx.simple_cycles(graph))
    assert cycles == [], cycles[:5]

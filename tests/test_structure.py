"""The house has floors: each engine package imports only packages on lower floors (none on
its own floor, none above), and no module imports itself round a circle. Imports made only for
type checking (under ``if TYPE_CHECKING:``) are names, not arrows, and do not count. The
engine's errors speak no door's language, and no two of its classes share a name."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import networkx as nx

ENGINE = Path(__file__).resolve().parent.parent / "engine"

# lowest first; a package may import those on lower floors only
FLOORS: list[set[str]] = [
    {"labels"},
    {"vocab", "errors", "paths", "workdays", "treewriter", "collector", "times"},
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
    {"jobs"},
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


# the modules outside the store that read or write its tables: the admission workflow's one
# door (its steps and reads call it), accounts (Django's users, their roles and tokens) and
# the upgrade of a 0.1 database
ORM_DOORS = {"engine.workflow.repository", "engine.workflow.accounts", "engine.workflow.legacy"}
STORE_MODELS = ("engine.store.orm", "engine.store.records", "engine.store.models",
                "engine.store.admission", "engine.store.publication", "engine.store.accounts",
                "engine.store.jobs")


def test_only_the_repository_and_accounts_touch_the_store_models() -> None:
    found = sorted(name for name, path in _modules().items()
                   if not name.startswith("engine.store") and name not in ORM_DOORS
                   and any(i.startswith(STORE_MODELS) for i in _imports(path)))
    assert found == []


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


# the doors' own modules, which word their options themselves
DOORS = {"engine/cli.py", "engine/cli_words.py", "engine/web/serve.py", "engine/web/demo.py",
         "engine/store/manage.py"}
FLAG = re.compile(r"(?<![\w-])(--[a-z][a-z-]+|-[a-zA-Z](?![\w-]))")


def _strings(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant)
            and isinstance(n.value, str)]


def test_engine_errors_name_no_command_line_option() -> None:
    """An engine error's message and hint name no command-line option: each door adds its own
    words (the command line in ``engine/cli.py``'s ``_cli_words``)."""
    found = []
    for path in sorted(ENGINE.rglob("*.py")):
        rel = path.relative_to(ENGINE.parent).as_posix()
        if rel in DOORS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            parts = [*(node.args if name.endswith("Error") else []),
                     *(k.value for k in node.keywords if k.arg in ("hint", "message"))]
            found += [f"{rel}:{node.lineno}: {s}" for part in parts for s in _strings(part)
                      if FLAG.search(s)]
    assert found == []


# inner classes a framework looks up by name: each Django model's options are its class Meta
_FRAMEWORK_INNER = {"Meta"}


def test_each_class_name_is_defined_once() -> None:
    """Every class of the engine, top-level or nested, has a name no other class has: a name
    means one thing wherever it is read. Django's generated migrations do not count."""
    where: dict[str, list[str]] = {}
    for path in sorted(ENGINE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        rel = path.relative_to(ENGINE.parent).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        inner = {id(child) for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
                 for child in node.body if isinstance(child, ast.ClassDef)
                 and child.name in _FRAMEWORK_INNER}
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and id(node) not in inner:
                where.setdefault(node.name, []).append(f"{rel}:{node.lineno}")
    twice = sorted(f"{name}: {', '.join(places)}" for name, places in where.items()
                   if len(places) > 1)
    assert twice == [], "\n".join(twice)

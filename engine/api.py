"""The engine's entry points: one function per user-facing job (the CLI calls these).

Scenario and workflow modules are imported by the functions that use them, so a command
loads only what it needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from engine.decide.evaluate import evaluate
from engine.errors import UsageError, did_you_mean
from engine.graph import CountyGraph
from engine.lists.apply import what_if, with_admitted
from engine.loading.proposal import load_proposals
from engine.loading.workspace import Workspace, load_workspace
from engine.models.decision import Decision
from engine.paths import sample_county

if TYPE_CHECKING:
    from engine.lists.check import Problem
    from engine.lists.diff import ListsDiff
    from engine.lists.plan import ListPlan
    from engine.models.lists import CountyLists
    from engine.scenarios.coverage import Coverage
    from engine.scenarios.run import ScenarioResult
    from engine.workflow.service import Workflow


def county_workspace(county_dir: Path | None = None) -> Workspace:
    """A county with the proposals it has admitted (``admitted/``) applied."""
    directory = Path(county_dir) if county_dir is not None else sample_county()
    return with_admitted(load_workspace(directory), directory)


def evaluate_files(paths: Sequence[Path], county_dir: Path | None = None) -> list[Decision]:
    """Evaluate proposal files against a county (default: the bundled sample county)."""
    ws = county_workspace(county_dir)
    return evaluate(ws, load_proposals(paths))


def county_graph(county_dir: Path | None = None) -> CountyGraph:
    return county_workspace(county_dir).graph


def lists_diff(proposals: Sequence[Path], county_dir: Path | None = None,
               other_dir: Path | None = None) -> tuple[list[Decision], ListsDiff]:
    """The lists before and after: admitting ``proposals`` in order (what-if), or the county
    in ``other_dir`` (a revision). The decisions are those of the what-if."""
    from engine.lists.diff import diff_plans
    from engine.lists.plan import ListPlan

    ws = county_workspace(county_dir)
    if other_dir is not None:
        return [], diff_plans(ListPlan(ws), ListPlan(county_workspace(other_dir)))
    decisions, after = what_if(ws, load_proposals(proposals))
    return decisions, diff_plans(ListPlan(ws), ListPlan(after))


def check(county_dir: Path | None = None) -> tuple[str, list[Problem]]:
    """The county's name and what is wrong with its lists (empty when clean)."""
    from engine.lists.check import check_county

    ws = county_workspace(county_dir)
    return ws.county.name, check_county(ws)


def county_lists(county_dir: Path | None = None, street: str | None = None,
                 department: str | None = None, version: int | None = None,
                 db: Path | None = None) -> tuple[CountyLists, dict[str, str]]:
    """The county's lists (or those published as ``version`` in the store ``db``), narrowed
    to one street or one department when asked; with the Chinese names for rendering."""
    from engine.lists.build import build_lists

    if version is None:
        ws = county_workspace(county_dir)
        lists, names = build_lists(ws), ws.names
    else:
        from engine.workflow.versions import version_lists

        lists, names = version_lists(db or Path("duty.db"), version)
    streets = [s.street for s in lists.streets]
    departments = [d.department for d in lists.departments]
    for value, known, what, option in ((street, streets, "街道", "--street"),
                                       (department, departments, "部门", "--department")):
        if value is not None and value not in known:
            raise UsageError(f"{option}：未知的{what} “{value}”",
                             hint=did_you_mean(value, known))
    if street is not None:
        lists = lists.model_copy(update={
            "streets": [s for s in lists.streets if s.street == street], "departments": []})
    elif department is not None:
        lists = lists.model_copy(update={
            "streets": [], "departments": [d for d in lists.departments
                                           if d.department == department]})
    return lists, names


def county_plan(county_dir: Path | None = None) -> tuple[ListPlan, dict[str, str]]:
    """Every list of the county as templates (to write them one file at a time), with the
    Chinese names for rendering."""
    from engine.lists.plan import ListPlan

    ws = county_workspace(county_dir)
    return ListPlan(ws), ws.names


def compile_county(county_dir: Path | None = None) -> tuple[str, int, int]:
    """Check a county from its YAML and write its snapshot; the snapshot's path as shown to
    the user, and the county's numbers of streets and items."""
    from engine.loading.snapshot import display_path
    from engine.loading.workspace import compile_workspace

    ws, path = compile_workspace(Path(county_dir) if county_dir is not None else sample_county())
    return display_path(path), len(ws.county.streets), len(ws.county.items)


def run_scenarios(paths: Sequence[Path], pattern: str | None = None,
                  with_coverage: bool = False,
                  with_diffs: bool = False) -> tuple[list[ScenarioResult], Coverage | None]:
    """Run the scenarios in the given files and folders (default: ``scenarios/``) whose key
    contains ``pattern``; with rule coverage and the lists diff of applied steps if asked."""
    from engine.scenarios.coverage import coverage
    from engine.scenarios.run import discover, load_all, run_all, select

    if not paths:
        if not Path("scenarios").is_dir():
            raise UsageError("当前目录下没有 scenarios/ 目录",
                             hint="给出情景文件或目录，例如 duty scenario run my-scenarios/")
        paths = [Path("scenarios")]
    found = select(discover(paths), pattern)
    if not found:
        raise UsageError("没有找到情景文件" + (f"（-k {pattern} 没有匹配）" if pattern else ""),
                         hint="情景文件是 .yaml 文件；-k 按文件路径（不含扩展名）的片段筛选。")
    results = run_all(load_all(found), with_diffs)
    return results, coverage(results) if with_coverage else None


def workflow(county_dir: Path | None, db: Path, actor: str | None) -> Workflow:
    """The admission process on the store ``db`` for a county, acting as ``actor``."""
    from engine.workflow.service import Workflow

    return Workflow(county_workspace(county_dir), db, actor)


def versions_diff(db: Path, old: int, new: int) -> ListsDiff:
    """What changed in the lists between two published versions."""
    from engine.lists.diff import diff_lists
    from engine.workflow.versions import version_lists

    return diff_lists(version_lists(db, old)[0], version_lists(db, new)[0])

"""The engine's entry points: one function per user-facing job (the CLI calls these)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from engine.decide.evaluate import evaluate
from engine.errors import DataError, DataErrors, UsageError, did_you_mean
from engine.graph import CountyGraph
from engine.lists.apply import what_if
from engine.lists.build import build_lists
from engine.lists.check import Problem, check_county
from engine.lists.diff import ListsDiff, diff_lists
from engine.loading.proposal import ProposalSource, load_proposal
from engine.loading.workspace import Workspace, load_workspace
from engine.models.decision import Decision
from engine.models.lists import CountyLists
from engine.paths import sample_county


def county_workspace(county_dir: Path | None = None) -> Workspace:
    """A county with the proposals it has admitted (``admitted/*.yaml``, in file-name order)
    applied: their items sit on the lists of the streets that admitted them."""
    ws = load_workspace(county_dir)
    admitted = Path(county_dir if county_dir is not None else sample_county()) / "admitted"
    if not admitted.is_dir():
        return ws
    paths = sorted([*admitted.glob("*.yaml"), *admitted.glob("*.yml")])
    return what_if(ws, _load_all(paths))[1]


def evaluate_files(paths: Sequence[Path], county_dir: Path | None = None) -> list[Decision]:
    """Evaluate proposal files against a county (default: the bundled sample county)."""
    ws = county_workspace(county_dir)
    return evaluate(ws, _load_all(paths))


def _load_all(paths: Sequence[Path]) -> list[ProposalSource]:
    """Every proposal file, or every error in them at once (then none is evaluated)."""
    sources, errors = [], []
    for path in paths:
        try:
            sources.append(load_proposal(path))
        except DataErrors as exc:
            errors += exc.errors
        except DataError as exc:
            errors.append(exc)
    seen: dict[str, str] = {}
    for src in sources:
        first = seen.setdefault(src.proposal.id, src.doc.display)
        if first != src.doc.display:
            errors.append(DataError(f"申请编号 “{src.proposal.id}” 与 {first} 重复",
                                    location=src.doc.location(("id",)), code="E-DUP"))
    if errors:
        raise DataErrors(errors)
    return sources


def county_graph(county_dir: Path | None = None) -> CountyGraph:
    return county_workspace(county_dir).graph


def lists_diff(proposals: Sequence[Path], county_dir: Path | None = None,
               other_dir: Path | None = None) -> tuple[list[Decision], ListsDiff]:
    """The lists before and after: admitting ``proposals`` in order (what-if), or the county
    in ``other_dir`` (a revision). The decisions are those of the what-if."""
    ws = county_workspace(county_dir)
    if other_dir is not None:
        return [], diff_lists(build_lists(ws), build_lists(county_workspace(other_dir)))
    decisions, after = what_if(ws, _load_all(proposals))
    return decisions, diff_lists(build_lists(ws), build_lists(after))


def check(county_dir: Path | None = None) -> tuple[str, list[Problem]]:
    """The county's name and what is wrong with its lists (empty when clean)."""
    ws = county_workspace(county_dir)
    return ws.county.name, check_county(ws)


def county_lists(county_dir: Path | None = None, street: str | None = None,
                 department: str | None = None) -> tuple[CountyLists, dict[str, str]]:
    """The county's lists, narrowed to one street or one department when asked; with the
    Chinese names of departments, units and streets for rendering."""
    ws = county_workspace(county_dir)
    for value, known, what, option in ((street, ws.county.streets, "街道", "--street"),
                                       (department, ws.county.departments, "部门",
                                        "--department")):
        if value is not None and value not in known:
            raise UsageError(f"{option}：未知的{what} “{value}”",
                             hint=did_you_mean(value, known))
    lists = build_lists(ws)
    if street is not None:
        lists = lists.model_copy(update={
            "streets": [s for s in lists.streets if s.street == street], "departments": []})
    elif department is not None:
        lists = lists.model_copy(update={
            "streets": [], "departments": [d for d in lists.departments
                                           if d.department == department]})
    return lists, ws.names

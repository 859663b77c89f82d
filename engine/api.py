"""The engine's entry points: one function per user-facing job (the CLI calls these).

Scenario and workflow modules are imported by the functions that use them, so a command
loads only what it needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from engine.collector import paused
from engine.decide.evaluate import evaluate
from engine.errors import (
    ChoiceError,
    ConflictError,
    NoScenariosError,
    did_you_mean,
)
from engine.graph import CountyGraph
from engine.lists.apply import what_if, with_admitted
from engine.loading.proposal import ProposalSource, load_proposals
from engine.loading.workspace import Workspace, load_workspace
from engine.models.decision import Decision
from engine.paths import sample_county
from engine.store.config import StoreTarget, store_target

if TYPE_CHECKING:
    from engine.importing.catalogue import Upload
    from engine.importing.columns import MapFile
    from engine.importing.county import ImportPreview
    from engine.lists.check import ListProblem
    from engine.lists.diff import ListsDiff
    from engine.lists.plan import ListPlan
    from engine.models.lists import CountyLists, ListSource
    from engine.scenarios.coverage import Coverage
    from engine.scenarios.run import ScenarioResult
    from engine.store.session import Store
    from engine.workflow.roles import Actor, Clock
    from engine.workflow.service import AdmissionService
    from engine.workflow.views import StoreInfo


def county_workspace(county_dir: Path | None = None) -> Workspace:
    """A county with the proposals it has admitted (``admitted/``) applied."""
    directory = Path(county_dir) if county_dir is not None else sample_county()
    with paused():  # a large tree of new objects: the collector would rescan it over and over
        return with_admitted(load_workspace(directory), directory)


def evaluate_files(paths: Sequence[Path], county_dir: Path | None = None,
                   ws: Workspace | None = None) -> list[Decision]:
    """Evaluate proposal files against a county (default: the bundled sample county), or
    against ``ws``, a county already loaded (for instance as a store published it)."""
    return evaluate_sources(load_proposals(paths), ws or county_workspace(county_dir))


def evaluate_sources(sources: Sequence[ProposalSource], ws: Workspace) -> list[Decision]:
    """Evaluate proposals already loaded against a loaded county."""
    return evaluate(ws, sources)


def county_graph(county_dir: Path | None = None) -> CountyGraph:
    return county_workspace(county_dir).graph


def lists_diff(proposals: Sequence[Path], county_dir: Path | None = None,
               other_dir: Path | None = None,
               ws: Workspace | None = None) -> tuple[list[Decision], ListsDiff]:
    """The lists before and after: admitting ``proposals`` in order (what-if), or the county
    in ``other_dir`` (a revision). The decisions are those of the what-if."""
    from engine.lists.diff import diff_plans
    from engine.lists.plan import ListPlan

    ws = ws or county_workspace(county_dir)
    if other_dir is not None:
        return [], diff_plans(ListPlan(ws), ListPlan(county_workspace(other_dir)))
    decisions, after = what_if(ws, load_proposals(proposals))
    return decisions, diff_plans(ListPlan(ws), ListPlan(after))


def check(county_dir: Path | None = None,
          ws: Workspace | None = None) -> tuple[str, list[ListProblem]]:
    """The county's name and what is wrong with its lists (empty when clean)."""
    from engine.lists.check import check_county

    ws = ws or county_workspace(county_dir)
    return ws.county.name, check_county(ws)


def county_lists(county_dir: Path | None = None, street: str | None = None,
                 department: str | None = None, version: int | None = None,
                 target: StoreTarget | None = None,
                 ws: Workspace | None = None) -> tuple[CountyLists, dict[str, str]]:
    """The county's lists (or those published as ``version`` in the store ``target``),
    narrowed to one street or one department when asked; with the Chinese names."""
    from engine.lists.plan import ListPlan

    if version is None:  # only the lists asked for are made
        ws = ws or county_workspace(county_dir)
        names, county = ws.names, ws.county
        sample_county = county_dir is None
        street = known_id(street, {k: s.name for k, s in county.streets.items()}, "街道",
                          "street", sample_county)
        department = known_id(department, {k: d.name for k, d in county.departments.items()},
                              "部门", "department", sample_county)
        return ListPlan(ws).county_lists(street, department), names
    from engine.store.session import close, open_store
    from engine.workflow.versions import PublishedVersion
    from engine.workflow.versions import version_lists as whole

    store = open_store(target or store_target())
    try:
        published = PublishedVersion(store, version)
        names = published.names
        street = known_id(street, {s: names.get(s, s) for s in published.streets}, "街道",
                          "street")
        department = known_id(department, {d: names.get(d, d) for d in published.departments},
                              "部门", "department")
        if street is None and department is None:
            return whole(store, version)
        return published.lists(store, [street] if street else [],
                               [department] if department else []), names
    finally:
        close(store)


def county_plan(county_dir: Path | None = None,
                ws: Workspace | None = None) -> tuple[ListPlan, dict[str, str]]:
    """Every list of the county (or of ``ws``, a county already loaded) as templates, to
    write them one file at a time, with the Chinese names for rendering."""
    from engine.lists.plan import ListPlan

    ws = ws or county_workspace(county_dir)
    return ListPlan(ws), ws.names


def compile_county(county_dir: Path | None = None) -> tuple[str, int, int]:
    """Check a county from its YAML and write its snapshot; the snapshot's path as shown to
    the user, and the county's numbers of streets and items."""
    from engine.loading.snapshot import display_path
    from engine.loading.workspace import compile_workspace

    with paused():  # as in ``county_workspace``
        ws, path = compile_workspace(Path(county_dir) if county_dir is not None
                                     else sample_county())
    return display_path(path), len(ws.county.streets), len(ws.county.items)


def by_name(value: str | None, known: dict[str, str], what: str, field: str) -> str | None:
    """An id given for ``field`` as itself or as the Chinese name of exactly one entry of
    ``known`` (id → name); anything else is returned as given, for the caller to judge. A name
    several entries share is an error (``ChoiceError``, reason ambiguous) that each door words
    with its own name of the field."""
    if value is None or value in known:
        return value
    named = [i for i, name in known.items() if name == value.strip()]
    if len(named) > 1:
        raise ChoiceError(f"名称 “{value}” 对应多个{what}（{'、'.join(named)}）",
                          field=field, value=value, reason="ambiguous", matches=named,
                          hint="名称不唯一时请写编号。")
    return named[0] if named else value


def known_id(value: str | None, known: dict[str, str], what: str, field: str,
             sample_county: bool = False) -> str | None:
    """``value`` as an id of ``known`` (given as the id or the unique Chinese name); one error
    (``ChoiceError``), with its hint, for anything else — the same in every command that takes
    it. ``sample_county``: ``known`` is the bundled sample county's, no county being named."""
    ident = by_name(value, known, what, field)
    if ident is None or ident in known:
        return ident
    raise ChoiceError(f"未知的{what} “{ident}”", field=field, value=ident, reason="unknown",
                      sample_county=sample_county,
                      hint=did_you_mean(ident, [*known, *known.values()]))


def run_scenarios(paths: Sequence[Path], pattern: str | None = None,
                  with_coverage: bool = False, with_diffs: bool = False,
                  progress: Callable[[int, int], None] | None = None,
                  ) -> tuple[list[ScenarioResult], Coverage | None]:
    """Run the scenarios in the given files and folders (default: ``scenarios/``) whose key
    contains ``pattern``; with rule coverage and the lists diff of applied steps if asked."""
    from engine.scenarios.coverage import coverage
    from engine.scenarios.run import discover, load_all, run_all, select

    if not paths:
        if not Path("scenarios").is_dir():
            raise NoScenariosError("当前目录下没有 scenarios/ 目录", pattern=None,
                                   hint="给出情景文件或目录。")
        paths = [Path("scenarios")]
    found = select(discover(paths), pattern)
    if not found:
        raise NoScenariosError("没有找到情景文件", pattern=pattern,
                               hint="情景文件是 .yaml 文件。")
    from engine.clock import Clock

    # steps without their own as_of are read today, by the one clock of both doors
    results = run_all(load_all(found), with_diffs, progress,
                      Clock.from_environment().now.date())
    return results, coverage(results) if with_coverage else None


def open_workflow(county_dir: Path | None, target: StoreTarget) -> AdmissionService:
    """The admission service on an existing store for a county: how both doors open it (the
    caller closes its store)."""
    from engine.workflow.stores import open_service

    return open_service(county_workspace(county_dir), target)


@contextmanager
def workflow(county_dir: Path | None, target: StoreTarget) -> Iterator[AdmissionService]:
    """The admission service on an existing store for a county (closed afterwards)."""
    from engine.store.session import close

    service = open_workflow(county_dir, target)
    try:
        yield service
    finally:
        close(service.store)


def init_store(county_dir: Path | None, target: StoreTarget, *, local: bool,
               rehearsal: bool, clock: Clock) -> StoreInfo:
    from engine.workflow.stores import init_store as init

    return init(county_workspace(county_dir), target, local=local, rehearsal=rehearsal,
                clock=clock)


def migrate_counties(target: StoreTarget) -> list[tuple[StoreTarget, list[str]]]:
    """Every county of a PostgreSQL database holding many, migrated in turn (the first error
    stops, the counties before it migrated): each county's store and what was applied."""
    from engine.store.session import many_counties

    return [(each, migrate_store(each)) for each in
            (target.for_county(county) for county in many_counties(target))]


def migrate_store(target: StoreTarget) -> list[str]:
    """Bring the store's schema up to this program's: the one step that migrates a store
    (every other command refuses a store that is behind). The migrations applied, in order
    (none when it is current)."""
    from engine.store.session import close, open_store

    store = open_store(target, migrating=True)
    try:
        return store.migrated
    finally:
        close(store)


@contextmanager
def keyed_store(target: StoreTarget) -> Iterator[Store]:
    """An existing store with its audit key (for accounts and verification)."""
    from engine.store.session import close
    from engine.workflow.stores import open_keyed

    store = open_keyed(target)
    try:
        yield store
    finally:
        close(store)


def published_workspace(county_dir: Path | None, target: StoreTarget | None,
                        explicit: bool, as_of: date | None = None,
                        reading: date | None = None) -> tuple[Workspace, ListSource | None]:
    """The county as the store named by the caller (``explicit``) last published it, with
    the version and its audit anchor as documents print them; the county directory as it is
    (and None) when no store is named. A store is never picked up because a file of the
    default name happens to lie in the working directory. ``as_of``: with a store, the county
    as the version in force on that day left it. ``reading``: the day the county is read on
    (``engine.loading.dated``: only items, grants and decisions in force then count)."""
    from engine.loading.dated import at_date

    ws, source = _published_workspace(county_dir, target, explicit, as_of)
    return at_date(ws, reading), source


def _published_workspace(county_dir: Path | None, target: StoreTarget | None,
                         explicit: bool, as_of: date | None
                         ) -> tuple[Workspace, ListSource | None]:
    ws = county_workspace(county_dir)
    if not explicit:
        return ws, None
    target = target or store_target()
    from engine.store.session import close, open_store
    from engine.workflow.service import AdmissionService

    store = open_store(target)
    try:
        if store.county != ws.county.name or \
                store.meta.get("county_code", ws.county.code) != ws.county.code:
            raise ConflictError(f"数据库 {target.shown} 属于 “{store.county}”，"
                                f"不是 “{ws.county.name}”", subject="county",
                                stored=store.county, given=ws.county.name)
        from engine.workflow.versions import version_as_of, version_source

        wanted = None if as_of is None else version_as_of(store, as_of)
        current, number = AdmissionService(ws, store).published(wanted)
        return current, version_source(store, number)
    finally:
        close(store)


def version_lists(target: StoreTarget, number: int) -> tuple[CountyLists, dict[str, str]]:
    """The lists published as version ``number`` (0: the lists when the store was created),
    with the names needed to render them."""
    from engine.store.session import close, open_store
    from engine.workflow.versions import version_lists as read

    store = open_store(target)
    try:
        return read(store, number)
    finally:
        close(store)


def version_on(target: StoreTarget, day: date) -> int:
    """The number of the version of the lists in force on ``day``."""
    from engine.store.session import close, open_store
    from engine.workflow.versions import version_as_of

    store = open_store(target)
    try:
        return version_as_of(store, day)
    finally:
        close(store)


def version_anchor(target: StoreTarget, number: int) -> ListSource:
    """Which published version, when, and the audit anchor of its publication."""
    from engine.store.session import close, open_store
    from engine.workflow.versions import version_source

    store = open_store(target)
    try:
        return version_source(store, number)
    finally:
        close(store)


def versions_diff(target: StoreTarget, old: int, new: int) -> ListsDiff:
    """What changed in the lists between two published versions (only the streets whose
    lists changed are read)."""
    from engine.workflow.versions import PublishedVersion, published_diff

    with keyed_store(target) as store:  # the totals kept with each version are sealed
        return published_diff(store, PublishedVersion(store, old), PublishedVersion(store, new))


def import_preview(service: AdmissionService, actor: Actor, uploads: Sequence[Upload],
                   mapping: MapFile | None) -> ImportPreview:
    """What importing workbooks received whole would make of the county ``service`` serves:
    the importer's report item by item and what it changes (nothing stored); the office's."""
    from engine.importing.county import preview

    return preview(service, actor, uploads, mapping)


def import_apply(service: AdmissionService, actor: Actor, clock: Clock,
                 uploads: Sequence[Upload], mapping: MapFile | None, seen: str,
                 revision: str, detail: dict[str, object]) -> int:
    """Put the import previewed (``seen``, on the county revision ``revision``) in place of
    the served county's catalogue, recorded in the audit chain; the entry's number."""
    from engine.importing.county import apply

    return apply(service, actor, clock, uploads, mapping, seen, revision, detail)

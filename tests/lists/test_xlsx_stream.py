"""Street workbooks made once per class of streets and filled per street are, byte for byte,
what openpyxl writes for each street's own lists (``render_tree`` of the reference lists).

Counties: the sample county, the mini county, a generated county with every kind of street
and names that formats escape, the same with names that would change a sheet's name or be
kept with their spaces and units of very different name widths, and the two shapes of the
national bench's counties (streets in classes, and almost every street its own).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.county_gen import write_county
from bench.synthetic import synthetic_workspace
from engine.graph import build_graph
from engine.lists.plan import ListPlan
from engine.lists.street_json import StandIns
from engine.loading.workspace import Workspace, load_workspace
from engine.models.lists import CountyLists, ListSource
from engine.render import lists_xlsx_stream
from engine.render.lists_files import render_tree
from engine.render.lists_stream import lists_tree
from tests import reference_lists as reference
from tests.conftest import MINI

STREET_NAMES = ["路/桥街道", " 前后有空格街道 ", "名称" + "很长" * 10 + "的街道", "奥'街道",
                "=公式街道", "A", "窄"]
UNIT_NAMES = ["所", "一个名称相当长的派驻机构用来撑宽列宽的派驻机构名称", "Unit ascii", "窄所"]


def _awkward() -> Workspace:
    """The generated county with streets and units renamed to test every refusal and the
    columns' widths."""
    ws = synthetic_workspace(36, 60, seed=3)
    county = ws.county
    streets = dict(county.streets)
    for sid, name in zip(list(streets)[1::4], STREET_NAMES, strict=False):
        streets[sid] = streets[sid].model_copy(update={"name": name})
    units = dict(county.units)
    for uid, name in zip(list(units)[::3], UNIT_NAMES * 10, strict=False):
        units[uid] = units[uid].model_copy(update={"name": name})
    last = list(units)[-1]  # a side kept with its spaces: its streets are built on their own
    units[last] = units[last].model_copy(update={"name": " 空格所"})
    changed = county.model_copy(update={"streets": streets, "units": units})
    return Workspace(changed, ws.policy, build_graph(changed))


def _bench(tmp: Path, varied: bool) -> Workspace:
    write_county(tmp / "county", 40, 120, varied=varied)
    return load_workspace(tmp / "county")


COUNTIES = ["sample", "mini", "generated", "awkward", "bench-shared", "bench-varied"]


@pytest.fixture(scope="module", params=COUNTIES)
def county(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Workspace, object]:
    name = request.param
    if name.startswith("bench-"):
        ws = _bench(tmp_path_factory.mktemp("county"), varied=name == "bench-varied")
    else:
        ws = {"sample": load_workspace, "mini": lambda: load_workspace(MINI),
              "generated": lambda: synthetic_workspace(48, 70, seed=11, odd_names=True),
              "awkward": _awkward}[name]()
    return name, ws, reference.build_lists(ws)


def test_workbooks_filled_per_street_are_byte_identical(
        county: tuple[str, Workspace, object]) -> None:
    """Every class built once (or put together from pieces) and filled per street; with the
    codes and rules and a published version's title block too."""
    name, ws, ref = county
    source = ListSource(version=7, published="2026-06-30", anchor="12:ab")
    for src, with_rules in [(None, False), (source, True)] if name != "awkward" else [(None,
                                                                                         False)]:
        streamed = list(lists_tree(ListPlan(ws), ws.names, "xlsx", src, with_rules))
        assert len(streamed) == len({path for path, _ in streamed})
        assert reference.encoded(streamed) == reference.encoded(
            render_tree(ref, ws.names, "xlsx", src, with_rules))  # type: ignore[arg-type]


def test_names_that_cannot_be_put_in_are_refused() -> None:
    """The names the awkward county gives its first streets are each refused (those
    streets are built from their own lists); most others are filled."""
    ws = _awkward()
    plan = ListPlan(ws)
    books = lists_xlsx_stream.XlsxStreets(lists_stream_stand_ins(plan), _base(plan),
                                          ws.names, None, False)
    filled = {}
    for members in plan.street_classes():
        fill = books.stencil(members)
        filled.update((sid, fill(sid) is not None) for sid in members)
    by_name = {ws.county.streets[sid].name: ok for sid, ok in filled.items()}
    assert not any(by_name[n] for n in STREET_NAMES[:5])
    assert sum(filled.values()) > len(filled) / 3, sum(filled.values())


def lists_stream_stand_ins(plan: ListPlan) -> StandIns:
    from engine.render.lists_stream import _StandIns

    return _StandIns(plan)


def _base(plan: ListPlan) -> CountyLists:
    return CountyLists.model_construct(county=plan.county.name, policy=plan.ws.policy.hash,
                                       streets=[], departments=[])


def test_department_ledgers_put_together_row_by_row() -> None:
    """On the sample county every department owed funds has its workbook put together from
    its ledger's row (the others through openpyxl), byte for byte as openpyxl writes it."""
    from engine.render.lists_files import render_lists

    ws = load_workspace()
    plan = ListPlan(ws)
    base = _base(plan)
    books = lists_xlsx_stream.XlsxStreets(lists_stream_stand_ins(plan), base, ws.names,
                                          None, False)
    made = 0
    for d in plan.departments():
        lists = base.model_copy(update={"departments": [d]})
        content = books.department(lists)
        assert (content is not None) == bool(d.funding_owed)
        if content is not None:
            made += 1
            assert content == render_lists(lists, ws.names, "xlsx")
    assert made > 20


def test_most_classes_of_a_varied_county_are_put_together_from_pieces(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where almost every street is its own class, most classes' workbooks are put together
    from the pieces of those built before (their bytes are checked above)."""
    ws = _bench(tmp_path, varied=True)
    plan = ListPlan(ws)
    assert len(list(plan.street_classes())) > len(plan.streets) * 0.9
    found: list[bool] = []
    real = lists_xlsx_stream._Pieces.get

    def counted(self: object, *args: object) -> object:
        made = real(self, *args)  # type: ignore[arg-type]
        found.append(made is not None)
        return made

    monkeypatch.setattr(lists_xlsx_stream._Pieces, "get", counted)
    books = lists_xlsx_stream.XlsxStreets(lists_stream_stand_ins(plan), _base(plan),
                                          ws.names, None, False)
    for members in plan.street_classes():
        books.stencil(members)
    assert sum(found) > len(found) / 2, found


@pytest.mark.parametrize("fmt", ["xlsx", "md"])
def test_without_a_second_process_every_file_is_made_once(
        fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where there is no ``fork`` this process makes every file (the classes it has made
    already are not made again), the same bytes."""
    from engine.render import lists_stream

    ws = load_workspace(MINI)
    monkeypatch.delattr(lists_stream.os, "fork")
    streamed = list(lists_tree(ListPlan(ws), ws.names, fmt))
    assert len(streamed) == len({path for path, _ in streamed})
    assert reference.encoded(streamed) == reference.encoded(
        render_tree(reference.build_lists(ws), ws.names, fmt))

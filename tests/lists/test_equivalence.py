"""The grouped builder gives, byte for byte, what deciding every street on its own gives.

The reference (``tests.reference_lists``) places each item on every street it applies to and
makes each row from that street's own decision. The engine decides once per street profile
and fills row templates; documents, file trees (written one file at a time), `duty check` and
`duty lists diff` must come out the same on the sample county, the mini county, the sample
county after its bundled proposals (admissions, recalls, revisions), a generated county with
every kind of street (odd names included), and one whose policy reads the street's name.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.county_gen import write_county
from bench.synthetic import synthetic_workspace
from engine.graph import build_graph
from engine.lists.apply import what_if
from engine.lists.build import build_lists
from engine.lists.check import check_county
from engine.lists.diff import diff_lists, diff_plans
from engine.lists.plan import ListPlan
from engine.lists.street_json import StreetJson
from engine.lists.summary import Summing, catalogue_of, summarise, summed
from engine.loading.policy import load_policy
from engine.loading.proposal import load_proposals
from engine.loading.workspace import Workspace, load_workspace
from engine.models.county import GrantedPower
from engine.models.lists import ListSource
from engine.render import lists_stream
from engine.render.lists_files import FORMATS, render_lists, render_tree
from engine.render.lists_stream import lists_tree
from engine.rules.profile import StreetProfiles, fields_read, street_inputs
from tests import reference_lists as reference
from tests.conftest import MINI, ROOT, write_yaml

NAME_PACK = {
    "schema_version": 1, "id": "by-name", "version": 1, "title": "按街道名称的规则",
    "rules": [{
        "id": "LOCAL-NAME", "title": "指定街道另行提示", "scope": "street",
        "when": {"fact": "street_name", "eq": "第1省街道00002"}, "effect": "note",
        "message": "该街道另有安排。", "citation": {"document": "测试文件", "clause": "一"}}],
}


def _generated() -> Workspace:
    return synthetic_workspace(48, 70, seed=11, odd_names=True)


def _after_proposals() -> Workspace:
    paths = sorted((ROOT / "duties" / "proposals").glob("*.yaml"))
    return what_if(load_workspace(), load_proposals(paths))[1]


def _reading_names(tmp: Path) -> Workspace:
    ws = synthetic_workspace(24, 40, seed=5)
    pack = write_yaml(tmp / "by-name.yaml", NAME_PACK)
    return Workspace(ws.county, load_policy(["baseline", str(pack)]), build_graph(ws.county))


COUNTIES = {
    "sample": load_workspace,
    "mini": lambda: load_workspace(MINI),
    "sample-after-proposals": _after_proposals,
    "generated": _generated,
}


@pytest.fixture(scope="module", params=[*COUNTIES, "reads-street-name"])
def county(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> County:
    if request.param == "reads-street-name":
        ws = _reading_names(tmp_path_factory.mktemp("pack"))
    else:
        ws = COUNTIES[request.param]()
    return request.param, ws, reference.build_lists(ws)


County = tuple[str, Workspace, object]


def _slow(name: str, fmt: str) -> bool:
    """Workbooks are rendered by the same code either way, and slowly: the mini county's
    and the sample county's are enough."""
    return fmt == "xlsx" and name not in ("mini", "sample")


def test_the_lists_are_those_of_the_reference(county: County) -> None:
    _, ws, ref = county
    assert build_lists(ws) == ref


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_document_is_byte_identical(county: County, fmt: str) -> None:
    name, ws, ref = county
    if _slow(name, fmt):
        pytest.skip("workbook of a generated county")
    assert render_lists(build_lists(ws), ws.names, fmt) == render_lists(ref, ws.names, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_file_written_one_at_a_time_is_byte_identical(county: County, fmt: str) -> None:
    name, ws, ref = county
    if _slow(name, fmt) or (fmt == "xlsx" and name == "sample"):
        pytest.skip("workbooks of a generated county")
    streamed = list(lists_tree(ListPlan(ws), ws.names, fmt))
    assert len(streamed) == len({path for path, _ in streamed})  # no file twice
    assert reference.encoded(streamed) == reference.encoded(render_tree(ref, ws.names, fmt))


@pytest.mark.parametrize("fmt", ["md", "csv", "html", "json"])
def test_files_with_rules_and_a_title_block_are_byte_identical(county: County,
                                                               fmt: str) -> None:
    """The codes and rule ids and a published version's title block, one file at a time."""
    _, ws, ref = county
    source = ListSource(version=7, published="2026-06-30", anchor="12:ab")
    streamed = reference.encoded(lists_tree(ListPlan(ws), ws.names, fmt, source,
                                            with_rules=True))
    assert streamed == reference.encoded(render_tree(ref, ws.names, fmt, source,
                                                     with_rules=True))


def test_check_finds_what_the_reference_finds(county: County) -> None:
    _, ws, _ = county
    assert check_county(ws) == reference.check_county(ws)


def test_the_generated_county_has_every_kind_of_street() -> None:
    ws = _generated()
    county = ws.county
    assert {s.kind for s in county.streets.values()} == {"street", "town", "township"}
    assert any(not s.granted_powers for s in county.streets.values())
    assert len({frozenset((g.department, g.power) for g in s.granted_powers)
                for s in county.streets.values()}) > 3
    assert {u.mode for u in county.units.values()} == {"dispatched", "devolved"}
    assert county.admissions and county.recalls
    assert any(i.streets != "all" for i in county.items.values())
    assert any(i.recalled for i in county.items.values())
    assert any("," in s.name or '"' in s.name for s in county.streets.values())
    lists = build_lists(ws)
    assert all(s.basic and s.cooperative for s in lists.streets)
    assert any(s.recalled for s in lists.streets) and any(s.not_applying for s in lists.streets)


def test_streets_are_grouped_by_what_the_policy_reads() -> None:
    """Proposals may be judged on a street's staff and load (the capacity rules); catalogue
    items, placed without moving a duty, are not: those rules cannot fire on them."""
    from engine.lists.plan import PLACEMENT_FACTS

    ws = _generated()
    assert street_inputs(fields_read(ws.policy)) >= {"staff", "load", "granted"}
    inputs = street_inputs(fields_read(ws.policy, known=PLACEMENT_FACTS))
    assert inputs == {"capacity", "granted", "listed", "opinion"}
    ids = StreetProfiles(ws.graph, inputs, ws.policy.parameters).ids("d00")
    assert 1 < len(set(ids)) < len(ids)


def test_a_policy_reading_the_street_name_makes_every_street_its_own_group(
        tmp_path: Path) -> None:
    ws = _reading_names(tmp_path)
    assert "identity" in street_inputs(fields_read(ws.policy))
    plan = ListPlan(ws)
    for ip in plan.items:
        ids = plan.profiles.ids(ip.item.department)
        assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("stencil", [2, 10**9])
def test_csv_from_class_and_row_stencils_is_byte_identical(
        county: County, stencil: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Classes of any size rendered once, or every street put together from its rows."""
    _, ws, ref = county
    monkeypatch.setattr(lists_stream, "STENCIL_CSV", stencil)
    assert reference.encoded(lists_stream.lists_tree(ListPlan(ws), ws.names, "csv")) == \
        reference.encoded(render_tree(ref, ws.names, "csv"))


def test_streets_json_from_class_stencils_is_byte_identical(county: County) -> None:
    """Each street's JSON as published (made once per class, names put in; a street with a
    name JSON escapes made on its own) and the lists summed up street by street as it goes:
    those of the reference lists."""
    name, ws, ref = county
    summing = Summing(catalogue_of(ws))
    made = StreetJson(ListPlan(ws), summing).streets()
    assert [(sid, text.decode("utf-8")) for sid, text in made] == \
        [(sl.street, sl.model_dump_json()) for sl in ref.streets]  # type: ignore[attr-defined]
    assert summing.result(ws.county.name) == summarise(ref, catalogue_of(ws))  # type: ignore[arg-type]
    if name == "generated":  # odd names: some streets were made on their own
        assert any('"' in s.name for s in ws.county.streets.values())


def test_the_summary_summed_per_class_is_that_of_the_lists(tmp_path: Path) -> None:
    """On a county of the benchmarks' shape (admissions and recalls giving streets their own
    rows), the summary published with a version is that of the whole lists."""
    write_county(tmp_path / "county", 60, 340)
    ws = load_workspace(tmp_path / "county")
    summing = Summing(catalogue_of(ws))
    plan = ListPlan(ws)
    assert len(list(plan.street_classes())) > 1
    for _ in StreetJson(plan, summing).streets():
        pass
    lists = build_lists(ws)
    assert summing.result(ws.county.name) == summarise(lists, catalogue_of(ws))
    assert summing.workload == summed(lists).totals().workload_days  # the versions' totals


def _changed_generated() -> tuple[Workspace, Workspace]:
    """A generated county and a revision of it: a street gone, another renamed, a unit
    moved, an item revised, another dropped, a street newly granted a power."""
    ws = _generated()
    county = ws.county
    streets = dict(county.streets)
    gone, renamed, granted = list(streets)[5], list(streets)[7], list(streets)[9]
    del streets[gone]
    streets[renamed] = streets[renamed].model_copy(update={"name": "改名街道"})
    streets[granted] = streets[granted].model_copy(update={"granted_powers": [
        *streets[granted].granted_powers,
        GrantedPower(power="licensing", department="d01", basis="省级决定")]})
    units = {uid: u.model_copy(update={"streets": [s for s in u.streets if s != gone]})
             for uid, u in county.units.items() if [s for s in u.streets if s != gone]}
    moved = next(iter(units))
    units[moved] = units[moved].model_copy(update={"name": "新派驻机构"})
    items = dict(county.items)
    first, second = list(items)[:2]
    items[first] = items[first].model_copy(update={"category": "assisting", "funding": 9000})
    del items[second]
    items = {k: v.model_copy(update={"streets": [s for s in v.streets if s != gone]})
             if v.streets != "all" else v for k, v in items.items()}
    revised = county.model_copy(update={
        "streets": streets, "units": units, "items": items,
        "admissions": {k: {s: a for s, a in v.items() if s != gone}
                       for k, v in county.admissions.items() if k in items},
        "recalls": {k: {s: r for s, r in v.items() if s != gone}
                    for k, v in county.recalls.items() if k in items}})
    return ws, Workspace(revised, ws.policy, build_graph(revised))


@pytest.mark.parametrize("case", ["sample-proposals", "generated-what-if", "generated-revised"])
def test_the_grouped_diff_is_the_diff_of_the_reference_lists(case: str) -> None:
    if case == "sample-proposals":
        before, after = load_workspace(), _after_proposals()
    elif case == "generated-what-if":  # the same streets: unchanged items are skipped
        before = _generated()
        county = before.county
        item = next(iter(county.items.values()))
        after = Workspace(county.model_copy(update={"items": {
            **county.items, item.id: item.model_copy(update={"phases": ["patrol", "report"]})}}),
            before.policy, before.graph)
    else:
        before, after = _changed_generated()
    expected = diff_lists(reference.build_lists(before), reference.build_lists(after))
    assert expected.changes
    assert diff_plans(ListPlan(before), ListPlan(after)) == expected


def test_files_the_second_process_did_not_send_are_made_here(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The second process dies after taking classes of streets: every file it did not send
    is made by this one, once."""
    import os

    ws = _generated()
    parent, real, made = os.getpid(), lists_stream._CsvStreets.file, [0]

    def dying(self: object, sid: str, index: int) -> str | None:
        if os.getpid() != parent:
            made[0] += 1
            if made[0] > 5:
                os._exit(1)
        return real(self, sid, index)  # type: ignore[arg-type]

    monkeypatch.setattr(lists_stream._CsvStreets, "file", dying)
    monkeypatch.setattr(lists_stream, "STENCIL_CSV", 10**9)  # every street from its rows
    streamed = list(lists_tree(ListPlan(ws), ws.names, "csv"))
    assert len(streamed) == len({path for path, _ in streamed})
    assert reference.encoded(streamed) == reference.encoded(
        render_tree(reference.build_lists(ws), ws.names, "csv"))


def test_two_processes_take_each_class_once() -> None:
    import os

    with lists_stream._Claims(500) as claims:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            taken = list(iter(claims.back, None))
            os.write(write, ",".join(map(str, taken)).encode())
            os._exit(0)
        os.close(write)
        mine = list(iter(claims.front, None))
        os.waitpid(pid, 0)
        with os.fdopen(read) as got:
            theirs = [int(x) for x in got.read().split(",") if x]
    assert sorted(mine + theirs) == list(range(500))
    assert mine == sorted(mine) and theirs == sorted(theirs, reverse=True)


@pytest.mark.parametrize("stencil", [2, 10**9])
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_text_from_class_and_row_stencils_is_byte_identical(
        county: County, fmt: str, stencil: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Markdown and HTML: classes of any size rendered once, or every street laid out from
    its rows (with rules and a title block too); the HTML index counts every street's rows."""
    _, ws, ref = county
    monkeypatch.setattr(lists_stream, "STENCIL_TEXT", stencil)
    source = ListSource(version=7, published="2026-06-30", anchor="12:ab")
    for args in ((None, False), (source, True)):
        assert reference.encoded(lists_tree(ListPlan(ws), ws.names, fmt, *args)) == \
            reference.encoded(render_tree(ref, ws.names, fmt, *args))


def _bracketed() -> Workspace:
    """The generated county with a street and a unit named with what Markdown escapes (no
    other format does)."""
    ws = _generated()
    county = ws.county
    streets, units = dict(county.streets), dict(county.units)
    for sid in list(streets)[:3]:
        streets[sid] = streets[sid].model_copy(update={"name": streets[sid].name + "[甲]`"})
    uid = next(iter(units))
    units[uid] = units[uid].model_copy(update={"name": units[uid].name + "[乙]"})
    changed = county.model_copy(update={"streets": streets, "units": units})
    return Workspace(changed, ws.policy, build_graph(changed))


@pytest.mark.parametrize("stencil", [2, 10**9])
@pytest.mark.parametrize("fmt", ["md", "html", "csv"])
def test_names_markdown_escapes_are_never_put_in_a_stencil(
        fmt: str, stencil: int, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = _bracketed()
    monkeypatch.setattr(lists_stream, "STENCIL_TEXT", stencil)
    monkeypatch.setattr(lists_stream, "STENCIL_CSV", stencil)
    streamed = reference.encoded(lists_tree(ListPlan(ws), ws.names, fmt))
    assert streamed == reference.encoded(render_tree(reference.build_lists(ws), ws.names, fmt))
    if fmt == "md":
        assert any(b"\\[\xe7\x94\xb2\\]" in text for text in streamed.values())  # \[甲\]


@pytest.mark.parametrize("fmt", ["md", "html", "csv"])
def test_without_a_second_process_every_file_is_made_here(
        fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where there is no fork, this process takes every class and makes no file twice."""
    ws = _generated()
    monkeypatch.delattr(lists_stream.os, "fork")
    streamed = list(lists_tree(ListPlan(ws), ws.names, fmt))
    assert len(streamed) == len({path for path, _ in streamed})
    assert reference.encoded(streamed) == reference.encoded(
        render_tree(reference.build_lists(ws), ws.names, fmt))


def test_counts_the_second_process_did_not_send_are_worked_out_here(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The second process fails after sending its files, before its counts of their rows:
    the HTML index counts them all the same."""
    import json
    import os
    from types import SimpleNamespace

    ws = _generated()
    parent = os.getpid()

    def failing(value: object) -> str:
        if os.getpid() != parent:
            os._exit(1)
        return json.dumps(value)

    monkeypatch.setattr(lists_stream, "json", SimpleNamespace(dumps=failing, loads=json.loads))
    monkeypatch.setattr(lists_stream, "STENCIL_TEXT", 10**9)
    streamed = list(lists_tree(ListPlan(ws), ws.names, "html"))
    assert len(streamed) == len({path for path, _ in streamed})
    assert reference.encoded(streamed) == reference.encoded(
        render_tree(reference.build_lists(ws), ws.names, "html"))

"""Recalls and revisions on the lists: what-if, apply_decisions and `duty lists build`."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.decide.evaluate import decide, resolve
from engine.errors import DataErrors
from engine.lists.apply import apply_decisions, what_if
from engine.lists.build import build_lists
from engine.loading.proposal import load_proposals
from engine.loading.workspace import Workspace, load_workspace
from engine.models.lists import CountyLists, ListRow
from tests.conftest import MINI, proposal, run_cli, write_yaml

SJ_HEARD = {"S01": "agree", "S02": "agree"}


def doc(*, drop: tuple[str, ...] = (), **changes: Any) -> dict[str, Any]:
    data = proposal(**changes)
    for key in drop:
        data.pop(key)
    return data


def recall(pid: str, ref: str = "SJ-001", department: str = "market_regulation",
           **changes: Any) -> dict[str, Any]:
    """A recall: no mode, and nothing handed over with it (no resources)."""
    if ref == "SJ-001":
        changes.setdefault("hearing", SJ_HEARD)
    return doc(drop=("mode", "resources"), id=pid, change="recall", item={"ref": ref},
               department=department, **changes)


def admit(pid: str, ref: str, department: str, streets: list[str],
          **changes: Any) -> dict[str, Any]:
    return proposal(id=pid, item={"ref": ref}, department=department, streets=streets,
                    hearing=dict.fromkeys(streets, "agree"), **changes)


def revise(pid: str, ref: str, department: str, revision: dict[str, Any],
           **changes: Any) -> dict[str, Any]:
    changes.setdefault("mode", "assist")
    return doc(id=pid, change="revise", item={"ref": ref}, department=department,
               revision=revision, **changes)


def _what_if(tmp_path: Path, docs: Sequence[dict[str, Any]],
             ws: Workspace | None = None) -> tuple[list[Any], Workspace]:
    paths = [write_yaml(tmp_path / f"p{i}.yaml", d) for i, d in enumerate(docs)]
    return what_if(ws or load_workspace(MINI), load_proposals(paths))


def _where(lists: CountyLists, item: str) -> dict[str, tuple[str, ListRow | None]]:
    """Per street: which list holds the item (``absent`` when it does not apply) and its row."""
    out: dict[str, tuple[str, ListRow | None]] = {}
    for s in lists.streets:
        out[s.street] = ("absent", None)
        for kind in ("basic", "cooperative", "recalled"):
            for row in getattr(s, kind):
                if row.item == item:
                    out[s.street] = (kind, row)
    return out


def _kinds(lists: CountyLists, item: str) -> dict[str, str]:
    return {sid: kind for sid, (kind, _) in _where(lists, item).items()}


def _row(lists: CountyLists, street: str, item: str) -> ListRow:
    row = _where(lists, item)[street][1]
    assert row is not None, f"{item} is on no list of {street}"
    return row


def _county(tmp_path: Path, item: str, **fields: Any) -> Path:
    county = tmp_path / "county"
    shutil.copytree(MINI, county)
    data = yaml.safe_load((county / "county.yaml").read_text(encoding="utf-8"))
    next(i for i in data["items"] if i["id"] == item).update(fields)
    write_yaml(county / "county.yaml", data)
    return county


@pytest.fixture(scope="module")
def before() -> CountyLists:
    return build_lists(load_workspace(MINI))


# ---------------------------------------------------------------- recall


def test_recall_moves_the_item_to_the_recalled_list_of_the_admitted_streets(
        tmp_path: Path, before: CountyLists) -> None:
    decisions, after = _what_if(tmp_path, [recall("P-R-1", streets=["S01"],
                                                  hearing={"S01": "agree"})])
    assert [d.verdict for d in decisions] == ["admitted"]
    lists = build_lists(after)
    assert _kinds(lists, "SJ-001") == {"S01": "recalled", "S02": "cooperative",
                                       "S03": "absent", "S04": "absent"}
    row = _row(lists, "S01", "SJ-001")
    assert row.proposal == "P-R-1"
    assert (row.funding.follows, row.funding.payer, row.funding.amount) == (False, None, 0)
    assert row.workload_days == 0
    assert row.primary is not None and (row.primary.kind, row.primary.id) == ("unit", "mr-east")
    assert row.street_phases == [] and row.department_phases == ["discovery", "report",
                                                                 "licensing"]
    assert row.cooperating == []
    # the street the recall did not name keeps its row exactly
    assert _row(lists, "S02", "SJ-001") == _row(before, "S02", "SJ-001")


def test_recall_leaves_unlisted_target_streets_as_they_were(tmp_path: Path) -> None:
    decisions, after = _what_if(tmp_path, [recall(
        "P-R-1", streets=["S01", "S03"], hearing={"S01": "agree", "S03": "agree"})])
    assert {s.street: s.verdict for s in decisions[0].streets} == {
        "S01": "admitted", "S03": "not_applicable"}
    lists = build_lists(after)
    assert _kinds(lists, "SJ-001") == {"S01": "recalled", "S02": "cooperative",
                                       "S03": "absent", "S04": "absent"}
    assert after.county.item_streets(after.county.items["SJ-001"]) == ["S01", "S02"]


def test_recall_all_empties_the_listing(tmp_path: Path) -> None:
    _, after = _what_if(tmp_path, [recall("P-R-1")])
    item = after.county.items["SJ-001"]
    assert after.county.listed_on(item) == []
    assert after.county.recalled_from(item) == ["S01", "S02"]
    lists = build_lists(after)
    assert {s: r.proposal for s, (k, r) in _where(lists, "SJ-001").items() if r} == {
        "S01": "P-R-1", "S02": "P-R-1"}
    # nothing is left to recall: a second recall of the whole listing has no streets
    with pytest.raises(DataErrors) as caught:
        _what_if(tmp_path, [recall("P-R-2")], after)
    assert caught.value.errors[0].code == "E-REF"


def test_recall_stops_the_funds_in_the_department_ledger(tmp_path: Path,
                                                         before: CountyLists) -> None:
    def ledger(lists: CountyLists) -> Any:
        return next(d for d in lists.departments if d.department == "civil_affairs")

    old = ledger(before)
    assert old.funding_owed == {"S01": 20000, "S02": 20000, "S03": 20000}
    _, after = _what_if(tmp_path, [recall("P-R-1", "MZ-001", "civil_affairs",
                                          streets=["S01"], hearing={"S01": "agree"})])
    new = ledger(build_lists(after))
    assert new.funding_owed == {"S02": 20000, "S03": 20000}
    assert new.funding_total == 40000
    (led,) = [i for i in new.items if i.item == "MZ-001"]
    assert led.streets == ["S02", "S03"]
    # the first street's row is recalled: the funds per street come from a street still on it
    assert (led.funding_per_street, led.funding_total) == (20000, 40000)


def test_a_recall_not_admitted_changes_nothing(tmp_path: Path, before: CountyLists) -> None:
    decisions, after = _what_if(tmp_path, [recall("P-R-1", work_plan=False)])
    assert decisions[0].verdict == "returned"
    assert build_lists(after) == before
    assert after.county.recalls == {}


def test_apply_decisions_recall_directly(tmp_path: Path) -> None:
    ws = load_workspace(MINI)
    (source,) = load_proposals([write_yaml(tmp_path / "r.yaml", recall(
        "P-R-1", "CG-001", "urban_management", streets=["S02", "S04"],
        hearing={"S02": "agree", "S04": "agree"}))])
    item, from_catalogue, targets = resolve(ws, source)
    decision = decide(ws, source.proposal, item, from_catalogue, targets)
    after = apply_decisions(ws, [decision], [item])
    assert ws.county.recalls == {}  # the input workspace is left alone
    assert after.county.listed_on(after.county.items["CG-001"]) == ["S01", "S03"]
    assert {k: v.proposal for k, v in after.county.recalls["CG-001"].items()} == {
        "S02": "P-R-1", "S04": "P-R-1"}
    assert _kinds(build_lists(after), "CG-001") == {"S01": "basic", "S02": "recalled",
                                                    "S03": "basic", "S04": "recalled"}


def test_recalling_an_already_recalled_street_again_does_not_touch_it(tmp_path: Path) -> None:
    decisions, after = _what_if(tmp_path, [
        recall("P-R-1", streets=["S01"], hearing={"S01": "agree"}),
        recall("P-R-2", streets=["S01", "S02"]),
    ])
    assert {s.street: s.verdict for s in decisions[1].streets} == {
        "S01": "not_applicable", "S02": "admitted"}
    assert "ADM-UNLISTED" in {f.rule for f in decisions[1].findings if f.street == "S01"}
    lists = build_lists(after)
    assert {s: r.proposal for s, (_, r) in _where(lists, "SJ-001").items() if r} == {
        "S01": "P-R-1", "S02": "P-R-2"}


# ---------------------------------------------------------------- re-admission after a recall


def test_readmitting_a_recalled_street_puts_the_item_back(tmp_path: Path,
                                                          before: CountyLists) -> None:
    decisions, after = _what_if(tmp_path, [
        recall("P-R-1"),
        admit("P-A-1", "SJ-001", "market_regulation", ["S01"]),
    ])
    assert [d.verdict for d in decisions] == ["admitted", "admitted"]
    assert "ADM-LISTED" not in {f.rule for f in decisions[1].findings}  # not listed any more
    lists = build_lists(after)
    assert _kinds(lists, "SJ-001") == {"S01": "cooperative", "S02": "recalled",
                                       "S03": "absent", "S04": "absent"}
    row = _row(lists, "S01", "SJ-001")
    assert row.proposal == "P-A-1" and row.funding.amount == 20000
    assert row.workload_days == 20
    assert row.street_phases == _row(before, "S01", "SJ-001").street_phases
    assert _row(lists, "S02", "SJ-001").proposal == "P-R-1"
    assert "S01" not in after.county.recalls["SJ-001"]


def test_readmission_after_recall_of_an_admitted_new_item(tmp_path: Path) -> None:
    new = proposal(id="P-T-100", streets=["S01", "S02"], hearing=SJ_HEARD)
    decisions, after = _what_if(tmp_path, [
        new,
        recall("P-R-1", "P-T-100", "fire_rescue", streets=["S02"], hearing={"S02": "agree"}),
        admit("P-A-1", "P-T-100", "fire_rescue", ["S02", "S03"]),
    ])
    assert [d.verdict for d in decisions] == ["admitted"] * 3
    lists = build_lists(after)
    assert _kinds(lists, "P-T-100") == {"S01": "cooperative", "S02": "cooperative",
                                        "S03": "cooperative", "S04": "absent"}
    assert {s: r.proposal for s, (_, r) in _where(lists, "P-T-100").items() if r} == {
        "S01": "P-T-100", "S02": "P-A-1", "S03": "P-A-1"}


# ---------------------------------------------------------------- revise


REVISION = {"name": "食品小经营店备案", "category": "comprehensive",
            "phases": ["discovery", "report"], "powers": [], "workload_days": 5}


def test_revise_replaces_the_row_on_all_its_streets(tmp_path: Path,
                                                    before: CountyLists) -> None:
    decisions, after = _what_if(tmp_path, [revise("P-V-1", "SJ-001", "market_regulation",
                                                  REVISION, hearing=SJ_HEARD,
                                                  resources__funding=3000)])
    assert decisions[0].verdict == "admitted"
    lists = build_lists(after)
    assert _kinds(lists, "SJ-001") == {"S01": "basic", "S02": "basic",
                                       "S03": "absent", "S04": "absent"}
    for sid in ("S01", "S02"):
        row = _row(lists, sid, "SJ-001")
        assert (row.name, row.category, row.workload_days) == ("食品小经营店备案",
                                                               "comprehensive", 5)
        assert row.primary is not None and (row.primary.kind, row.primary.id) == ("street", sid)
        assert row.street_phases == ["discovery", "report"] and row.department_phases == []
        assert (row.funding.follows, row.funding.payer, row.funding.amount) == (
            True, "market_regulation", 3000)
        assert row.proposal == "P-V-1"
        assert row.legal_basis == _row(before, sid, "SJ-001").legal_basis  # not revised
    item = after.county.items["SJ-001"]
    assert (item.funding, item.streets, item.recalled) == (3000, ["S01", "S02"], False)


def test_revise_also_rewrites_funds_agreed_by_an_earlier_admission(tmp_path: Path) -> None:
    decisions, after = _what_if(tmp_path, [
        admit("P-A-1", "SJ-001", "market_regulation", ["S03"], resources__funding=20000),
        revise("P-V-1", "SJ-001", "market_regulation", {"workload_days": 8},
               hearing={"S01": "agree", "S02": "agree", "S03": "agree"},
               resources__funding=3000),
    ])
    assert [s.street for s in decisions[1].streets] == ["S01", "S02", "S03"]
    assert decisions[1].verdict == "admitted"
    lists = build_lists(after)
    for sid in ("S01", "S02", "S03"):
        row = _row(lists, sid, "SJ-001")
        assert (row.funding.amount, row.workload_days, row.proposal) == (3000, 8, "P-V-1")


def test_a_conditional_revise_is_applied(tmp_path: Path) -> None:
    decisions, after = _what_if(tmp_path, [revise(
        "P-V-1", "SJ-001", "market_regulation", {"workload_days": 9},
        hearing={"S01": "object", "S02": "agree"})])
    assert decisions[0].verdict == "admitted_with_conditions"
    lists = build_lists(after)
    assert {s: r.workload_days for s, (_, r) in _where(lists, "SJ-001").items() if r} == {
        "S01": 9, "S02": 9}


@pytest.mark.parametrize(("revision", "verdict"), [
    ({"phases": ["patrol", "penalty"], "powers": ["penalty"]}, "rejected"),  # S02, S04
    ({"phases": ["patrol", "service"]}, "deferred"),  # 北山乡 has no service centre
])
def test_a_revise_not_admitted_changes_nothing_even_where_a_street_admitted(
        tmp_path: Path, before: CountyLists, revision: dict[str, Any], verdict: str) -> None:
    decisions, after = _what_if(tmp_path, [revise(
        "P-V-1", "CG-001", "urban_management", revision, mode="hand_over",
        resources__funding=26400)])  # 120 person-days at 220 yuan: funds that cover the work
    (d,) = decisions
    assert d.verdict == verdict
    assert {s.street: s.verdict for s in d.streets}["S01"] == "admitted"
    assert build_lists(after) == before
    assert after.county.items["CG-001"] == load_workspace(MINI).county.items["CG-001"]
    assert after.county.admissions == {}


def test_revise_after_a_partial_recall_keeps_the_recalled_street(tmp_path: Path) -> None:
    decisions, after = _what_if(tmp_path, [
        recall("P-R-1", streets=["S01"], hearing={"S01": "agree"}),
        revise("P-V-1", "SJ-001", "market_regulation", {"workload_days": 8},
               hearing={"S02": "agree"}, resources__funding=1800),
    ])
    assert [s.street for s in decisions[1].streets] == ["S02"]
    lists = build_lists(after)
    assert _kinds(lists, "SJ-001")["S01"] == "recalled"
    assert _row(lists, "S01", "SJ-001").proposal == "P-R-1"
    s02 = _row(lists, "S02", "SJ-001")
    assert (s02.list, s02.workload_days, s02.funding.amount, s02.proposal) == (
        "cooperative", 8, 1800, "P-V-1")


# ---------------------------------------------------------------- an item the catalogue recalls

CG_FUNDS = 26400  # CG-001: 120 person-days at 220 yuan, funds that cover the work


def test_catalogue_recalled_item_readmitted_for_one_street(tmp_path: Path) -> None:
    ws = load_workspace(_county(tmp_path, "CG-001", recalled=True))
    assert set(_kinds(build_lists(ws), "CG-001").values()) == {"recalled"}
    decisions, after = _what_if(tmp_path, [admit("P-A-1", "CG-001", "urban_management", ["S02"],
              resources__funding=CG_FUNDS)], ws)
    assert decisions[0].verdict == "admitted"
    lists = build_lists(after)
    assert _kinds(lists, "CG-001") == {"S01": "recalled", "S02": "basic",
                                       "S03": "recalled", "S04": "recalled"}
    s02 = _row(lists, "S02", "CG-001")
    assert (s02.proposal, s02.funding.amount, s02.workload_days) == ("P-A-1", CG_FUNDS, 120)
    for sid in ("S01", "S03", "S04"):
        row = _row(lists, sid, "CG-001")
        assert row.proposal is None and row.workload_days == 0 and not row.funding.follows
        assert row.street_phases == [] and row.cooperating == []
    leads = {sid: (r.primary.kind, r.primary.id) for sid, (k, r) in _where(lists, "CG-001").items()
             if k == "recalled" and r is not None and r.primary is not None}
    # S01's squad is devolved to the street: the recalled item goes to the department itself
    assert leads == {"S01": ("department", "urban_management"),
                     "S03": ("department", "urban_management"),
                     "S04": ("department", "urban_management")}
    item = after.county.items["CG-001"]
    assert after.county.listed_on(item) == ["S02"]
    assert after.county.recalled_from(item) == ["S01", "S03", "S04"]


def test_catalogue_recalled_item_second_readmission_keeps_the_first(tmp_path: Path) -> None:
    ws = load_workspace(_county(tmp_path, "CG-001", recalled=True))
    decisions, after = _what_if(tmp_path, [
        admit("P-A-1", "CG-001", "urban_management", ["S02"],
              resources__funding=CG_FUNDS),
        admit("P-A-2", "CG-001", "urban_management", ["S02", "S04"],
              resources__funding=CG_FUNDS),
    ], ws)
    assert {s.street: s.verdict for s in decisions[1].streets} == {
        "S02": "not_applicable", "S04": "admitted"}
    assert _kinds(build_lists(after), "CG-001") == {"S01": "recalled", "S02": "basic",
                                                    "S03": "recalled", "S04": "basic"}


def test_catalogue_recalled_item_readmitted_then_recalled_again(tmp_path: Path) -> None:
    ws = load_workspace(_county(tmp_path, "CG-001", recalled=True))
    decisions, after = _what_if(tmp_path, [
        admit("P-A-1", "CG-001", "urban_management", ["S02"],
              resources__funding=CG_FUNDS),
        recall("P-R-1", "CG-001", "urban_management", hearing={"S02": "agree"}),
    ], ws)
    assert [s.street for s in decisions[1].streets] == ["S02"]  # all = where it is listed
    lists = build_lists(after)
    assert set(_kinds(lists, "CG-001").values()) == {"recalled"}
    assert {s: r.proposal for s, (_, r) in _where(lists, "CG-001").items() if r} == {
        "S01": None, "S02": "P-R-1", "S03": None, "S04": None}


def test_catalogue_recalled_item_readmitted_then_revised(tmp_path: Path) -> None:
    ws = load_workspace(_county(tmp_path, "CG-001", recalled=True))
    decisions, after = _what_if(tmp_path, [
        admit("P-A-1", "CG-001", "urban_management", ["S02"],
              resources__funding=CG_FUNDS),
        revise("P-V-1", "CG-001", "urban_management", {"workload_days": 9},
               mode="hand_over", hearing={"S02": "agree"}, resources__funding=2000),
    ], ws)
    assert [s.street for s in decisions[1].streets] == ["S02"]
    assert decisions[1].verdict == "admitted"
    lists = build_lists(after)
    assert _kinds(lists, "CG-001") == {"S01": "recalled", "S02": "basic",
                                       "S03": "recalled", "S04": "recalled"}
    s02 = _row(lists, "S02", "CG-001")
    assert (s02.workload_days, s02.funding.amount, s02.proposal) == (9, 2000, "P-V-1")


# ---------------------------------------------------------------- `duty lists build` with admitted/


def test_lists_build_applies_recall_and_readmission_from_the_admitted_folder(
        tmp_path: Path) -> None:
    county = tmp_path / "county"
    shutil.copytree(MINI, county)
    write_yaml(county / "admitted" / "01-recall.yaml", recall("P-R-1"))
    write_yaml(county / "admitted" / "02-admit.yaml",
               admit("P-A-1", "SJ-001", "market_regulation", ["S02"]))
    out = {}
    for sid in ("S01", "S02"):
        run = run_cli("lists", "build", "--county", county, "--format", "json", "--street", sid)
        assert run.code == 0, run.stderr
        (street,) = json.loads(run.stdout)["streets"]
        out[sid] = street
    (s01,) = [r for r in out["S01"]["recalled"] if r["item"] == "SJ-001"]
    assert s01["proposal"] == "P-R-1" and s01["workload_days"] == 0
    assert s01["funding"] == {"follows": False, "payer": None, "amount": 0, "per": "year"}
    assert not [r for r in out["S01"]["cooperative"] if r["item"] == "SJ-001"]
    (s02,) = [r for r in out["S02"]["cooperative"] if r["item"] == "SJ-001"]
    assert s02["proposal"] == "P-A-1" and s02["funding"]["amount"] == 20000
    assert not [r for r in out["S02"]["recalled"] if r["item"] == "SJ-001"]


def test_lists_build_applies_a_revise_from_the_admitted_folder(tmp_path: Path) -> None:
    county = tmp_path / "county"
    shutil.copytree(MINI, county)
    write_yaml(county / "admitted" / "01-revise.yaml",
               revise("P-V-1", "SJ-001", "market_regulation", REVISION, hearing=SJ_HEARD,
                      resources__funding=3000))
    run = run_cli("lists", "build", "--county", county, "--format", "json", "--street", "S02")
    assert run.code == 0, run.stderr
    (street,) = json.loads(run.stdout)["streets"]
    (row,) = [r for r in street["basic"] if r["item"] == "SJ-001"]
    assert (row["name"], row["proposal"], row["funding"]["amount"]) == (
        "食品小经营店备案", "P-V-1", 3000)
    assert not [r for r in street["cooperative"] if r["item"] == "SJ-001"]


# ---------------------------------------------------------------- an inline item already listed


MZ_INLINE = {"name": "困难群众救助申请受理", "category": "assisting",
             "phases": ["service", "report"], "powers": [],
             "legal_basis": "《社会救助暂行办法》第十一条", "public_facing": True,
             "high_volume": True, "workload_days": 60}


def test_an_inline_item_matching_a_catalogue_item_is_that_item(tmp_path: Path) -> None:
    """One duty, one row: handing back by description restores the catalogue row."""
    recalled = recall("P-R-1", "MZ-001", "civil_affairs", streets=["S03"],
                      hearing={"S03": "agree"})
    back = proposal(id="P-A-9", department="civil_affairs", mode="assist",
                    streets=["S03", "S04"], item=MZ_INLINE,
                    hearing={"S03": "agree", "S04": "agree"})
    decisions, after = _what_if(tmp_path, [recalled, back])
    d = decisions[1]
    assert (d.item.id, d.item.from_catalogue) == ("MZ-001", True)
    lists = build_lists(after)
    assert "P-A-9" not in {r.item for s in lists.streets
                           for r in (*s.basic, *s.cooperative, *s.recalled)}
    kinds = _kinds(lists, "MZ-001")
    assert kinds["S03"] == "cooperative" and _row(lists, "S03", "MZ-001").proposal == "P-A-9"
    assert d.streets[1].verdict == "deferred"  # S04 has no service centre
    assert kinds["S04"] == "absent"


def test_an_inline_item_named_like_a_catalogue_item_but_different_is_refused(
        tmp_path: Path, golden: Any) -> None:
    changed = {**MZ_INLINE, "workload_days": 10}
    path = write_yaml(tmp_path / "p.yaml", proposal(
        id="P-A-9", department="civil_affairs", mode="assist", streets=["S04"],
        item=changed, hearing={"S04": "agree"}))
    run = run_cli("evaluate", path, "--county", MINI)
    assert run.code == 1 and run.stdout == ""
    assert run.stderr.count("[E-DUP]") == 1 and f"{path}:" in run.stderr
    assert "字段 item.name" in run.stderr and "MZ-001" in run.stderr
    assert "item: {ref: MZ-001}" in run.stderr and "change: revise" in run.stderr
    golden("errors/lists_apply_changes/inline-item-like-a-catalogue-item-but-different.txt",
           run.stderr)


def test_an_inline_item_named_like_a_catalogue_item_under_another_id_is_refused(
        tmp_path: Path, golden: Any) -> None:
    path = write_yaml(tmp_path / "p.yaml", proposal(
        id="P-A-9", department="civil_affairs", mode="assist", streets=["S04"],
        item={**MZ_INLINE, "id": "MZ-099"}, hearing={"S04": "agree"}))
    run = run_cli("evaluate", path, "--county", MINI)
    assert run.code == 1
    assert "[E-DUP]" in run.stderr and "字段 item.name" in run.stderr and "MZ-001" in run.stderr
    golden("errors/lists_apply_changes/inline-item-like-a-catalogue-item-under-another-id.txt",
           run.stderr)
